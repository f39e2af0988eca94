"""The import contract: which tables exist, their columns, types, limits and keys.

Everything the readers and validators know about a table comes from here, so the contract
documented in docs/ARCHITECTURE.md has exactly one home in code.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

from selstats.domain.enums import (
    Certification,
    Government,
    LanguageRole,
    ListStatus,
    Outcome,
    PassUnit,
    StepKind,
)

INT32_MAX = 2_147_483_647  # the store keeps integers as DuckDB `integer`


class Kind(StrEnum):
    """How a column's text is read."""

    TEXT = "text"
    INT = "int"
    NUMBER = "number"
    DATE = "date"
    BOOL = "bool"
    ENUM = "enum"
    LEVEL = "level"
    STEP_LIST = "step_list"


def choice_key(text: str) -> str:
    """The form in which enum words are compared: lower case, no accents, `_`/`-`/spaces
    as one space. So `Niet  geslaagd`, `niet_geslaagd` and `NON-INSCRIT` all match."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"[\s_\-]+", " ", plain.lower()).strip()


def _choices(values: Mapping[str, tuple[str, ...]]) -> dict[str, str]:
    """alias -> canonical value, keyed by `choice_key`; each value is its own alias."""
    out: dict[str, str] = {}
    for canonical, aliases in values.items():
        for alias in (canonical, *aliases):
            out[choice_key(alias)] = canonical
    return out


OUTCOME_CHOICES = _choices(
    {
        Outcome.PASSED.value: ("geslaagd", "réussi"),
        Outcome.FAILED.value: ("niet geslaagd", "échoué"),
        Outcome.ABSENT.value: ("afwezig",),
        Outcome.WITHDRAWN.value: ("teruggetrokken", "désisté"),
        Outcome.NOT_REGISTERED.value: ("niet ingeschreven", "non inscrit"),
        Outcome.CUT_OFF.value: ("cutoff",),
    }
)
GOVERNMENT_CHOICES = _choices(
    {
        Government.FEDERAL.value: ("federaal", "fédéral"),
        Government.FLEMISH.value: ("vlaams", "flamand"),
        Government.LOCAL.value: ("lokaal",),
    }
)
CERTIFICATION_CHOICES = _choices(
    {
        Certification.NONE.value: ("geen", "aucune"),
        Certification.INDIVIDUAL.value: ("individueel", "individuelle"),
        Certification.CLIENT.value: ("klant",),
    }
)
STEP_KIND_CHOICES = _choices({kind.value: () for kind in StepKind})
PASS_UNIT_CHOICES = _choices(
    {
        PassUnit.POINTS.value: ("punten", "point", "punt"),
        PassUnit.PERCENT.value: ("procent", "pourcent", "pourcentage", "%"),
    }
)
LIST_STATUS_CHOICES = _choices(
    {
        ListStatus.AVAILABLE.value: ("beschikbaar", "disponible"),
        ListStatus.HIRED.value: ("aangeworven", "recruté", "engagé"),
        ListStatus.DECLINED.value: ("geweigerd", "refusé"),
        ListStatus.WITHDRAWN.value: ("teruggetrokken", "désisté"),
    }
)
LANGUAGE_ROLE_CHOICES = _choices(
    {
        LanguageRole.NL.value: ("nederlands", "néerlandais", "dutch"),
        LanguageRole.FR.value: ("frans", "français", "french"),
    }
)

TRUE_WORDS = ("true", "1", "1.0", "ja", "oui", "yes", "waar", "vrai")
FALSE_WORDS = ("false", "0", "0.0", "nee", "non", "no", "onwaar", "faux")


@dataclass(frozen=True)
class ColumnSpec:
    """One column of the contract. Limits are inclusive unless `min_exclusive`."""

    name: str
    kind: Kind
    required: bool = False
    minimum: float | None = None
    maximum: float | None = None
    min_exclusive: bool = False
    choices: Mapping[str, str] | None = None
    percent: bool = False  # a trailing "%" is allowed
    pseudonymise: bool = False  # may hold a national number: never keep it raw


@dataclass(frozen=True)
class TableSpec:
    name: str
    columns: tuple[ColumnSpec, ...]
    key: tuple[str, ...]
    by_name: Mapping[str, ColumnSpec] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_name", {c.name: c for c in self.columns})

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)


def _req(name: str, kind: Kind = Kind.TEXT, **options: Any) -> ColumnSpec:
    return _spec(name, kind, required=True, **options)


def _opt(name: str, kind: Kind = Kind.TEXT, **options: Any) -> ColumnSpec:
    return _spec(name, kind, required=False, **options)


def _spec(name: str, kind: Kind, *, required: bool, **options: Any) -> ColumnSpec:
    spec = ColumnSpec(name, kind, required=required)
    return replace(spec, **options) if options else spec


def _positive_int(name: str, *, required: bool = False, minimum: int = 1) -> ColumnSpec:
    return ColumnSpec(name, Kind.INT, required=required, minimum=minimum, maximum=INT32_MAX)


TABLES: dict[str, TableSpec] = {
    t.name: t
    for t in (
        TableSpec(
            "organisations",
            (
                _req("org_id"),
                _req("name"),
                _opt("government", Kind.ENUM, choices=GOVERNMENT_CHOICES),
                _opt("certification", Kind.ENUM, choices=CERTIFICATION_CHOICES),
                _opt("review_date", Kind.DATE),
            ),
            key=("org_id",),
        ),
        TableSpec(
            "procedures",
            (
                _req("procedure_code"),
                _req("org_id"),
                _opt("title"),
                _opt("level", Kind.LEVEL),
                _opt("salary_scale"),
                _opt("language"),
                _opt("application_deadline", Kind.DATE),
                _positive_int("places", minimum=0),
                _positive_int("list_max"),
                _opt("ranked", Kind.BOOL),
                _positive_int("validity_months"),
                _opt("list_date", Kind.DATE),
            ),
            key=("procedure_code",),
        ),
        TableSpec(
            "steps",
            (
                _req("procedure_code"),
                _positive_int("step_no", required=True),
                _req("name"),
                _opt("kind", Kind.ENUM, choices=STEP_KIND_CHOICES),
                _opt("max_score", Kind.NUMBER, minimum=0, min_exclusive=True),
                _opt("pass_mark", Kind.NUMBER, minimum=0),
                _opt("pass_unit", Kind.ENUM, choices=PASS_UNIT_CHOICES),
                _positive_int("top_n"),
                _positive_int("rank_by_step"),
                _positive_int("held_if_more_than", minimum=0),
                _opt("total_of_steps", Kind.STEP_LIST),
                _opt("total_pass_percent", Kind.NUMBER, minimum=0, maximum=100, percent=True),
                _opt("eliminating", Kind.BOOL),
            ),
            key=("procedure_code", "step_no"),
        ),
        TableSpec(
            "results",
            (
                _req("procedure_code"),
                _req("candidate_ref", pseudonymise=True),
                _positive_int("step_no", required=True),
                _opt("score", Kind.NUMBER, minimum=0),
                _opt("outcome", Kind.ENUM, choices=OUTCOME_CHOICES),
                _opt("result_date", Kind.DATE),
            ),
            key=("procedure_code", "candidate_ref", "step_no"),
        ),
        TableSpec(
            "list_entries",
            (
                _req("procedure_code"),
                _req("candidate_ref", pseudonymise=True),
                _opt("status", Kind.ENUM, choices=LIST_STATUS_CHOICES),
                _opt("status_date", Kind.DATE),
                _opt("extended_until", Kind.DATE),
            ),
            key=("procedure_code", "candidate_ref"),
        ),
        TableSpec(
            "consultants",
            (
                _req("consultant_ref", pseudonymise=True),
                _req("org_id"),
                _req("language_role", Kind.ENUM, choices=LANGUAGE_ROLE_CHOICES),
                _opt("az_certified", Kind.BOOL),
                _opt("tests_certified", Kind.BOOL),
                _opt("pro_partner", Kind.BOOL),
                _opt("assessment_certified", Kind.BOOL),
                _opt("chair_certified", Kind.BOOL),  # interview chair (source 004)
            ),
            key=("consultant_ref",),
        ),
        TableSpec(
            "qchecks",
            (
                _req("consultant_ref", pseudonymise=True),
                _req("procedure_code"),
                _req("check_date", Kind.DATE),
                _req("score_percent", Kind.NUMBER, minimum=0, maximum=100, percent=True),
            ),
            key=("consultant_ref", "procedure_code", "check_date"),
        ),
    )
}

SUPPORTED_EXTENSIONS = (".csv", ".xlsx", ".parquet")


def table_for(path: Path) -> str | None:
    """The table a file feeds, from its name (`Results.CSV` -> results); None if unknown.

    The name is the contract: it is what lets a folder of files be imported in one go
    without asking which file is which.
    """
    if path.suffix.lower() not in SUPPORTED_EXTENSIONS:
        return None
    stem = path.stem.strip().lower()
    return stem if stem in TABLES else None


def header_key(text: str) -> str:
    """A header cell as compared with column names: trimmed, lower case, spaces and
    hyphens as `_`, a stray byte-order mark dropped (`Procedure Code` -> procedure_code)."""
    cleaned = text.replace("\ufeff", "").strip().lower()
    return re.sub(r"[\s\-]+", "_", cleaned)
