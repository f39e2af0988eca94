"""Writes the empty import templates of data/templates/ and their README.

    .venv/bin/python data/templates/make_templates.py

One CSV (header only) and one XLSX (header row on the first sheet, the column meanings on a
second sheet "uitleg-explication") per import table, and README.md with the same meanings.
The column names come from the import contract in code (`selstats.ingest.columns.TABLES`);
the words below say what each column means in Dutch, French and English, with an example.
tests/store/test_templates.py checks that the files and this table agree with the contract.

Why no `#` comment lines in the CSV templates: the import reader takes the first non-empty
line as the header, so a comment line would be read as the header (see README.md).
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent
SHEET_EXPLANATION = "uitleg-explication"  # "/" is not allowed in a sheet name

# table -> column -> (meaning NL, meaning FR, meaning EN, example)
MEANINGS: dict[str, dict[str, tuple[str, str, str, str]]] = {
    "organisations": {
        "org_id": (
            "eigen code van de organisatie, uniek; de andere bestanden verwijzen ernaar",
            "code propre de l'organisation, unique ; les autres fichiers y renvoient",
            "your own code for the organisation, unique; the other files refer to it",
            "GEM-VOORBEELD",
        ),
        "name": (
            "naam van de organisatie",
            "nom de l'organisation",
            "name of the organisation",
            "Gemeente Voorbeeld",
        ),
        "government": (
            "bestuursniveau: federal (federaal), flemish (Vlaams) of local (lokaal)",
            "niveau de pouvoir : federal (fédéral), flemish (flamand) ou local",
            "level of government: federal, flemish or local",
            "local",
        ),
        "certification": (
            "certificering door BOSA: none (geen), individual (individueel) of client (klant)",
            "certification par le BOSA : none (aucune), individual (individuelle) ou client",
            "certification by BOSA: none, individual or client",
            "individual",
        ),
        "review_date": (
            "datum van de laatste jaarlijkse evaluatie of van de certificering",
            "date de la dernière évaluation annuelle ou de la certification",
            "date of the last yearly review or of the certification",
            "01/03/2025",
        ),
    },
    "procedures": {
        "procedure_code": (
            "code van de selectieprocedure, uniek (bv. het selectienummer)",
            "code de la procédure de sélection, unique (p. ex. le numéro de sélection)",
            "code of the selection procedure, unique (e.g. the selection number)",
            "VB-2025-001",
        ),
        "org_id": (
            "organisatie die de procedure houdt (een org_id uit organisations)",
            "organisation qui mène la procédure (un org_id de organisations)",
            "organisation running the procedure (an org_id from organisations)",
            "GEM-VOORBEELD",
        ),
        "title": (
            "functietitel",
            "intitulé de la fonction",
            "job title",
            "Administratief medewerker",
        ),
        "level": (
            "niveau A, B, C of D, of een klasse zoals A2, B1, C1",
            "niveau A, B, C ou D, ou une classe comme A2, B1, C1",
            "level A, B, C or D, or a class such as A2, B1, C1",
            "C1",
        ),
        "salary_scale": (
            "weddeschaal (zoals in de referentiegegevens)",
            "échelle de traitement (comme dans les données de référence)",
            "salary scale (as in the reference data)",
            "C1-C3",
        ),
        "language": (
            "taal van de procedure: nl, fr of de",
            "langue de la procédure : nl, fr ou de",
            "language of the procedure: nl, fr or de",
            "nl",
        ),
        "application_deadline": (
            "uiterste inschrijvingsdatum; leeg = permanent open",
            "date limite d'inscription ; vide = ouverte en permanence",
            "application deadline; empty = permanently open",
            "14/03/2025",
        ),
        "places": (
            "aantal te begeven plaatsen",
            "nombre de places à pourvoir",
            "number of places to fill",
            "1",
        ),
        "list_max": (
            "hoogstens zoveel laureaten op de lijst; wie gelijk eindigt met de laatste komt er "
            "ook op; leeg = geen maximum",
            "au plus ce nombre de lauréats ; les ex aequo de la dernière place y figurent "
            "aussi ; vide = pas de maximum",
            "at most this many laureates; ties for the last place are added; empty = no maximum",
            "3",
        ),
        "ranked": (
            "is de lijst gerangschikt? ja of nee",
            "la liste est-elle classée ? oui ou non",
            "is the list ranked? yes or no",
            "ja",
        ),
        "validity_months": (
            "geldigheid van de lijst of de reserve, in maanden",
            "validité de la liste ou de la réserve, en mois",
            "validity of the list or reserve, in months",
            "24",
        ),
        "list_date": (
            "datum waarop de lijst van laureaten is opgesteld (einde van de procedure)",
            "date à laquelle la liste des lauréats a été établie (fin de la procédure)",
            "date the list of laureates was drawn up (end of the procedure)",
            "20/05/2025",
        ),
    },
    "steps": {
        "procedure_code": (
            "procedure van de stap (een procedure_code uit procedures)",
            "procédure de l'étape (un procedure_code de procedures)",
            "procedure of the step (a procedure_code from procedures)",
            "VB-2025-001",
        ),
        "step_no": (
            "volgnummer van de stap: 1, 2, 3 ... in de volgorde van de procedure",
            "numéro de l'étape : 1, 2, 3 ... dans l'ordre de la procédure",
            "step number: 1, 2, 3 ... in the order of the procedure",
            "2",
        ),
        "name": ("naam van de stap", "nom de l'étape", "name of the step", "Schriftelijke proef"),
        "kind": (
            "soort stap: screening, written, pc_test, mcq, info_session, phone_screening, "
            "interview, case, oral of competency",
            "type d'étape : screening, written, pc_test, mcq, info_session, phone_screening, "
            "interview, case, oral ou competency",
            "kind of step: screening, written, pc_test, mcq, info_session, phone_screening, "
            "interview, case, oral or competency",
            "written",
        ),
        "max_score": (
            "maximumscore; leeg = een stap zonder punten (geslaagd of niet)",
            "score maximal ; vide = une étape sans points (réussi ou non)",
            "maximum score; empty = a step without points (passed or not)",
            "40",
        ),
        "pass_mark": (
            "slaagdrempel, in de eenheid van pass_unit",
            "seuil de réussite, dans l'unité de pass_unit",
            "pass mark, in the unit of pass_unit",
            "50",
        ),
        "pass_unit": (
            "eenheid van de slaagdrempel: points (punten) of percent (procent van max_score)",
            "unité du seuil : points ou percent (pourcentage de max_score)",
            "unit of the pass mark: points or percent (of max_score)",
            "percent",
        ),
        "top_n": (
            "alleen de N besten onder wie slaagt gaan door; wie gelijk eindigt met de N-de ook",
            "seuls les N meilleurs parmi les réussis continuent ; les ex aequo du N-ième aussi",
            "only the N best passers go on; ties with the N-th go on too",
            "4",
        ),
        "rank_by_step": (
            "de stap waarvan de score de top-N rangschikt (leeg = deze stap)",
            "l'étape dont le score classe le top N (vide = cette étape)",
            "the step whose score ranks the top N (empty = this step)",
            "2",
        ),
        "held_if_more_than": (
            "voorwaardelijke stap: gaat alleen door als meer dan zoveel kandidaten overblijven; "
            "anders geen rijen in results",
            "étape conditionnelle : n'a lieu que si plus de ce nombre de candidats restent ; "
            "sinon aucune ligne dans results",
            "conditional step: held only when more than this many candidates remain; "
            "otherwise no rows in results",
            "6",
        ),
        "total_of_steps": (
            "totaalregel: stapnummers gescheiden door komma's; de som van hun scores moet "
            "ook slagen",
            "règle du total : numéros d'étape séparés par des virgules ; la somme de leurs "
            "scores doit aussi réussir",
            "total rule: step numbers separated by commas; the sum of their scores must pass too",
            "2,3",
        ),
        "total_pass_percent": (
            "slaagdrempel van dat totaal, in procent van de som van de maxima",
            "seuil de ce total, en pourcentage de la somme des maxima",
            "pass mark of that total, in percent of the summed maxima",
            "60",
        ),
        "eliminating": (
            "elimineert de stap? ja of nee; nee = wie niet slaagt gaat toch door",
            "l'étape est-elle éliminatoire ? oui ou non ; non = qui échoue continue quand même",
            "does the step eliminate? yes or no; no = those who fail still go on",
            "ja",
        ),
    },
    "results": {
        "procedure_code": (
            "procedure (een procedure_code uit procedures)",
            "procédure (un procedure_code de procedures)",
            "procedure (a procedure_code from procedures)",
            "VB-2025-001",
        ),
        "candidate_ref": (
            "kandidaatnummer, vrij te kiezen; een rijksregisternummer wordt bij het importeren "
            "vervangen door een pseudoniem",
            "référence du candidat, libre ; un numéro de registre national est remplacé par un "
            "pseudonyme à l'import",
            "candidate reference, free to choose; a national number is replaced by a "
            "pseudonym on import",
            "K01",
        ),
        "step_no": (
            "stap (een step_no uit steps); alleen stappen die de kandidaat bereikte",
            "étape (un step_no de steps) ; seulement les étapes que le candidat a atteintes",
            "step (a step_no from steps); only steps the candidate reached",
            "2",
        ),
        "score": (
            "behaalde score (decimale komma of punt); leeg als er geen score is",
            "score obtenu (virgule ou point décimal) ; vide s'il n'y a pas de score",
            "score obtained (decimal comma or point); empty when there is none",
            "32,5",
        ),
        "outcome": (
            "uitslag: geslaagd, niet geslaagd, afwezig, teruggetrokken of niet ingeschreven; "
            "leeg = volgt uit de score",
            "résultat : réussi, échoué, absent, désisté ou non inscrit ; vide = découle du score",
            "outcome: passed, failed, absent, withdrawn or not_registered; "
            "empty = follows from the score",
            "afwezig",
        ),
        "result_date": (
            "datum van het resultaat",
            "date du résultat",
            "date of the result",
            "04/04/2025",
        ),
    },
    "list_entries": {
        "procedure_code": (
            "procedure van de lijst (een procedure_code uit procedures)",
            "procédure de la liste (un procedure_code de procedures)",
            "procedure of the list (a procedure_code from procedures)",
            "VB-2025-001",
        ),
        "candidate_ref": (
            "laureaat op de lijst (dezelfde referentie als in results)",
            "lauréat sur la liste (la même référence que dans results)",
            "laureate on the list (the same reference as in results)",
            "K01",
        ),
        "status": (
            "toestand: available (beschikbaar), hired (aangeworven), declined (geweigerd) of "
            "withdrawn (teruggetrokken)",
            "statut : available (disponible), hired (recruté), declined (refusé) ou "
            "withdrawn (désisté)",
            "status: available, hired, declined or withdrawn",
            "hired",
        ),
        "status_date": (
            "datum van die toestand",
            "date de ce statut",
            "date of that status",
            "01/06/2025",
        ),
        "extended_until": (
            "geldigheid voor deze laureaat verlengd tot (datum)",
            "validité prolongée pour ce lauréat jusqu'au (date)",
            "validity extended for this laureate until (date)",
            "19/05/2028",
        ),
    },
    "consultants": {
        "consultant_ref": (
            "eigen code van de consultant; een rijksregisternummer wordt vervangen door een "
            "pseudoniem",
            "code propre du consultant ; un numéro de registre national est remplacé par un "
            "pseudonyme",
            "your own code for the consultant; a national number is replaced by a pseudonym",
            "CONS-01",
        ),
        "org_id": (
            "organisatie van de consultant (een org_id uit organisations)",
            "organisation du consultant (un org_id de organisations)",
            "organisation of the consultant (an org_id from organisations)",
            "GEM-VOORBEELD",
        ),
        "language_role": (
            "taalrol: nl of fr",
            "rôle linguistique : nl ou fr",
            "language role: nl or fr",
            "nl",
        ),
        "az_certified": (
            "gecertificeerd als Consultant A tot Z? ja of nee",
            "certifié Consultant A à Z ? oui ou non",
            "certified as Consultant A to Z? yes or no",
            "ja",
        ),
        "tests_certified": (
            "gecertificeerd voor selectietests? ja of nee",
            "certifié pour les tests de sélection ? oui ou non",
            "certified for selection tests? yes or no",
            "nee",
        ),
        "pro_partner": (
            "PRO Partner van de organisatie? ja of nee",
            "PRO Partner de l'organisation ? oui ou non",
            "PRO Partner of the organisation? yes or no",
            "nee",
        ),
        "assessment_certified": (
            "gecertificeerd voor assessmenttechnieken? ja of nee",
            "certifié pour les techniques d'assessment ? oui ou non",
            "certified for assessment techniques? yes or no",
            "nee",
        ),
        "chair_certified": (
            "gecertificeerd als interviewvoorzitter? ja of nee (telt mee voor de 4 "
            "gecertificeerden van klantcertificering)",
            "certifié président d'entretien ? oui ou non (compte parmi les 4 certifiés de la "
            "certification client)",
            "certified as interview chair? yes or no (counts toward the 4 certified staff of "
            "client certification)",
            "nee",
        ),
    },
    "qchecks": {
        "consultant_ref": (
            "consultant die de Q-check kreeg (een consultant_ref uit consultants)",
            "consultant qui a reçu le Q-check (un consultant_ref de consultants)",
            "consultant who got the Q-check (a consultant_ref from consultants)",
            "CONS-01",
        ),
        "procedure_code": (
            "procedure waarop de Q-check sloeg",
            "procédure sur laquelle portait le Q-check",
            "procedure the Q-check was about",
            "VB-2025-001",
        ),
        "check_date": (
            "datum van de Q-check",
            "date du Q-check",
            "date of the Q-check",
            "25/05/2025",
        ),
        "score_percent": (
            "score van de Q-check in procent (0 tot 100)",
            "score du Q-check en pourcentage (0 à 100)",
            "score of the Q-check in percent (0 to 100)",
            "85",
        ),
    },
}


def columns(table: str) -> list[tuple[str, bool]]:
    """(name, required) of the table's columns, as the import contract in code has them."""
    from selstats.ingest.columns import TABLES

    return [(c.name, c.required) for c in TABLES[table].columns]


def write_csv(table: str, folder: Path = HERE) -> Path:
    path = folder / f"{table}.csv"
    path.write_text(",".join(name for name, _ in columns(table)) + "\n", encoding="utf-8")
    return path


def write_xlsx(table: str, folder: Path = HERE) -> Path:
    import xlsxwriter

    path = folder / f"{table}.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    bold = workbook.add_format({"bold": True})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    text = workbook.add_format({"num_format": "@"})  # typed values stay text (leading zeros)
    data = workbook.add_worksheet(table)
    for i, (name, _) in enumerate(columns(table)):
        data.write_string(0, i, name, bold)
        data.set_column(i, i, max(14, len(name) + 2), text)
    data.freeze_panes(1, 0)
    info = workbook.add_worksheet(SHEET_EXPLANATION)
    head = ["kolom / colonne / column", "verplicht / obligatoire / required"]
    head += ["betekenis (NL)", "signification (FR)", "meaning (EN)", "voorbeeld / exemple"]
    for i, title in enumerate(head):
        info.write_string(0, i, title, bold)
    for row, (name, required) in enumerate(columns(table), start=1):
        nl, fr, en, example = MEANINGS[table][name]
        values = [name, "ja / oui / yes" if required else "nee / non / no", nl, fr, en, example]
        for i, value in enumerate(values):
            info.write_string(row, i, value, wrap)
    info.set_column(0, 1, 22)
    info.set_column(2, 4, 50)
    info.set_column(5, 5, 20)
    workbook.close()
    return path


def readme_tables() -> str:
    """The column tables of README.md, one per import table."""
    parts = []
    for table, meanings in MEANINGS.items():
        parts.append(f"### `{table}`\n")
        parts.append(
            "| kolom / colonne | verplicht / obligatoire | betekenis (NL) | signification (FR) "
            "| voorbeeld / exemple |"
        )
        parts.append("|---|---|---|---|---|")
        for name, required in columns(table):
            nl, fr, _, example = meanings[name]
            flag = "**ja / oui**" if required else "nee / non"
            parts.append(f"| `{name}` | {flag} | {nl} | {fr} | `{example}` |")
        parts.append("")
    return "\n".join(parts)


README_HEAD = """\
# Importsjablonen / Modèles d'import / Import templates

Per importtabel een leeg sjabloon als CSV (alleen de kopregel) en als XLSX (kopregel op het
eerste blad, de uitleg per kolom op het tweede blad `uitleg-explication`; alleen het eerste blad
wordt ingelezen). De bestandsnaam zegt welke tabel het is: bewaar een ingevuld sjabloon als
`results.csv`, `results.xlsx` enz. De volgorde van de kolommen is vrij, hoofdletters tellen
niet, en kolommen die je niet nodig hebt mag je weglaten. In `example/` staat een kleine
ingevulde, verzonnen procedure:
`selstats import data/templates/example --db /tmp/voorbeeld.duckdb`.

Pour chaque table d'import, un modèle vide en CSV (seulement la ligne d'en-tête) et en XLSX
(en-tête sur la première feuille, l'explication des colonnes sur la deuxième feuille
`uitleg-explication` ; seule la première feuille est lue). Le nom du fichier indique la table :
enregistrez un modèle rempli sous `results.csv`, `results.xlsx`, etc. L'ordre des colonnes est
libre, la casse ne compte pas, et les colonnes dont vous n'avez pas besoin peuvent être omises.
Le dossier `example/` contient une petite procédure inventée, remplie :
`selstats import data/templates/example --db /tmp/exemple.duckdb`.

CSV: komma of puntkomma, decimale komma of punt, UTF-8 (met of zonder BOM) of Windows-1252.
Datums als dd/mm/jjjj of jjjj-mm-dd. Ja/nee: ja/nee, oui/non, true/false, 1/0.
CSV : virgule ou point-virgule, virgule ou point décimal, UTF-8 (avec ou sans BOM) ou
Windows-1252. Dates en jj/mm/aaaa ou aaaa-mm-jj. Oui/non : oui/non, ja/nee, true/false, 1/0.

Een kolom die geen van de kolommen hieronder is, wordt genegeerd; de import noemt ze in een
waarschuwing (met de kolom die je waarschijnlijk bedoelde, zoals `tests_certified` voor
`test_certified`) en gaat door.
Une colonne qui n'est aucune des colonnes ci-dessous est ignorée ; l'import la signale dans un
avertissement (avec la colonne probablement voulue, comme `tests_certified` pour
`test_certified`) et continue.

Regels die met `#` beginnen vóór de kopregel zijn commentaar en worden overgeslagen; de
rijnummers in de meldingen tellen ze mee, zoals je ze in het bestand ziet.
Les lignes commençant par `#` avant l'en-tête sont des commentaires, ignorés ; les numéros de
ligne des messages les comptent, tels que vous les voyez dans le fichier.

Sjablonen opnieuw maken / régénérer les modèles :
`.venv/bin/python data/templates/make_templates.py`.

## Kolommen / Colonnes

"""


def write_readme(folder: Path = HERE) -> Path:
    path = folder / "README.md"
    path.write_text(README_HEAD + readme_tables(), encoding="utf-8")
    return path


def main() -> None:
    for table in MEANINGS:
        write_csv(table)
        write_xlsx(table)
    write_readme()


if __name__ == "__main__":
    main()
