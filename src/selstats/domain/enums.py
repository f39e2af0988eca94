"""The closed vocabularies of the domain; their values are what the store and the files hold."""

from enum import StrEnum


class Outcome(StrEnum):
    """What happened to a candidate at one step. Absent, withdrawn and not registered are
    outcomes of their own, never failures: the funnel shows them apart."""

    PASSED = "passed"
    FAILED = "failed"
    ABSENT = "absent"
    WITHDRAWN = "withdrawn"
    NOT_REGISTERED = "not_registered"
    CUT_OFF = "cut_off"  # met the pass mark but fell outside a top-N or the list maximum


class StepState(StrEnum):
    HELD = "held"
    NOT_HELD = "not_held"  # conditional step whose head count was not exceeded
    PENDING = "pending"  # no results yet


class StepKind(StrEnum):
    SCREENING = "screening"
    WRITTEN = "written"
    PC_TEST = "pc_test"
    MCQ = "mcq"
    INFO_SESSION = "info_session"
    PHONE_SCREENING = "phone_screening"
    INTERVIEW = "interview"
    CASE = "case"
    ORAL = "oral"
    COMPETENCY = "competency"


class PassUnit(StrEnum):
    POINTS = "points"
    PERCENT = "percent"


class Government(StrEnum):
    FEDERAL = "federal"
    FLEMISH = "flemish"
    LOCAL = "local"


class Certification(StrEnum):
    NONE = "none"
    INDIVIDUAL = "individual"
    CLIENT = "client"


class LanguageRole(StrEnum):
    NL = "nl"
    FR = "fr"


class ListStatus(StrEnum):
    AVAILABLE = "available"
    HIRED = "hired"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"  # accepted an offer, then withdrew: loses the place


class QcheckMode(StrEnum):
    """How the 80 % Q-check figure is averaged (the source is ambiguous)."""

    ALL_CHECKS = "all_checks"  # mean of every Q-check: the literal reading, the default
    PER_CONSULTANT = "per_consultant"  # mean of each AZ consultant's own mean
