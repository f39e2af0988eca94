"""The last touches on a file's problem list: order, one problem per cell, no national
numbers, and a bound on repeats.

People read the list top to bottom and fix the file in that order, so file problems
come first, then rows in file order, columns in contract order.
"""

from __future__ import annotations

from collections import Counter

from selstats.ingest.columns import TableSpec
from selstats.ingest.problems import MAX_PROBLEMS_PER_KIND, Code, Problem
from selstats.ingest.pseudonym import mask_national_numbers


def masked(problems: list[Problem]) -> list[Problem]:
    """The problems with any national number in their value blanked out."""
    out = []
    for p in problems:
        masked = mask_national_numbers(p.value) if p.value else p.value
        if masked != p.value:
            p = Problem(
                file=p.file, row=p.row, column=p.column, value=masked, code=p.code, params=p.params
            )
        out.append(p)
    return out


def finish(problems: list[Problem], spec: TableSpec) -> list[Problem]:
    """Sorted (file problems first, then by row and column order), one problem per cell
    where an XLSX formula error explains the rest, national numbers masked, and at most
    MAX_PROBLEMS_PER_KIND per (code, column) with a count of the rest."""
    formula_cells = {(p.row, p.column) for p in problems if p.code == Code.XLSX_FORMULA_ERROR}
    if formula_cells:
        problems = [
            p
            for p in problems
            if p.code == Code.XLSX_FORMULA_ERROR or (p.row, p.column) not in formula_cells
        ]
    order = {c.name: i for i, c in enumerate(spec.columns)}
    problems.sort(
        key=lambda p: (
            p.code == Code.TOO_MANY_PROBLEMS,
            p.row is not None,
            p.row or 0,
            order.get(p.column or "", len(order)),
            p.code,
        )
    )
    counted: Counter[tuple[str, str | None]] = Counter()
    kept: list[Problem] = []
    for p in problems:  # a safety net: the producers already stop at the limit
        counted[(p.code, p.column)] += 1
        if p.code == Code.TOO_MANY_PROBLEMS or counted[(p.code, p.column)] <= MAX_PROBLEMS_PER_KIND:
            kept.append(p)
    return masked(kept)
