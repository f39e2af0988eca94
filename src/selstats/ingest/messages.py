"""The words of every import problem, in Dutch (the default), French and English.
Long because it is a catalogue: one sentence per problem code in three languages, and the
few functions that fill them in at the end.

A problem carries only a code and parameters; this catalogue turns it into a sentence
that says where (file, row, column), what was found and what was expected. Keeping the
words here, one template per code per language, means a new code cannot ship without
its three translations (a test checks that).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol


class Problem(Protocol):
    """What a sentence is made of (`selstats.ingest.problems.Problem`, which imports this
    module: a protocol here keeps the two without a cycle)."""

    @property
    def file(self) -> str: ...
    @property
    def row(self) -> int | None: ...
    @property
    def column(self) -> str | None: ...
    @property
    def value(self) -> str | None: ...
    @property
    def code(self) -> str: ...
    @property
    def params(self) -> Mapping[str, object]: ...


LANGS = ("nl", "fr", "en")
DEFAULT_LANG = "nl"

# Where the problem is; the body follows after ": ".
LOCATION: dict[str, dict[str, str]] = {
    "nl": {
        "cell": "{file}, rij {row}, kolom {column}",
        "row": "{file}, rij {row}",
        "column": "{file}, kolom {column}",
        "file": "{file}",
    },
    "fr": {
        "cell": "{file}, ligne {row}, colonne {column}",
        "row": "{file}, ligne {row}",
        "column": "{file}, colonne {column}",
        "file": "{file}",
    },
    "en": {
        "cell": "{file}, row {row}, column {column}",
        "row": "{file}, row {row}",
        "column": "{file}, column {column}",
        "file": "{file}",
    },
}

# One template per code (or code.variant) per language.
TEMPLATES: dict[str, dict[str, str]] = {
    "file_not_found": {
        "nl": "bestand niet gevonden",
        "fr": "fichier introuvable",
        "en": "file not found",
    },
    "unsupported_extension": {
        "nl": "bestandstype '{extension}' wordt niet ondersteund (verwacht: .csv, .xlsx of "
        ".parquet; een oud .xls-bestand eerst bewaren als .xlsx)",
        "fr": "le type de fichier '{extension}' n'est pas pris en charge (attendu : .csv, "
        ".xlsx ou .parquet ; enregistrez d'abord un ancien fichier .xls en .xlsx)",
        "en": "file type '{extension}' is not supported (expected: .csv, .xlsx or .parquet; "
        "save an old .xls file as .xlsx first)",
    },
    "unknown_table": {
        "nl": "de bestandsnaam zegt niet welke tabel het is (verwacht: {tables}, "
        "bijvoorbeeld results.csv)",
        "fr": "le nom du fichier n'indique pas de quelle table il s'agit (attendu : {tables}, "
        "par exemple results.csv)",
        "en": "the file name does not say which table it holds (expected: {tables}, "
        "for example results.csv)",
    },
    "empty_file": {
        "nl": "het bestand is leeg (verwacht: minstens een kopregel met de kolomnamen)",
        "fr": "le fichier est vide (attendu : au moins une ligne d'en-tête avec les noms "
        "de colonnes)",
        "en": "the file is empty (expected: at least a header row with the column names)",
    },
    "wrong_format": {
        "nl": "dit is geen geldig {expected}-bestand (gevonden: {found}); bewaar het opnieuw "
        "in het juiste formaat of geef het de juiste extensie",
        "fr": "ce n'est pas un fichier {expected} valide (trouvé : {found}) ; "
        "enregistrez-le dans le bon format ou donnez-lui la bonne extension",
        "en": "this is not a valid {expected} file (found: {found}); save it in the right "
        "format or give it the right extension",
    },
    "bad_encoding": {
        "nl": "de tekstcodering is niet herkend (verwacht: UTF-8 of Windows-1252)",
        "fr": "l'encodage du texte n'est pas reconnu (attendu : UTF-8 ou Windows-1252)",
        "en": "the text encoding is not recognised (expected: UTF-8 or Windows-1252)",
    },
    "file_too_large.size": {
        "nl": "het bestand is te groot ({size}, maximum {limit})",
        "fr": "le fichier est trop volumineux ({size}, maximum {limit})",
        "en": "the file is too large ({size}, maximum {limit})",
    },
    "file_too_large.unpacked": {
        "nl": "het bestand is uitgepakt te groot ({size}, maximum {limit})",
        "fr": "le fichier est trop volumineux une fois décompressé ({size}, maximum {limit})",
        "en": "the file is too large once unpacked ({size}, maximum {limit})",
    },
    "file_too_large.ratio": {
        "nl": "het bestand is verdacht sterk gecomprimeerd ({size}, maximum {limit}) en "
        "wordt niet geopend",
        "fr": "le fichier est anormalement compressé ({size}, maximum {limit}) et n'est pas ouvert",
        "en": "the file is suspiciously highly compressed ({size}, maximum {limit}) and is "
        "not opened",
    },
    "mixed_encoding": {
        "nl": "deze regel is in een andere tekstcodering ({found}) dan de rest van het bestand "
        "({expected}); bewaar het hele bestand in één codering (bij voorkeur CSV UTF-8)",
        "fr": "cette ligne est dans un autre encodage ({found}) que le reste du fichier "
        "({expected}) ; enregistrez tout le fichier dans un seul encodage (de préférence "
        "CSV UTF-8)",
        "en": "this line is in another text encoding ({found}) than the rest of the file "
        "({expected}); save the whole file in one encoding (preferably CSV UTF-8)",
    },
    "nul_byte": {
        "nl": "deze regel bevat een NUL-teken (binaire gegevens), dat in een tekstbestand niet "
        "hoort; bewaar het bestand opnieuw als CSV",
        "fr": "cette ligne contient un caractère NUL (données binaires), qui n'a pas sa place "
        "dans un fichier texte ; enregistrez à nouveau le fichier en CSV",
        "en": "this line holds a NUL character (binary data), which a text file never holds; "
        "save the file again as CSV",
    },
    "unreadable_file": {
        "nl": "het bestand kan niet gelezen worden ({detail})",
        "fr": "le fichier ne peut pas être lu ({detail})",
        "en": "the file cannot be read ({detail})",
    },
    "missing_required_column": {
        "nl": "de verplichte kolom ontbreekt in de kopregel",
        "fr": "la colonne obligatoire manque dans la ligne d'en-tête",
        "en": "the required column is missing from the header row",
    },
    "duplicate_column": {
        "nl": "de kolom staat meer dan eens in de kopregel (alleen de eerste wordt gelezen)",
        "fr": "la colonne figure plus d'une fois dans l'en-tête (seule la première est lue)",
        "en": "the column appears more than once in the header (only the first is read)",
    },
    "unnamed_column": {
        "nl": "kolom {position} heeft geen naam in de kopregel maar bevat gegevens, "
        "zoals '{value}' (verwacht: een kolomnaam, of een lege kolom)",
        "fr": "la colonne {position} n'a pas de nom dans l'en-tête mais contient des "
        "données, comme '{value}' (attendu : un nom de colonne, ou une colonne vide)",
        "en": "column {position} has no name in the header but holds data, such as "
        "'{value}' (expected: a column name, or an empty column)",
    },
    "unknown_column": {
        "nl": "onbekende kolom, wordt genegeerd (gekende kolommen: {expected})",
        "fr": "colonne inconnue, ignorée (colonnes connues : {expected})",
        "en": "unknown column, ignored (known columns: {expected})",
    },
    "unknown_column.suggestion": {
        "nl": "onbekende kolom, wordt genegeerd; bedoelde u {suggestion}? (gekende kolommen: "
        "{expected})",
        "fr": "colonne inconnue, ignorée ; vouliez-vous dire {suggestion} ? (colonnes "
        "connues : {expected})",
        "en": "unknown column, ignored; did you mean {suggestion}? (known columns: {expected})",
    },
    "unsupported_type": {
        "nl": "de kolom heeft een gegevenstype dat niet gelezen kan worden ({dtype})",
        "fr": "la colonne a un type de données illisible ({dtype})",
        "en": "the column has a data type that cannot be read ({dtype})",
    },
    "ragged_row": {
        "nl": "de rij heeft meer cellen ({cells}) dan de kopregel kolommen heeft "
        "({expected}); de extra waarde is '{value}'",
        "fr": "la ligne a plus de cellules ({cells}) que l'en-tête n'a de colonnes "
        "({expected}) ; la valeur en trop est '{value}'",
        "en": "the row has more cells ({cells}) than the header has columns ({expected}); "
        "the extra value is '{value}'",
    },
    "bad_quotes": {
        "nl": 'aanhalingstekens kloppen niet vanaf deze rij (een cel begint met " maar '
        "sluit niet af); de rest van het bestand kan niet gelezen worden",
        "fr": "les guillemets ne correspondent pas à partir de cette ligne (une cellule "
        'commence par " sans se fermer) ; la suite du fichier ne peut pas être lue',
        "en": 'quotes do not match from this row on (a cell opens a " and never closes '
        "it); the rest of the file cannot be read",
    },
    "cell_too_long": {
        "nl": "de cel is te lang ({length} tekens, maximum {limit}); een cel bevat één waarde, "
        "zoals een naam of een getal",
        "fr": "la cellule est trop longue ({length} caractères, maximum {limit}) ; une cellule "
        "contient une seule valeur, comme un nom ou un nombre",
        "en": "the cell is too long ({length} characters, maximum {limit}); a cell holds one "
        "value, such as a name or a number",
    },
    "duplicate_key": {
        "nl": "dubbele rij: dezelfde sleutel ({value}) staat ook al op rij {first_row}",
        "fr": "ligne en double : la même clé ({value}) figure déjà à la ligne {first_row}",
        "en": "duplicate row: the same key ({value}) is already on row {first_row}",
    },
    "missing_value": {
        "nl": "verplichte waarde ontbreekt",
        "fr": "valeur obligatoire manquante",
        "en": "required value is missing",
    },
    "not_a_number": {
        "nl": "'{value}' is geen getal (verwacht: een getal zoals 12,5)",
        "fr": "'{value}' n'est pas un nombre (attendu : un nombre comme 12,5)",
        "en": "'{value}' is not a number (expected: a number such as 12.5)",
    },
    "not_an_integer": {
        "nl": "'{value}' is geen geheel getal (verwacht: een geheel getal zoals 3)",
        "fr": "'{value}' n'est pas un nombre entier (attendu : un entier comme 3)",
        "en": "'{value}' is not a whole number (expected: a whole number such as 3)",
    },
    "out_of_range": {
        "nl": "'{value}' ligt buiten het toegelaten bereik (verwacht: {expected})",
        "fr": "'{value}' est hors de la plage autorisée (attendu : {expected})",
        "en": "'{value}' is out of range (expected: {expected})",
    },
    "bad_date": {
        "nl": "'{value}' is geen geldige datum (verwacht: dd/mm/jjjj zoals 05/03/2024, "
        "of jjjj-mm-dd)",
        "fr": "'{value}' n'est pas une date valide (attendu : jj/mm/aaaa comme 05/03/2024, "
        "ou aaaa-mm-jj)",
        "en": "'{value}' is not a valid date (expected: dd/mm/yyyy such as 05/03/2024, "
        "or yyyy-mm-dd)",
    },
    "bad_bool": {
        "nl": "'{value}' is geen ja/nee-waarde (verwacht: ja of nee, waar of onwaar, "
        "true of false, 1 of 0)",
        "fr": "'{value}' n'est pas une valeur oui/non (attendu : oui ou non, vrai ou faux, "
        "true ou false, 1 ou 0)",
        "en": "'{value}' is not a yes/no value (expected: yes or no, true or false, 1 or 0)",
    },
    "unknown_outcome": {
        "nl": "'{value}' is geen gekende uitslag (verwacht: geslaagd, niet geslaagd, "
        "afwezig, teruggetrokken, niet ingeschreven of cut_off)",
        "fr": "'{value}' n'est pas un résultat connu (attendu : réussi, échoué, absent, "
        "désisté, non inscrit ou cut_off)",
        "en": "'{value}' is not a known outcome (expected: passed, failed, absent, "
        "withdrawn, not_registered or cut_off)",
    },
    "unknown_value": {
        "nl": "'{value}' is geen toegelaten waarde (verwacht: {allowed})",
        "fr": "'{value}' n'est pas une valeur autorisée (attendu : {allowed})",
        "en": "'{value}' is not an allowed value (expected: {allowed})",
    },
    "bad_level": {
        "nl": "'{value}' is geen niveau (verwacht: A, B, C of D, of een klasse zoals A2, B1 of C1)",
        "fr": "'{value}' n'est pas un niveau (attendu : A, B, C ou D, ou une classe comme "
        "A2, B1 ou C1)",
        "en": "'{value}' is not a level (expected: A, B, C or D, or a class such as A2, B1 or C1)",
    },
    "bad_step_list": {
        "nl": "'{value}' is geen lijst van stapnummers (verwacht: nummers gescheiden door "
        "komma's, zoals 2,3)",
        "fr": "'{value}' n'est pas une liste de numéros d'étape (attendu : des numéros "
        "séparés par des virgules, comme 2,3)",
        "en": "'{value}' is not a list of step numbers (expected: numbers separated by "
        "commas, such as 2,3)",
    },
    "xlsx_formula_error.error": {
        "nl": "cel {cell} bevat een formule met de foutwaarde {value} (verwacht: een "
        "waarde; verbeter de formule of typ de waarde in)",
        "fr": "la cellule {cell} contient une formule en erreur {value} (attendu : une "
        "valeur ; corrigez la formule ou saisissez la valeur)",
        "en": "cell {cell} holds a formula that gives the error {value} (expected: a value; "
        "fix the formula or type the value)",
    },
    "xlsx_formula_error.no_value": {
        "nl": "cel {cell} bevat een formule zonder berekende waarde (open het bestand in "
        "Excel en bewaar het opnieuw, of typ de waarde in)",
        "fr": "la cellule {cell} contient une formule sans valeur calculée (ouvrez le "
        "fichier dans Excel et enregistrez-le, ou saisissez la valeur)",
        "en": "cell {cell} holds a formula without a computed value (open the file in Excel "
        "and save it again, or type the value)",
    },
    "too_many_problems": {
        "nl": "en nog {count} problemen van dezelfde soort ({kind}) die niet apart getoond worden",
        "fr": "et encore {count} problèmes du même type ({kind}) qui ne sont pas "
        "affichés séparément",
        "en": "and {count} more problems of the same kind ({kind}) not shown one by one",
    },
    # --- raised by the store and the rules engine (params: see selstats.store) ---
    "duplicate_table": {
        "nl": "meer dan één bestand voor de tabel {table} in dezelfde import (verwacht: één "
        "bestand per tabel; voeg ze samen)",
        "fr": "plus d'un fichier pour la table {table} dans le même import (attendu : un "
        "fichier par table ; fusionnez-les)",
        "en": "more than one file for the table {table} in one import (expected: one file "
        "per table; merge them)",
    },
    "unknown_organisation": {
        "nl": "'{value}' is geen gekende organisatie (verwacht: een org_id uit "
        "organisations, al in de databank of in deze import)",
        "fr": "'{value}' n'est pas une organisation connue (attendu : un org_id de "
        "organisations, déjà dans la base ou dans cet import)",
        "en": "'{value}' is not a known organisation (expected: an org_id from "
        "organisations, already stored or in this import)",
    },
    "unknown_procedure": {
        "nl": "'{value}' is geen gekende procedure (verwacht: een procedure_code uit "
        "procedures, al in de databank of in deze import)",
        "fr": "'{value}' n'est pas une procédure connue (attendu : un procedure_code de "
        "procedures, déjà dans la base ou dans cet import)",
        "en": "'{value}' is not a known procedure (expected: a procedure_code from "
        "procedures, already stored or in this import)",
    },
    "unknown_consultant": {
        "nl": "'{value}' is geen gekende consultant (verwacht: een consultant_ref uit "
        "consultants, al in de databank of in deze import)",
        "fr": "'{value}' n'est pas un consultant connu (attendu : un consultant_ref de "
        "consultants, déjà dans la base ou dans cet import)",
        "en": "'{value}' is not a known consultant (expected: a consultant_ref from "
        "consultants, already stored or in this import)",
    },
    "unknown_step": {
        "nl": "procedure {procedure} heeft geen stap {value} (verwacht: een step_no uit steps)",
        "fr": "la procédure {procedure} n'a pas d'étape {value} (attendu : un step_no de steps)",
        "en": "procedure {procedure} has no step {value} (expected: a step_no from steps)",
    },
    "not_on_list": {
        "nl": "'{value}' staat niet op de lijst van laureaten van procedure {procedure}",
        "fr": "'{value}' ne figure pas sur la liste des lauréats de la procédure {procedure}",
        "en": "'{value}' is not on the list of laureates of procedure {procedure}",
    },
    "unreachable_step": {
        "nl": "kandidaat {candidate} heeft een resultaat voor stap {step} van procedure "
        "{procedure}, maar slaagde niet voor de vorige stap",
        "fr": "le candidat {candidate} a un résultat pour l'étape {step} de la procédure "
        "{procedure}, mais n'a pas réussi l'étape précédente",
        "en": "candidate {candidate} has a result for step {step} of procedure {procedure} "
        "but did not pass the previous step",
    },
    "no_outcome": {
        "nl": "het resultaat van kandidaat {candidate} voor stap {step} van procedure "
        "{procedure} heeft geen score en geen uitslag (verwacht: een score of een uitslag)",
        "fr": "le résultat du candidat {candidate} pour l'étape {step} de la procédure "
        "{procedure} n'a ni score ni résultat (attendu : un score ou un résultat)",
        "en": "the result of candidate {candidate} for step {step} of procedure {procedure} "
        "has neither a score nor an outcome (expected: one of them)",
    },
    "step_should_not_be_held": {
        "nl": "stap {step} van procedure {procedure} heeft resultaten maar mocht niet "
        "plaatsvinden: ze gaat alleen door als meer dan {expected} kandidaten overblijven, "
        "er bleven er {found} over",
        "fr": "l'étape {step} de la procédure {procedure} a des résultats mais n'aurait pas "
        "dû avoir lieu : elle n'a lieu que s'il reste plus de {expected} candidats, il en "
        "restait {found}",
        "en": "step {step} of procedure {procedure} has results but should not have been "
        "held: it is held only when more than {expected} candidates remain, {found} remained",
    },
    "step_missing": {
        "nl": "stap {step} van procedure {procedure} moest plaatsvinden maar heeft geen "
        "resultaten: er bleven {found} kandidaten over, meer dan {expected}",
        "fr": "l'étape {step} de la procédure {procedure} devait avoir lieu mais n'a pas de "
        "résultats : il restait {found} candidats, plus de {expected}",
        "en": "step {step} of procedure {procedure} had to be held but has no results: "
        "{found} candidates remained, more than {expected}",
    },
    "outcome_contradicts_rules": {
        "nl": "de uitslag van kandidaat {candidate} voor stap {step} van procedure "
        "{procedure} spreekt de regels tegen (gegeven: {found}; volgens de regels: {expected})",
        "fr": "le résultat du candidat {candidate} pour l'étape {step} de la procédure "
        "{procedure} contredit les règles (donné : {found} ; selon les règles : {expected})",
        "en": "the outcome of candidate {candidate} for step {step} of procedure {procedure} "
        "contradicts the rules (given: {found}; by the rules: {expected})",
    },
    "stale_outcome": {
        "nl": "de bewaarde uitslag van kandidaat {candidate} voor stap {step} van procedure "
        "{procedure} is verouderd (bewaard: {found}; volgens de regels nu: {expected})",
        "fr": "le résultat enregistré du candidat {candidate} pour l'étape {step} de la "
        "procédure {procedure} est périmé (enregistré : {found} ; selon les règles : "
        "{expected})",
        "en": "the stored outcome of candidate {candidate} for step {step} of procedure "
        "{procedure} is out of date (stored: {found}; by the rules now: {expected})",
    },
    "store_missing": {
        "nl": "de databank bestaat nog niet (importeer eerst gegevens)",
        "fr": "la base de données n'existe pas encore (importez d'abord des données)",
        "en": "the database does not exist yet (import data first)",
    },
    "schema_version": {
        "nl": "de databank heeft schemaversie {found}, deze versie van selstats verwacht "
        "{expected}",
        "fr": "la base de données a la version de schéma {found}, cette version de "
        "selstats attend {expected}",
        "en": "the database has schema version {found}, this version of selstats expects "
        "{expected}",
    },
    "reference_error": {
        "nl": "fout in de referentiegegevens: {detail}",
        "fr": "erreur dans les données de référence : {detail}",
        "en": "error in the reference data: {detail}",
    },
    "score_out_of_range": {
        "nl": "'{value}' ligt buiten het bereik van stap {step} van procedure {procedure} "
        "(verwacht: een score van 0 tot en met {maximum}, de maximumscore van die stap)",
        "fr": "'{value}' est hors de la plage de l'étape {step} de la procédure {procedure} "
        "(attendu : un score de 0 à {maximum}, le score maximal de cette étape)",
        "en": "'{value}' is outside the range of step {step} of procedure {procedure} "
        "(expected: a score from 0 to {maximum}, the step's maximum score)",
    },
    "score_out_of_range.stored": {
        "nl": "de score {value} van kandidaat {candidate} voor stap {step} van procedure "
        "{procedure} ligt buiten het bereik van die stap (verwacht: {expected})",
        "fr": "le score {value} du candidat {candidate} pour l'étape {step} de la procédure "
        "{procedure} est hors de la plage de cette étape (attendu : {expected})",
        "en": "the score {value} of candidate {candidate} for step {step} of procedure "
        "{procedure} is outside the step's range (expected: {expected})",
    },
    "max_score_below_scores": {
        "nl": "'{value}' is lager dan scores die al voor stap {step} van procedure {procedure} "
        "bewaard zijn (hoogste: {found}, in {count} resultaat/resultaten); verbeter die "
        "scores in dezelfde import of kies een hoger maximum",
        "fr": "'{value}' est inférieur à des scores déjà enregistrés pour l'étape {step} de la "
        "procédure {procedure} (le plus élevé : {found}, dans {count} résultat(s)) ; corrigez "
        "ces scores dans le même import ou choisissez un maximum plus élevé",
        "en": "'{value}' is below scores already stored for step {step} of procedure "
        "{procedure} (highest: {found}, in {count} result(s)); correct those scores in the "
        "same import or choose a higher maximum",
    },
    "invalid_step": {
        "nl": "stap {step} van procedure {procedure} is ongeldig ({detail})",
        "fr": "l'étape {step} de la procédure {procedure} n'est pas valide ({detail})",
        "en": "step {step} of procedure {procedure} is not valid ({detail})",
    },
    # --- the write as a whole (file: the store) ---
    "store_busy": {
        "nl": "een andere import loopt op deze databank en was na {seconds} s nog niet klaar; "
        "er is niets geïmporteerd (probeer later opnieuw, of verhoog SELSTATS_LOCK_TIMEOUT)",
        "fr": "un autre import est en cours sur cette base de données et n'était pas terminé "
        "après {seconds} s ; rien n'a été importé (réessayez plus tard, ou augmentez "
        "SELSTATS_LOCK_TIMEOUT)",
        "en": "another import is running on this store and had not finished after {seconds} s; "
        "nothing was imported (try again later, or raise SELSTATS_LOCK_TIMEOUT)",
    },
    "store_busy.write": {
        "nl": "een andere import loopt op deze databank en was na {seconds} s nog niet klaar; "
        "er is niets veranderd (probeer later opnieuw, of verhoog SELSTATS_LOCK_TIMEOUT)",
        "fr": "un autre import est en cours sur cette base de données et n'était pas terminé "
        "après {seconds} s ; rien n'a changé (réessayez plus tard, ou augmentez "
        "SELSTATS_LOCK_TIMEOUT)",
        "en": "another import is running on this store and had not finished after {seconds} s; "
        "nothing changed (try again later, or raise SELSTATS_LOCK_TIMEOUT)",
    },
    "disk_full": {
        "nl": "niet genoeg schijfruimte in {folder}: de import is niet uitgevoerd; er is niets "
        "veranderd",
        "fr": "pas assez d'espace disque dans {folder} : l'import n'a pas été effectué ; rien "
        "n'a changé",
        "en": "not enough disk space in {folder}: the import was not done; nothing changed",
    },
    "disk_full.write": {
        "nl": "niet genoeg schijfruimte in {folder}: er is niets weggeschreven; de databank is "
        "zoals ze was",
        "fr": "pas assez d'espace disque dans {folder} : rien n'a été écrit ; la base de données "
        "est restée telle quelle",
        "en": "not enough disk space in {folder}: nothing was written; the store is as it was",
    },
    "import_stopped.memory": {
        "nl": "de import is gestopt: hij had meer geheugen nodig dan toegelaten ({limit}); er "
        "is niets veranderd (splits het bestand, of laat de beheerder "
        "SELSTATS_IMPORT_MEMORY_MB verhogen)",
        "fr": "l'import a été arrêté : il demandait plus de mémoire que permis ({limit}) ; rien "
        "n'a changé (divisez le fichier, ou demandez à l'administrateur d'augmenter "
        "SELSTATS_IMPORT_MEMORY_MB)",
        "en": "the import was stopped: it needed more memory than allowed ({limit}); nothing "
        "changed (split the file, or ask the administrator to raise SELSTATS_IMPORT_MEMORY_MB)",
    },
    "import_stopped.timeout": {
        "nl": "de import is gestopt: hij duurde langer dan toegelaten ({limit}); er is niets "
        "veranderd (splits het bestand, of laat de beheerder SELSTATS_IMPORT_TIMEOUT verhogen)",
        "fr": "l'import a été arrêté : il durait plus longtemps que permis ({limit}) ; rien "
        "n'a changé (divisez le fichier, ou demandez à l'administrateur d'augmenter "
        "SELSTATS_IMPORT_TIMEOUT)",
        "en": "the import was stopped: it took longer than allowed ({limit}); nothing changed "
        "(split the file, or ask the administrator to raise SELSTATS_IMPORT_TIMEOUT)",
    },
    "import_stopped.crashed": {
        "nl": "de import is onverwacht gestopt ({detail}); er is niets veranderd; meestal vraagt "
        "het bestand dan meer geheugen dan toegelaten ({limit})",
        "fr": "l'import s'est arrêté de manière inattendue ({detail}) ; rien n'a changé ; le "
        "plus souvent, le fichier demande alors plus de mémoire que permis ({limit})",
        "en": "the import stopped unexpectedly ({detail}); nothing changed; most often the file "
        "then needs more memory than allowed ({limit})",
    },
    "import_stopped.error": {
        "nl": "de import is gestopt door een fout in selstats ({detail}); er is niets "
        "veranderd; de beheerder vindt de details in het logboek van de server",
        "fr": "l'import a été arrêté par une erreur de selstats ({detail}) ; rien n'a changé ; "
        "l'administrateur en trouve le détail dans le journal du serveur",
        "en": "the import was stopped by an error in selstats ({detail}); nothing changed; the "
        "administrator finds the details in the server's log",
    },
}

# Messages that are not problems: what a command says while it works.
NOTICES: dict[str, dict[str, str]] = {
    "store_waiting": {
        "nl": "een andere import loopt op {store}; even wachten…",
        "fr": "un autre import est en cours sur {store} ; attente…",
        "en": "another import is running on {store}; waiting…",
    },
}

# Warnings (an unknown column) do not stop an import: said as such, before the sentence.
WARNING_PREFIX: dict[str, str] = {
    "nl": "WAARSCHUWING: ",
    "fr": "AVERTISSEMENT : ",
    "en": "WARNING: ",
}
WARNINGS_SUMMARY: dict[str, str] = {
    "nl": "{count} waarschuwing(en): die kolommen worden niet gebruikt; ze houden de import "
    "niet tegen",
    "fr": "{count} avertissement(s) : ces colonnes ne sont pas utilisées ; ils n'empêchent "
    "pas l'import",
    "en": "{count} warning(s): those columns are not used; they do not stop the import",
}

# Text added to a template when a problem's params name a hint.
HINTS: dict[str, dict[str, str]] = {
    "outcome_word": {
        "nl": "; een uitslag zoals '{value}' hoort in de kolom outcome, laat de score dan leeg",
        "fr": " ; un résultat comme '{value}' va dans la colonne outcome, laissez alors "
        "le score vide",
        "en": "; an outcome such as '{value}' belongs in the outcome column, leave the score empty",
    },
}

# Names of what a file turned out to be (`wrong_format`'s `found`).
FORMAT_NAMES: dict[str, dict[str, str]] = {
    "zip": {"nl": "een ZIP-archief", "fr": "une archive ZIP", "en": "a ZIP archive"},
    "xlsx": {
        "nl": "een Excel-bestand (.xlsx)",
        "fr": "un fichier Excel (.xlsx)",
        "en": "an Excel file (.xlsx)",
    },
    "xls": {
        "nl": "een oud of beveiligd Excel-bestand (.xls)",
        "fr": "un ancien fichier Excel ou protégé (.xls)",
        "en": "an old or protected Excel file (.xls)",
    },
    "parquet": {"nl": "een Parquet-bestand", "fr": "un fichier Parquet", "en": "a Parquet file"},
    "pdf": {"nl": "een PDF-document", "fr": "un document PDF", "en": "a PDF document"},
    "text": {"nl": "tekst", "fr": "du texte", "en": "text"},
    "binary": {"nl": "binaire gegevens", "fr": "des données binaires", "en": "binary data"},
    "unknown": {"nl": "een onbekend formaat", "fr": "un format inconnu", "en": "an unknown format"},
}

_FALLBACK = {
    "nl": "probleem '{code}'{details}",
    "fr": "problème '{code}'{details}",
    "en": "problem '{code}'{details}",
}


class _Lenient(dict[str, object]):
    """Format values that never raise: a missing parameter shows as '?'."""

    def __missing__(self, key: str) -> str:
        return "?"


def template_key(code: str, params: dict[str, object] | None = None) -> str:
    """The catalogue entry for a code: `code.variant` when params name a variant."""
    variant = (params or {}).get("variant")
    if variant is not None and f"{code}.{variant}" in TEMPLATES:
        return f"{code}.{variant}"
    return code


def render_warning(problem: Problem, lang: str = DEFAULT_LANG) -> str:
    """A warning's sentence in `lang`, marked as a warning (`WAARSCHUWING: ...`)."""
    lang = lang if lang in LANGS else DEFAULT_LANG
    return WARNING_PREFIX[lang] + render(problem, lang)


def warnings_summary(count: int, lang: str = DEFAULT_LANG) -> str:
    """One line over `count` warnings, in `lang`."""
    return WARNINGS_SUMMARY[lang if lang in LANGS else DEFAULT_LANG].format(count=count)


def notice(key: str, lang: str = DEFAULT_LANG, **params: object) -> str:
    """A notice of `NOTICES` in `lang` (falls back to Dutch)."""
    lang = lang if lang in LANGS else DEFAULT_LANG
    return NOTICES[key][lang].format_map(_Lenient(params))


def render(problem: Problem, lang: str = DEFAULT_LANG) -> str:
    """The full sentence for `problem` in `lang` (falls back to Dutch)."""
    lang = lang if lang in LANGS else DEFAULT_LANG
    params = dict(problem.params)
    values = _Lenient(params)
    values.update(
        file=problem.file,
        row=problem.row,
        column=problem.column,
        value=problem.value if problem.value is not None else "",
        code=problem.code,
    )
    found = params.get("found")
    if isinstance(found, str) and found in FORMAT_NAMES:
        values["found"] = FORMAT_NAMES[found][lang]

    if problem.row is not None and problem.column is not None:
        where = "cell"
    elif problem.row is not None:
        where = "row"
    elif problem.column is not None:
        where = "column"
    else:
        where = "file"
    location = LOCATION[lang][where].format_map(values)

    entry = TEMPLATES.get(template_key(problem.code, params))
    if entry is None:  # a code nobody wrote words for yet: still say all we know
        shown = ", ".join(f"{k}={v}" for k, v in params.items())
        values["details"] = f" ({shown})" if shown else ""
    body = (entry[lang] if entry else _FALLBACK[lang]).format_map(values)
    hint = params.get("hint")
    if isinstance(hint, str) and hint in HINTS:
        body += HINTS[hint][lang].format_map(values)
    return f"{location}: {body}"
