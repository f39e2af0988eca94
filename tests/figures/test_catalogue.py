"""The figure catalogue: every column that a query returns (and so every column a page, a
download or `selstats export` can show) is declared once, with the queries that compute it;
one name has one formula; every code has a name in each language; labels are unique.

The queries run on two real stores: the hand-computed small store and a demo store (S, seed
1), so that every query returns rows and every category shows its codes.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from selstats import query
from selstats.domain.enums import (
    Certification,
    Government,
    LanguageRole,
    ListStatus,
    Outcome,
    PassUnit,
    QcheckMode,
    StepKind,
    StepState,
)
from selstats.figures import CatalogueError, Privacy, Unit, catalogue, load_catalogue
from selstats.i18n import LANGUAGES, translate
from selstats.i18n import catalogue as texts
from selstats.paths import PROJECT_ROOT, QUERIES_DIR
from selstats.rules.certification import REASON_CODES
from selstats.store.connection import open_reader
from selstats.tables import Scope, table_params
from tests.fixtures.small_store import build_small_store

# Filter options feed the sidebar's widgets: they are choices, not figures.
QUERIES = sorted(p.stem for p in QUERIES_DIR.glob("*.sql") if not p.stem.startswith("filter_"))
# Parameters a page adds to the filter: one organisation, one procedure and step.
PAGE_PARAMS: dict[str, dict[str, Any]] = {
    "small": {"org": "ORG-A", "procedure_code": "P-A1", "step_no": 2},
    "demo": {"org": "BELNET", "procedure_code": "CNG23032", "step_no": 3},
}


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, pl.DataFrame]]:
    """Every query's frame on each store: {store: {query: frame}}."""
    from selstats.demo import build_demo

    folder = tmp_path_factory.mktemp("figures")
    stores = {"small": build_small_store(folder / "small.duckdb"), "demo": folder / "demo.duckdb"}
    build_demo(stores["demo"], scale="S", seed=1)
    frames: dict[str, dict[str, pl.DataFrame]] = {}
    for store, path in stores.items():
        con = open_reader(path)
        params = {**table_params(con, Scope(), as_of=date(2026, 11, 20)), **PAGE_PARAMS[store]}
        frames[store] = {name: query.run(con, name, **params) for name in QUERIES}
        con.close()
    return frames


def _frames(results: dict[str, dict[str, pl.DataFrame]]) -> Iterator[tuple[str, pl.DataFrame]]:
    for frames in results.values():
        yield from frames.items()


def test_every_query_column_is_declared_with_the_queries_that_compute_it(
    results: dict[str, dict[str, pl.DataFrame]],
) -> None:
    figures = catalogue()
    returned: dict[str, set[str]] = {}
    for name, frame in _frames(results):
        for column in frame.columns:
            returned.setdefault(column, set()).add(name)
    missing = sorted(c for c in returned if c not in figures)
    assert missing == [], f"columns with no entry in the figure catalogue: {missing}"
    wrong = {
        name: (sorted(figure.queries), sorted(returned.get(name, ())))
        for name, figure in figures.items()
        if figure.queries and set(figure.queries) != returned.get(name, set())
    }
    assert wrong == {}, "figure: (declared queries, queries that return it)"


def test_a_rate_has_one_formula_wherever_it_is_computed(
    results: dict[str, dict[str, pl.DataFrame]],
) -> None:
    """A rate is its numerator / its denominator in every query and row that returns it:
    the same name never hides two formulas (as `pass_rate` once did: passed / reached on the
    funnel, met the mark / sat on the pass rates page)."""
    figures = catalogue()
    checked = 0
    for name, frame in _frames(results):
        for column in frame.columns:
            ratio = figures[column].ratio
            if ratio is None:
                continue
            assert set(ratio) <= set(frame.columns), f"{name}.{column} without {ratio}"
            numerator, denominator = (frame[c].cast(pl.Float64) for c in ratio)
            expected = (numerator / denominator).to_list()
            for got, want, den in zip(frame[column].to_list(), expected, denominator, strict=True):
                if den is None or den == 0:
                    assert got is None, f"{name}.{column}: {got} over a zero denominator"
                elif got is not None:  # null: not applicable there (a step not held)
                    assert got == pytest.approx(want), f"{name}.{column} is not {ratio}"
                    checked += 1
    assert checked > 100  # the demo store gives every rate many rows


def _codes(frame: pl.DataFrame, column: str, unit: Unit) -> set[str]:
    values = frame[column].drop_nulls().to_list()
    if unit is Unit.CATEGORY:
        return {str(v) for v in values}
    codes: set[str] = set()
    for value in values:
        parts = value.split(",") if isinstance(value, str) else value
        if unit is Unit.CATEGORY_REFS:  # "code:reference": the code is named, not the ref
            parts = [str(p).partition(":")[0] for p in parts]
        codes |= {str(p).strip() for p in parts if str(p).strip()}
    return codes


# The closed vocabularies behind the categories: every value must have a name.
VOCABULARIES = {
    "outcome": {o.value for o in Outcome},
    "step_state": {s.value for s in StepState},
    "step_kind": {k.value for k in StepKind},
    "pass_unit": {u.value for u in PassUnit},
    "government": {g.value for g in Government},
    "certification": {c.value for c in Certification},
    "certification.role": {r.value for r in LanguageRole},
    "certification.mode": {m.value for m in QcheckMode},
    "certification.reason": set(REASON_CODES),
    "certification.stake": set(REASON_CODES),
    "reserve_lists.status": {s.value for s in ListStatus},
}


def test_every_code_has_a_name_in_each_language(
    results: dict[str, dict[str, pl.DataFrame]],
) -> None:
    figures = catalogue()
    vocabularies: dict[str, set[str]] = {k: set(v) for k, v in VOCABULARIES.items()}
    for _, frame in _frames(results):
        for column in frame.columns:
            figure = figures[column]
            if figure.values is not None:
                vocabularies.setdefault(figure.values, set()).update(
                    _codes(frame, column, figure.unit)
                )
    unnamed = [
        f"{lang}: {table}.{code}"
        for table, codes in vocabularies.items()
        for code in codes
        for lang in LANGUAGES
        if translate(lang, f"{table}.{code}") == f"{table}.{code}"
    ]
    assert unnamed == []


def test_every_area_has_a_name_in_each_language() -> None:
    """The Definitions page groups figures by area under the area's name (a missing text
    would fall back to Dutch, so each language's own catalogue is read)."""
    areas = {figure.area for figure in catalogue().values()}
    unnamed = [
        f"{lang}: {area}"
        for area in sorted(areas)
        for lang in LANGUAGES
        if f"figure_area.{area}" not in texts(lang)
    ]
    assert unnamed == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_labels_are_unique_in_each_language(lang: str) -> None:
    seen: dict[str, str] = {}
    for name, figure in catalogue().items():
        label = figure.label(lang)
        assert label not in seen, f"{name} and {seen.get(label)} are both called {label!r}"
        seen[label] = name


def test_rates_and_counts_hide_together() -> None:
    """A rate that is hidden with its counts divides two figures that are counted."""
    figures = catalogue()
    for figure in figures.values():
        if figure.privacy is Privacy.RATE:
            assert figure.ratio is not None
            assert all(figures[part].privacy is Privacy.COUNT for part in figure.ratio), figure.name
        if figure.privacy is Privacy.COUNT:
            assert figure.unit is Unit.COUNT, figure.name


def test_person_references_are_marked() -> None:
    figures = catalogue()
    for name in ("candidate_ref", "consultant_ref", "fragile_roles"):
        assert figures[name].privacy is Privacy.PERSON


def test_what_is_derived_outside_a_query_names_where() -> None:
    for figure in catalogue().values():
        if figure.derived_in is None:
            continue
        where = figure.derived_in.split()[0]
        if where.endswith(".py"):
            assert (PROJECT_ROOT / where).is_file(), figure.name
        else:
            importlib.import_module(where)


def test_reference_figures_name_a_reference_file() -> None:
    for figure in catalogue().values():
        if figure.reference is not None:
            assert (PROJECT_ROOT / "data" / "reference" / figure.reference).is_file(), figure.name


# ---- the loader's own checks -------------------------------------------------------------

ENTRY = """
[{name}]
unit = "{unit}"
queries = ["funnel"]
{extra}
[{name}.nl]
label = "{label} nl"
definition = "Def."
[{name}.fr]
label = "{label} fr"
definition = "Déf."
[{name}.en]
label = "{label} en"
definition = "Def."
"""


def _write(folder: Path, file: str, *entries: str) -> Path:
    (folder / file).write_text("".join(entries), encoding="utf-8")
    return folder


def _entry(name: str, unit: str = "count", extra: str = "", label: str = "") -> str:
    return ENTRY.format(name=name, unit=unit, extra=extra, label=label or name)


def test_loader_reads_a_good_catalogue(tmp_path: Path) -> None:
    folder = _write(
        tmp_path,
        "a.toml",
        _entry("passed", extra='privacy = "count"'),
        _entry("reached", extra='privacy = "count"'),
        _entry("rate", "rate", 'ratio = ["passed", "reached"]\nprivacy = "rate"'),
    )
    figures = load_catalogue(folder)
    assert figures["rate"].ratio == ("passed", "reached")
    assert figures.label("rate", "fr") == "rate fr"
    assert figures.with_privacy(["rate", "passed", "x"], Privacy.COUNT) == ["passed"]


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ([_entry("a"), _entry("a")], "twice"),  # the same table twice in one file
        ([_entry("r", "rate")], "only a rate, has ratio"),
        ([_entry("c", "count", 'ratio = ["a", "b"]')], "only a rate, has ratio"),
        ([_entry("r", "rate", 'ratio = ["nope", "nor"]')], "not a figure"),
        ([_entry("k", "category")], "names its values"),
        ([_entry("k", "count", 'colour = "red"')], "unknown keys"),
        ([_entry("k", "volume")], "unit or privacy"),
        ([_entry("k").replace('label = "k fr"', "")], "needs a label and a definition"),
        ([_entry("k").replace('queries = ["funnel"]', "")], "where it is computed"),
    ],
)
def test_loader_refuses_a_broken_entry(tmp_path: Path, entries: list[str], message: str) -> None:
    with pytest.raises(CatalogueError, match=message):
        load_catalogue(_write(tmp_path, "a.toml", *entries))


def test_one_name_is_declared_once_across_files(tmp_path: Path) -> None:
    _write(tmp_path, "a.toml", _entry("applicants"))
    _write(tmp_path, "b.toml", _entry("applicants", label="other"))
    with pytest.raises(CatalogueError, match=r"definitions/a\.toml and again in definitions/b"):
        load_catalogue(tmp_path)
