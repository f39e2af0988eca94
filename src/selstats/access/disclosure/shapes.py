"""Relations across rows and across queries, declared per query (`SHAPES`): the rows of one
query at several groupings at once (`Grouping`: the 'all' row = the sum of the 'kind' rows =
the sum of the 'year' rows ...), and a total query that is the sum of a detail query under
the same filter (`Link`). A query not declared here has unit rows only."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True)
class Link:
    """Each row of the query is, for each of `columns` (this query's column -> the
    detail's), the sum of the rows of query `detail` under the same parameters that have its
    values in `by` (all of them when `by` is empty). `distinct`: a figure the detail repeats
    on several rows (a procedure's applicants on each of its steps) counts once per these
    columns."""

    detail: str
    columns: Mapping[str, str]
    by: tuple[str, ...] = ()
    distinct: tuple[str, ...] = ()


@dataclass(frozen=True)
class Grouping:
    """Rows at several groupings at once, told apart by `column`: rows whose `column` is
    `unit` are the units (one procedure step each); a row at level L sums the units with its
    values in `levels[L]` (its other dimensions are null)."""

    column: str
    unit: str
    levels: Mapping[str, tuple[str, ...]]

    @property
    def dimensions(self) -> tuple[str, ...]:
        dims: dict[str, None] = {}
        for by in self.levels.values():
            dims.update(dict.fromkeys(by))
        return tuple(dims)


@dataclass(frozen=True)
class Shape:
    """A query whose rows sum over procedures. `keys`: the columns that name a row, the
    same under any filter (to compare a row with the same row under an opened filter)."""

    keys: tuple[str, ...]
    grouping: Grouping | None = None
    links: tuple[Link, ...] = ()


_OUTCOMES: Final = ("passed", "failed", "absent", "withdrawn", "not_registered", "cut_off")

# Queries whose rows add up over procedures (or lists). Any other query's rows are units:
# one procedure, step, list or organisation each, the same under every filter.
SHAPES: Final[dict[str, Shape]] = {
    "pass_rates_by_group": Shape(
        keys=("grouping", "procedure_code", "step_no", "kind", "year", "org_id"),
        grouping=Grouping(
            column="grouping",
            unit="step",
            levels={
                "kind": ("kind",),
                "year_kind": ("year", "kind"),
                "year": ("year",),
                "organisation_kind": ("org_id", "kind"),
                "organisation": ("org_id",),
                "all": (),
            },
        ),
    ),
    "overview": Shape(
        keys=("year",),
        links=(
            Link(
                "funnel_procedures",
                {"applicants": "applicants", "laureates": "laureates"},
                by=("year",),
            ),
        ),
    ),
    "overview_totals": Shape(
        keys=(),
        links=(
            Link(
                "overview",
                {"applicants": "applicants", "tested": "tested", "laureates": "laureates"},
            ),
        ),
    ),
    "funnel_aggregate": Shape(
        keys=("step_no",),
        links=(
            Link("funnel", {c: c for c in ("reached", *_OUTCOMES)}, by=("step_no",)),
            Link("funnel", {"applicants": "applicants"}, distinct=("procedure_code",)),
        ),
    ),
    "reserve_lists_summary": Shape(
        keys=(),
        links=(
            Link(
                "reserve_lists",
                {
                    "laureates": "size",
                    "available": "available",
                    "hired": "hired",
                    "declined": "declined",
                    "withdrawn_from_list": "withdrawn_from_list",
                },
            ),
        ),
    ),
}
