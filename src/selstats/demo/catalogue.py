"""The fixed vocabulary of the demo: organisations, job titles, salary scales, step templates.
Long because it is data: sixty organisations, the scales, titles and step templates,
one table each, with no logic to split.

Everything here is invented but plausible; only the four reference organisations (Belnet,
POD MI, Stad Maaseik, Opgroeien Regie) are real, and their facts come from the reference data.
Nothing in this module draws random numbers: the generator decides which entry to use.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

# The demo data describes the world as it stood on this day: later steps have no results yet
# and their procedures are still running. A fixed date keeps the demo deterministic.
DEMO_TODAY = date(2026, 11, 20)


@dataclass(frozen=True)
class OrgSpec:
    org_id: str
    name: str
    government: str  # federal | flemish | local
    certification: str = "none"  # none | individual | client
    language: str | None = None  # nl | fr for a local government; None: both (federal)
    weight: float = 1.0  # relative number of procedures a year
    # Client organisations: the Q-check average the demo aims at (see staff.py).
    qcheck_target: float | None = None
    # Client organisations: a condition the organisation no longer meets (at risk).
    lacks: str | None = None  # "tests_fr"


# The four reference organisations keep the ids of data/reference/organisations.csv.
BELNET = "BELNET"
POD_MI = "POD-MI"
MAASEIK = "MAASEIK"
OPGROEIEN = "OPGROEIEN"

ORGANISATIONS: tuple[OrgSpec, ...] = (
    # federal (25)
    OrgSpec("FED-01", "FOD Financiën", "federal", "client", weight=8, qcheck_target=87.0),
    OrgSpec("FED-02", "FOD Justitie", "federal", "client", weight=6, qcheck_target=78.5),
    OrgSpec("FED-03", "FOD Binnenlandse Zaken", "federal", weight=4),
    OrgSpec("FED-04", "FOD Buitenlandse Zaken", "federal", weight=3),
    OrgSpec("FED-05", "FOD Economie", "federal", "individual", weight=3),
    OrgSpec("FED-06", "FOD Sociale Zekerheid", "federal", weight=3),
    OrgSpec("FED-07", "FOD Volksgezondheid", "federal", weight=3),
    OrgSpec("FED-08", "FOD Mobiliteit en Vervoer", "federal", "individual", weight=2),
    OrgSpec("FED-09", "FOD Werkgelegenheid", "federal", weight=2),
    OrgSpec("FED-10", "FOD BOSA", "federal", "client", weight=3, qcheck_target=81.0),
    OrgSpec("FED-11", "Ministerie van Defensie", "federal", "client", weight=6, qcheck_target=76.5),
    OrgSpec(
        "FED-12",
        "Rijksdienst voor Arbeidsvoorziening",
        "federal",
        "client",
        weight=4,
        qcheck_target=80.5,
    ),
    OrgSpec(
        "FED-13",
        "Office national de sécurité sociale",
        "federal",
        "client",
        weight=4,
        qcheck_target=90.0,
        lacks="tests_fr",
    ),
    OrgSpec("FED-14", "RIZIV", "federal", "individual", weight=3),
    OrgSpec("FED-15", "FAVV", "federal", "individual", weight=2),
    OrgSpec("FED-16", "Regie der Gebouwen", "federal", "individual", weight=2),
    OrgSpec("FED-17", "Service fédéral des Pensions", "federal", weight=3),
    OrgSpec("FED-18", "Bureau fédéral du Plan", "federal", weight=1),
    OrgSpec("FED-19", "Institut royal météorologique", "federal", weight=1),
    OrgSpec("FED-20", "Koninklijke Bibliotheek van België", "federal", weight=1),
    OrgSpec("FED-21", "Rijksarchief", "federal", weight=1),
    OrgSpec("FED-22", "POD Wetenschapsbeleid", "federal", weight=1),
    OrgSpec("FED-23", "FAGG", "federal", weight=2),
    OrgSpec(BELNET, "Belnet", "federal", weight=1),
    OrgSpec(POD_MI, "POD Maatschappelijke Integratie", "federal", weight=1),
    # flemish (15)
    OrgSpec(
        "VL-01", "Agentschap Wegen en Verkeer", "flemish", "client", weight=4, qcheck_target=84.5
    ),
    OrgSpec("VL-02", "VDAB", "flemish", "client", weight=4, qcheck_target=88.5),
    OrgSpec("VL-03", "Departement Onderwijs en Vorming", "flemish", weight=3),
    OrgSpec("VL-04", "Agentschap Binnenlands Bestuur", "flemish", weight=1),
    OrgSpec("VL-05", "Departement Omgeving", "flemish", "individual", weight=2),
    OrgSpec("VL-06", "Vlaamse Milieumaatschappij", "flemish", "individual", weight=2),
    OrgSpec("VL-07", "Agentschap Natuur en Bos", "flemish", "individual", weight=2),
    OrgSpec("VL-08", "Agentschap Zorg en Gezondheid", "flemish", weight=2),
    OrgSpec("VL-09", "Vlaamse Belastingdienst", "flemish", weight=2),
    OrgSpec("VL-10", "Departement Financiën en Begroting", "flemish", weight=1),
    OrgSpec("VL-11", "Agentschap Facilitair Bedrijf", "flemish", weight=2),
    OrgSpec("VL-12", "Digitaal Vlaanderen", "flemish", weight=2),
    OrgSpec("VL-13", "Departement Kanselarij en Buitenlandse Zaken", "flemish", weight=1),
    OrgSpec("VL-14", "Agentschap Onroerend Erfgoed", "flemish", weight=1),
    OrgSpec(OPGROEIEN, "Opgroeien Regie", "flemish", weight=2),
    # local (20)
    OrgSpec("LOC-01", "Stad Gent", "local", language="nl", weight=4),
    OrgSpec("LOC-02", "Stad Antwerpen", "local", language="nl", weight=5),
    OrgSpec("LOC-03", "Stad Leuven", "local", language="nl", weight=2),
    OrgSpec("LOC-04", "Stad Brugge", "local", language="nl", weight=2),
    OrgSpec("LOC-05", "Stad Hasselt", "local", language="nl", weight=2),
    OrgSpec("LOC-06", "Stad Mechelen", "local", language="nl", weight=2),
    OrgSpec("LOC-07", "Stad Kortrijk", "local", language="nl", weight=1),
    OrgSpec("LOC-08", "Gemeente Zaventem", "local", language="nl", weight=1),
    OrgSpec("LOC-09", "Stad Genk", "local", language="nl", weight=1),
    OrgSpec("LOC-10", "Stad Aalst", "local", language="nl", weight=1),
    OrgSpec("LOC-11", "Stad Sint-Niklaas", "local", language="nl", weight=1),
    OrgSpec("LOC-12", "Ville de Liège", "local", language="fr", weight=3),
    OrgSpec("LOC-13", "Ville de Namur", "local", language="fr", weight=2),
    OrgSpec("LOC-14", "Ville de Charleroi", "local", language="fr", weight=3),
    OrgSpec("LOC-15", "Ville de Mons", "local", language="fr", weight=1),
    OrgSpec("LOC-16", "Commune d'Ixelles", "local", language="fr", weight=1),
    OrgSpec("LOC-17", "Ville de Wavre", "local", language="fr", weight=1),
    OrgSpec("LOC-18", "Commune de Schaerbeek", "local", language="fr", weight=2),
    OrgSpec("LOC-19", "Gemeente Lanaken", "local", language="nl", weight=1),
    OrgSpec(MAASEIK, "Stad Maaseik", "local", language="nl", weight=1),
)

# Levels (as the procedure stores them) and how often each occurs, per government.
LEVELS: dict[str, tuple[tuple[str, float], ...]] = {
    "federal": (("A1", 0.18), ("A2", 0.12), ("A3", 0.05), ("B", 0.25), ("C", 0.3), ("D", 0.1)),
    "flemish": (("A1", 0.3), ("B1", 0.35), ("C1", 0.25), ("D1", 0.1)),
    "local": (("A1a", 0.15), ("B1", 0.25), ("C1", 0.45), ("D1", 0.15)),
}

# Salary scales that fit each level; one is chosen per procedure.
SCALES: dict[tuple[str, str], tuple[str, ...]] = {
    ("federal", "A1"): ("NA11",),
    ("federal", "A2"): ("NA21", "NA22", "NA23", "NA24", "NA25"),
    ("federal", "A3"): ("NA31",),
    ("federal", "B"): ("B1",),
    ("federal", "C"): ("C1",),
    ("federal", "D"): ("D1",),
    ("flemish", "A1"): ("A111",),
    ("flemish", "B1"): ("B111",),
    ("flemish", "C1"): ("C111",),
    ("flemish", "D1"): ("D111",),
    ("local", "A1a"): ("A1a-A3a",),
    ("local", "B1"): ("B1-B3",),
    ("local", "C1"): ("C1-C3",),
    ("local", "D1"): ("D1-D3",),
}


@dataclass(frozen=True)
class LocalScaleSpec:
    """A local government's own salary scale in the demo (amounts at 100 %; None: the
    scale is named but its amount is not known)."""

    org_id: str
    scale: str
    level: str
    annual_min_100: float | None
    annual_max_100: float | None


# Since 2023 each local government sets its own scales, so a local scale belongs to one
# organisation (data/reference/salary_scales.csv holds Stad Maaseik's C1-C3, from its
# posting). In the demo two more towns have scales of their own, with INVENTED amounts (the
# source column says so); every other local government's scales are not known, and the
# salaries page shows them as unknown, never as another town's.
LOCAL_SCALES: tuple[LocalScaleSpec, ...] = (
    LocalScaleSpec("LOC-01", "C1-C3", "C1", 13900, 25400),
    LocalScaleSpec("LOC-01", "B1-B3", "B1", 17200, 30100),
    LocalScaleSpec("LOC-03", "D1-D3", "D1", 12800, None),
    LocalScaleSpec("LOC-03", "C1-C3", "C1", None, None),
)
LOCAL_SCALE_SOURCE = "Demo data: invented amounts, not this organisation's real scale."

# Job titles per level letter: (Dutch, French).
TITLES: dict[str, tuple[tuple[str, str], ...]] = {
    "A": (
        ("Attaché ICT", "Attaché ICT"),
        ("Jurist", "Juriste"),
        ("Financieel expert", "Expert financier"),
        ("HR-adviseur", "Conseiller RH"),
        ("Data-analist", "Analyste de données"),
        ("Projectleider", "Chef de projet"),
        ("Beleidsadviseur", "Conseiller politique"),
        ("Ingenieur", "Ingénieur"),
        ("Interne auditor", "Auditeur interne"),
    ),
    "B": (
        ("Boekhouder", "Comptable"),
        ("Dossierbeheerder", "Gestionnaire de dossiers"),
        ("ICT-ondersteuner", "Support ICT"),
        ("Maatschappelijk werker", "Assistant social"),
        ("Communicatiemedewerker", "Collaborateur communication"),
        ("Controleur", "Contrôleur"),
    ),
    "C": (
        ("Administratief medewerker", "Collaborateur administratif"),
        ("Onthaalmedewerker", "Collaborateur d'accueil"),
        ("Dossierbeheerder klantencontact", "Gestionnaire contact clients"),
        ("Technisch assistent", "Assistant technique"),
        ("Medewerker contactcenter", "Agent de centre de contact"),
    ),
    "D": (
        ("Logistiek medewerker", "Collaborateur logistique"),
        ("Chauffeur", "Chauffeur"),
        ("Magazijnier", "Magasinier"),
        ("Medewerker groendienst", "Ouvrier espaces verts"),
        ("Technicus gebouwen", "Technicien bâtiments"),
    ),
}
TITLE_SUFFIX = {"nl": " (m/v/x)", "fr": " (m/f/x)"}


@dataclass(frozen=True)
class StepSpec:
    """One step of a template. The rules engine reads the step's facts; the generator also
    reads how candidates behave there and how hard it is."""

    name_nl: str
    name_fr: str
    kind: str
    max_score: float | None = None  # None: pass/fail
    pass_percent: float | None = None  # the pass mark as a share of the maximum
    pass_unit: str = "points"  # how the mark is written down: points or percent
    capped: bool = False  # top_n (set per procedure)
    conditional: bool = False  # held_if_more_than = top_n
    rank_by_previous_test: bool = False  # rank_by_step = the previous scored step
    total_of_steps: tuple[int, ...] | None = None  # offsets from this step: (-1, 0) = prev + this
    total_pass_percent: float | None = None
    sessions: int = 1  # candidates spread over this many consecutive days


@dataclass(frozen=True)
class Template:
    name: str
    steps: tuple[StepSpec, ...] = field(default_factory=tuple)
    size_factor: float = 1.0  # head count relative to other templates of the same level


DIPLOMA = StepSpec("Screening diploma", "Screening diplôme", "screening")
EXPERIENCE = StepSpec("Screening ervaring", "Screening expérience", "screening")
CV = StepSpec("Screening cv", "Screening CV", "screening")

# Federal A level, modelled on Belnet CNG23032: a written test held only above a head count,
# from which only the first N passers go on.
FEDERAL_A = Template(
    "federal_a",
    (
        DIPLOMA,
        EXPERIENCE,
        StepSpec(
            "Schriftelijke test",
            "Épreuve écrite",
            "written",
            max_score=18,
            pass_percent=50,
            capped=True,
            conditional=True,
        ),
        StepSpec("Interview en pc-test", "Entretien et test sur PC", "interview", 110, 50),
    ),
)

# Federal C level, modelled on POD MI CNG24004: the N best MCQ scores among those who pass the
# experience screening go to the interview.
FEDERAL_C = Template(
    "federal_c",
    (
        DIPLOMA,
        StepSpec(
            "Infosessie en meerkeuzevragentest",
            "Séance d'information et QCM",
            "mcq",
            100,
            50,
            sessions=3,
        ),
        StepSpec(
            "Screening ervaring",
            "Screening expérience",
            "screening",
            capped=True,
            rank_by_previous_test=True,
        ),
        StepSpec("Interview met case", "Entretien avec cas", "interview", 100, 50),
    ),
)

# The generic federal selection: three screenings (diploma, experience, CV and motivation),
# the computer-based reasoning tests (abstract, numerical), a situational judgement test and
# an interview. These are the large recruitment rounds, with several times the applicants of
# a specific selection.
FEDERAL_GENERIC = Template(
    "federal_generic",
    (
        DIPLOMA,
        EXPERIENCE,
        StepSpec("Screening cv en motivatie", "Screening CV et motivation", "screening"),
        StepSpec(
            "Pc-test abstract redeneren",
            "Test informatisé de raisonnement abstrait",
            "pc_test",
            20,
            50,
            sessions=3,
        ),
        StepSpec(
            "Pc-test numeriek redeneren",
            "Test informatisé de raisonnement numérique",
            "pc_test",
            20,
            50,
            sessions=3,
        ),
        StepSpec(
            "Situationele beoordelingstest",
            "Test de jugement situationnel",
            "pc_test",
            40,
            50,
            sessions=3,
        ),
        StepSpec("Interview", "Entretien", "interview", 20, 60),
    ),
    size_factor=5.0,
)

# The short federal selection: one screening, one test, an interview.
FEDERAL_SHORT = Template(
    "federal_short",
    (
        CV,
        StepSpec(
            "Pc-test redeneervaardigheden",
            "Test informatisé de raisonnement",
            "pc_test",
            20,
            50,
            sessions=3,
        ),
        StepSpec("Praktijkcase", "Cas pratique", "case", 50, 50),
        StepSpec("Interview", "Entretien", "interview", 20, 60),
    ),
)

# Local governments, modelled on Stad Maaseik: 50 % on each test and 60 % on the total.
LOCAL = Template(
    "local",
    (
        StepSpec("Controle kandidatuur", "Contrôle de candidature", "screening"),
        StepSpec("Schriftelijke proef", "Épreuve écrite", "written", 100, 50, "percent"),
        StepSpec(
            "Mondelinge proef",
            "Épreuve orale",
            "oral",
            100,
            50,
            "percent",
            total_of_steps=(-1, 0),
            total_pass_percent=60,
        ),
    ),
)

LOCAL_PRACTICAL = Template(
    "local_practical",
    (
        StepSpec("Controle kandidatuur", "Contrôle de candidature", "screening"),
        StepSpec("Schriftelijke proef", "Épreuve écrite", "written", 100, 50, "percent"),
        StepSpec("Praktische proef", "Épreuve pratique", "case", 50, 50, "percent"),
        StepSpec(
            "Mondelinge proef",
            "Épreuve orale",
            "oral",
            100,
            50,
            "percent",
            total_of_steps=(-2, -1, 0),
            total_pass_percent=60,
        ),
    ),
)

# The Flemish government, modelled on Opgroeien Regie req16131.
FLEMISH = Template(
    "flemish",
    (
        StepSpec("Cv-screening", "Screening CV", "screening"),
        StepSpec(
            "Telefonische voorselectie",
            "Présélection téléphonique",
            "phone_screening",
            100,
            50,
            "percent",
        ),
        StepSpec("Screening competenties", "Screening des compétences", "competency"),
        StepSpec("Jurygesprek met case", "Entretien de jury avec cas", "interview"),
    ),
)

FLEMISH_SCORED = Template(
    "flemish_scored",
    (
        StepSpec("Cv-screening", "Screening CV", "screening"),
        StepSpec("Digitale test", "Test numérique", "pc_test", 100, 50, "percent", sessions=2),
        StepSpec("Screening competenties", "Screening des compétences", "competency"),
        StepSpec("Jurygesprek met case", "Entretien de jury avec cas", "interview", 100, 60),
    ),
)

# Which templates a procedure may use: (government, level letter) -> (template, weight).
TEMPLATES: dict[tuple[str, str], tuple[tuple[Template, float], ...]] = {
    ("federal", "A"): ((FEDERAL_A, 0.4), (FEDERAL_GENERIC, 0.45), (FEDERAL_SHORT, 0.15)),
    ("federal", "B"): ((FEDERAL_GENERIC, 0.7), (FEDERAL_SHORT, 0.3)),
    ("federal", "C"): ((FEDERAL_C, 0.5), (FEDERAL_GENERIC, 0.3), (FEDERAL_SHORT, 0.2)),
    ("federal", "D"): ((FEDERAL_C, 0.4), (FEDERAL_SHORT, 0.6)),
    ("flemish", "*"): ((FLEMISH, 0.6), (FLEMISH_SCORED, 0.4)),
    ("local", "*"): ((LOCAL, 0.65), (LOCAL_PRACTICAL, 0.35)),
}


def templates_for(government: str, level: str) -> tuple[tuple[Template, float], ...]:
    if government == "federal":
        return TEMPLATES[("federal", level[0])]
    return TEMPLATES[(government, "*")]


# Relative number of applicants per year (BOSA's applicant counts, 2017-2024, extended by a
# flat year on either side), so the demo's years grow and shrink like the national figures.
YEAR_WEIGHT: dict[int, float] = {
    2016: 0.90,
    2017: 0.90,
    2018: 0.87,
    2019: 0.94,
    2020: 1.02,
    2021: 1.04,
    2022: 1.24,
    2023: 1.37,
    2024: 1.28,
    2025: 1.28,
}
