"""Records of the reference data that have no model in `selstats.domain.models`."""

from __future__ import annotations

import re
from collections.abc import Sequence
from enum import StrEnum
from itertools import pairwise

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from selstats.domain.enums import Government


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ReferenceSource(_Model):
    """The publication an item of a reference file without a source column of its own rests
    on (data/reference/sources.csv): `item` is a key of that file (an org_id, a procedure
    code) or "all"."""

    file: str = Field(min_length=1)
    item: str = Field(min_length=1)
    source: str = Field(min_length=1)
    url: str | None = None
    note: str | None = None


class NationalFigure(StrEnum):
    """What a national key figure counts (BOSA counts persons)."""

    VACANCIES = "vacancies"
    APPLICANTS = "applicants"
    TESTED = "tested"
    LAUREATES = "laureates"


class NationalValue(_Model):
    """One of BOSA's published key figures: a year, what it counts, the value and where it
    was published (a source is required: an unsourced value is left out, never guessed)."""

    year: int = Field(ge=1900, le=2100)
    figure: NationalFigure
    value: int = Field(ge=0)
    source: str = Field(min_length=1)
    url: str | None = None
    note: str | None = None


class NationalFigures(_Model):
    """BOSA's key figures of federal recruitment for one year; None = not published."""

    year: int = Field(ge=1900, le=2100)
    vacancies: int | None = Field(default=None, ge=0)
    applicants: int | None = Field(default=None, ge=0)
    tested: int | None = Field(default=None, ge=0)
    laureates: int | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _funnel(self) -> NationalFigures:
        # Each stage is a subset of the one before: more would be a typo.
        stages = [("applicants", self.applicants), ("tested", self.tested)]
        stages.append(("laureates", self.laureates))
        known = [(name, value) for name, value in stages if value is not None]
        for (wide, more), (narrow, fewer) in pairwise(known):
            if fewer > more:
                raise ValueError(f"{narrow} ({fewer}) is more than {wide} ({more})")
        return self


class TaskArea(StrEnum):
    TESTS = "tests"
    COMPLAINTS = "complaints"
    ARCHIVING = "archiving"
    MENTORING = "mentoring"
    PRO_PORTAL = "pro_portal"
    PC_PLANNING = "pc_planning"
    ASSESSMENTS = "assessments"
    INTERVIEWS = "interviews"  # chairing interviews (source 004)
    TOOLS = "tools"
    REASONABLE_ACCOMMODATIONS = "reasonable_accommodations"
    SIGNING_REPORTS = "signing_reports"
    TRAINING_AND_CERTIFICATION_TESTS = "training_and_certification_tests"
    QCHECKS = "qchecks"


class Responsible(StrEnum):
    """Who does a task at a certification level."""

    DGRO = "dgro"  # BOSA DG R&O
    ORGANISATION = "organisation"
    ORGANISATION_IF_CERTIFIED = "organisation_if_certified"  # else DG R&O
    SHARED = "shared"


class CertificationTask(_Model):
    """One task of a selection and who does it under each certification level."""

    task_id: str = Field(min_length=1)
    area: TaskArea
    task_nl: str = Field(min_length=1)
    task_fr: str = Field(min_length=1)
    task_en: str = Field(min_length=1)
    none: Responsible
    individual: Responsible
    client: Responsible
    condition: str | None = None


class PostingPeriod(StrEnum):
    """What a published salary amount covers."""

    ANNUAL = "annual"  # gross per year
    MONTHLY = "monthly"  # gross per month (annual / 12)


class PostingBound(StrEnum):
    """Which end of the scale a published salary amount is."""

    MIN = "min"
    MAX = "max"


class SalaryPosting(_Model):
    """A salary amount as a vacancy posting published it, at the coefficient it applied.

    `published_amount` None: the posting published no amount (it stays unknown, never 0);
    then period, bound and coefficient are unknown too."""

    posting: str = Field(min_length=1)
    org_id: str = Field(min_length=1)
    scale: str = Field(min_length=1)
    government: Government
    published_amount: float | None = Field(default=None, gt=0)
    period: PostingPeriod | None = None
    bound: PostingBound | None = None
    coefficient: float | None = Field(default=None, gt=0)
    source_year: int | None = Field(default=None, ge=1900, le=2100)
    note: str | None = None
    source: str = Field(min_length=1)  # the posting: organisation, code, title, year, URL

    @model_validator(mode="after")
    def _complete(self) -> SalaryPosting:
        described = {"period": self.period, "bound": self.bound, "coefficient": self.coefficient}
        if self.published_amount is not None:
            missing = [name for name, value in described.items() if value is None]
            if missing:
                raise ValueError(f"a published amount needs {', '.join(missing)}")
        elif any(value is not None for value in described.values()):
            raise ValueError("period, bound and coefficient need a published amount")
        return self


class Rounding(StrEnum):
    """How an indexed amount is brought to the cent."""

    TRUNCATE = "truncate"  # the cents of the exact amount, the rest dropped (3,454.916 -> .91)
    HALF_UP = "half_up"  # to the nearest cent, a half cent up (2,444.307 -> .31; x.xx5 -> up)


class SalaryRounding(_Model):
    """The rounding rule of the government that pays an amount, annual and monthly, with
    its source (or the words saying that none was found and what is assumed)."""

    government: Government
    annual_rounding: Rounding
    monthly_rounding: Rounding
    source: str = Field(min_length=1)
    note: str | None = None


class DiplomaLevel(StrEnum):
    """The diploma a level asks, the same four across governments."""

    A = "A"  # master
    B = "B"  # bachelor
    C = "C"  # upper secondary
    D = "D"  # no diploma required


class DiplomaLevelRule(_Model):
    """Levels (classes, ranks, scales) of a government, or of one organisation, that ask
    one diploma level: `pattern` is a regular expression the whole level matches,
    case-insensitively. A rule of an organisation wins over its government's."""

    government: Government
    org_id: str | None = None
    pattern: str = Field(min_length=1)
    diploma_level: DiplomaLevel
    source: str = Field(min_length=1)
    note: str | None = None

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, pattern: str) -> str:
        try:
            re.compile(pattern)
        except re.error as error:
            raise ValueError(f"not a regular expression ({error})") from None
        return pattern

    def matches(self, level: str) -> bool:
        """The same test the store applies (`regexp_full_match(level, pattern, 'i')`)."""
        return re.fullmatch(self.pattern, level, flags=re.IGNORECASE) is not None


def diploma_level_of(
    rules: Sequence[DiplomaLevelRule], government: str, org_id: str | None, level: str | None
) -> set[DiplomaLevel]:
    """The diploma levels the rules give `level` of an organisation of `government`: the
    organisation's own rules when one matches, else its government's. One element when the
    level is mapped, none when no rule matches it, several when rules overlap (a mistake the
    loader reports). The store does the same in SQL (view `level_diplomas`,
    store/schema/0004_*.sql)."""
    if level is None:
        return set()
    matching = [r for r in rules if r.government.value == government and r.matches(level)]
    own = {r.diploma_level for r in matching if org_id is not None and r.org_id == org_id}
    return own or {r.diploma_level for r in matching if r.org_id is None}
