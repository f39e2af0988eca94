"""The salary scales page, its queries and chart, against the reference data the small store
syncs (data/reference/salary_scales.csv, index_coefficients.csv, salary_rounding.csv,
salary_postings.csv), an empty store and a demo store.

Hand-worked (decimal arithmetic; monthly from the unrounded annual; federal amounts truncated
to the cent, local ones rounded half up: data/reference/salary_rounding.csv):
- on 2026-03-01 every government pays at 2.1647 (federal from 1 March 2026: the third month
  after the pivot index was exceeded in December 2025); on 2026-02-28 federal pay is at 2.1223.
- C1-C3 (Maaseik's own scale) at 2.1647: 13,550 x 2.1647 = 29,331.685 -> 29,331.69;
  / 12 = 2,444.3070 -> 2,444.31; 24,800 x 2.1647 = 53,684.56; / 12 = 4,473.7133 -> 4,473.71
  (the Maaseik posting: 2,444.31 and 4,473.71 a month at 2.1647).
- NA23 at 1.9999: 33,072 x 1.9999 = 66,140.6928 -> 66,140.69 (the Belnet posting);
  / 12 = 5,511.7244 -> 5,511.72. At 2.1647: 71,590.9584 / 12 = 5,965.9132 -> 5,965.91.
- C1 at 2.0399: 14,274 x 2.0399 = 29,117.5326 -> 29,117.53 (the POD MI posting).
  At 2.1647: 30,898.9278 / 12 = 2,574.91065 -> 2,574.91.
- NA21, NA22, NA24, NA25 and B111: nothing known; NA23 and C1: the maximum is not known.
- req16131 (Opgroeien, B111): no amount published.
- ORG-B (Stad Beta, local): its procedures name no scale, so it has no row, and never
  Maaseik's C1-C3.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from selstats import query
from selstats.i18n import translate
from selstats.reference import load_reference
from selstats.ui.charts.salaries import SalaryTexts, salary_ranges, scale_label
from tests.fixtures.small_store import build_small_store

APP = "../../app.py"  # AppTest resolves it against this file
TIMEOUT = 60
NO_FILTER: dict[str, Any] = {
    "year_from": None,
    "year_to": None,
    "govs": [],
    "orgs": [],
    "levels": [],
    "procs": [],
    "allowed": None,
}
TEXTS_NL = SalaryTexts.from_catalogue(lambda key: translate("nl", key))

# Until the store's schema holds table salary_postings and the reference sync fills it (a
# change the lead makes in store/schema/ and reference_sync.py), the tests add it themselves;
# afterwards this only refills it with the same rows.
_POSTINGS_DDL = """
create table if not exists salary_postings (
    posting varchar not null,
    org_id varchar not null,
    scale varchar not null,
    government varchar not null,
    published_amount double,
    period varchar,
    bound varchar,
    coefficient double,
    source_year integer,
    note varchar
)
"""


def with_postings(path: Path) -> Path:
    """The store at `path` with data/reference/salary_postings.csv in salary_postings."""
    frame = load_reference().frames()["salary_postings"]
    con = duckdb.connect(str(path))
    try:
        con.execute(_POSTINGS_DDL)
        con.execute("delete from salary_postings")
        con.register("incoming", frame.to_arrow())
        names = ", ".join(frame.columns)
        con.execute(f"insert into salary_postings ({names}) select {names} from incoming")
        con.unregister("incoming")
    finally:
        con.close()
    return path


def without_postings(path: Path) -> Path:
    """The store at `path` as one built before the table existed."""
    con = duckdb.connect(str(path))
    try:
        con.execute("drop table if exists salary_postings")
    finally:
        con.close()
    return path


@pytest.fixture(scope="module")
def small_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return with_postings(build_small_store(tmp_path_factory.mktemp("small") / "s.duckdb"))


@pytest.fixture
def small_store(small_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SELSTATS_DB", str(small_path))
    return small_path


@pytest.fixture
def small_con(small_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect(str(small_path), read_only=True)
    yield con
    con.close()


def postings(con: duckdb.DuckDBPyConnection, **scope: Any) -> pl.DataFrame:
    return query.run(con, "salary_postings", **{**NO_FILTER, **scope})


MARCH_2026 = date(2026, 3, 1)


def salaries(
    con: duckdb.DuckDBPyConnection,
    coefficient: float | None = None,
    as_of: date = MARCH_2026,
    **scope: Any,
) -> pl.DataFrame:
    params = {**NO_FILTER, **scope}
    return query.run(con, "salaries", coefficient=coefficient, as_of=as_of, **params)


# ---- queries ----------------------------------------------------------------------------


def test_coefficient_and_rounding_per_government(small_con: duckdb.DuckDBPyConnection) -> None:
    on = {
        day: query.run(small_con, "salary_coefficients", as_of=day)
        .select("government", "coefficient", "in_force_from", "monthly_rounding")
        .rows()
        for day in (date(2026, 2, 28), MARCH_2026)
    }
    assert on[date(2026, 2, 28)] == [
        ("federal", 2.1223, date(2025, 3, 1), "truncate"),
        ("flemish", 2.1223, date(2025, 3, 1), "half_up"),
        ("local", 2.1223, date(2025, 3, 1), "half_up"),
    ]
    assert on[MARCH_2026] == [
        ("federal", 2.1647, MARCH_2026, "truncate"),
        ("flemish", 2.1647, MARCH_2026, "half_up"),
        ("local", 2.1647, MARCH_2026, "half_up"),
    ]
    sources = query.run(small_con, "salary_coefficients", as_of=MARCH_2026)
    assert "Securex" in sources["coefficient_source"][0]  # federal: the programme law
    assert sources["coefficient_source"][1].startswith("No source found")  # Flemish 2026
    assert "fedweb.belgium.be" in sources["rounding_source"][0]  # BOSA's worked example
    before = query.run(small_con, "salary_coefficients", as_of=date(2021, 9, 30))
    assert before["coefficient"].to_list() == [None, None, None]  # none known yet


def test_each_posting_against_its_scale(small_con: duckdb.DuckDBPyConnection) -> None:
    frame = postings(small_con)
    got = {
        (r["posting"], r["bound"]): (
            r["period"],
            r["posting_coefficient"],
            r["in_force_from"],
            r["published_amount"],
            r["computed_amount"],
            r["difference"],
            r["posting_check"],
        )
        for r in frame.iter_rows(named=True)
    }
    assert got == {
        # 33,072 x 1.9999 = 66,140.6928 -> 66,140.69
        ("CNG23032", "min"): (
            "annual",
            1.9999,
            date(2023, 1, 1),
            66140.69,
            66140.69,
            0.0,
            "matches",
        ),
        # 14,274 x 2.0399 = 29,117.5326 -> 29,117.53
        ("CNG24004", "min"): (
            "annual",
            2.0399,
            date(2023, 12, 1),
            29117.53,
            29117.53,
            0.0,
            "matches",
        ),
        # 13,550 x 2.1647 / 12 = 2,444.3070 -> 2,444.31; 24,800 x 2.1647 / 12 = 4,473.7133
        ("MAASEIK-DBK-2026", "min"): (
            "monthly",
            2.1647,
            date(2026, 3, 1),
            2444.31,
            2444.31,
            0.0,
            "matches",
        ),
        ("MAASEIK-DBK-2026", "max"): (
            "monthly",
            2.1647,
            date(2026, 3, 1),
            4473.71,
            4473.71,
            0.0,
            "matches",
        ),
        # not published: unknown, never 0
        ("req16131", None): (None, None, None, None, None, None, "not_published"),
    }
    assert frame.schema["published_amount"] == pl.Float64
    assert frame.schema["computed_amount"] == pl.Float64


def test_postings_and_salaries_use_the_same_rule(small_con: duckdb.DuckDBPyConnection) -> None:
    # salary_postings.sql repeats the rounding of salaries.sql (by the posting's government)
    # for each posting's own coefficient: both must give the same cents.
    for row in postings(small_con).drop_nulls("published_amount").iter_rows(named=True):
        scale = salaries(small_con, row["posting_coefficient"]).filter(
            (pl.col("scale") == row["scale"]) & (pl.col("government") == row["government"])
        )
        assert scale["monthly_rounding"].to_list() == [row["rounding"]]
        column = f"{row['period']}_{row['bound']}"
        assert scale[column].to_list() == [row["computed_amount"]], row["posting"]


def test_postings_follow_the_filter_and_the_access_scope(
    small_con: duckdb.DuckDBPyConnection,
) -> None:
    assert set(postings(small_con, allowed=["MAASEIK"])["posting"]) == {"MAASEIK-DBK-2026"}
    assert postings(small_con, orgs=["ORG-A"]).is_empty()  # ORG-A published nothing
    assert set(postings(small_con, govs=["federal"])["posting"]) == {"CNG23032", "CNG24004"}
    assert set(postings(small_con, levels=["B"])["posting"]) == {"req16131"}  # diploma level
    assert set(postings(small_con, levels=["C"])["posting"]) == {"CNG24004", "MAASEIK-DBK-2026"}


def test_which_amounts_are_known(small_con: duckdb.DuckDBPyConnection) -> None:
    known = dict(salaries(small_con).select("scale", "amounts_known").iter_rows())
    assert known == {
        "NA21": "none",
        "NA22": "none",
        "NA23": "min_only",
        "NA24": "none",
        "NA25": "none",
        "B111": "none",
        "C1": "min_only",
        "C1-C3": "both",
    }


# ---- chart ------------------------------------------------------------------------------


def _datasets(chart: Any) -> list[dict[str, Any]]:
    return [row for values in chart.to_dict().get("datasets", {}).values() for row in values]


def test_chart_draws_known_amounts_and_published_points(
    small_con: duckdb.DuckDBPyConnection,
) -> None:
    scales = salaries(small_con)  # on 2026-03-01: 2.1647 for every government
    published = postings(small_con)
    monthly = _datasets(salary_ranges(scales, published, "monthly", TEXTS_NL, "nl"))
    ranges = {r["label"]: (r["low"], r["high"]) for r in monthly if "low" in r}
    # only scales with a known amount; an unknown end stays null, never 0; Maaseik's scale is
    # named after Maaseik, not after "local" as a whole
    assert ranges == {
        "A2 · NA23 (Federaal)": (5965.91, None),  # 33,072 x 2.1647 / 12 = 5,965.9132 -> .91
        "C · C1 (Federaal)": (2574.91, None),  # 14,274 x 2.1647 / 12 = 2,574.91065 -> .91
        "C1 · C1-C3 (Stad Maaseik)": (2444.31, 4473.71),
    }
    labels = {r["label"] for r in monthly if "published_amount" in r}
    assert labels == {"C1 · C1-C3 (Stad Maaseik)"}  # the diamonds sit on Maaseik's bar
    points = {(r["posting"], r["published_amount"]) for r in monthly if "published_amount" in r}
    assert points == {("MAASEIK-DBK-2026", 2444.31), ("MAASEIK-DBK-2026", 4473.71)}
    annual = _datasets(salary_ranges(scales, published, "annual", TEXTS_NL, "nl"))
    points = {(r["posting"], r["published_text"]) for r in annual if "published_amount" in r}
    assert points == {("CNG23032", "€ 66.140,69"), ("CNG24004", "€ 29.117,53")}


def test_chart_without_postings(small_con: duckdb.DuckDBPyConnection) -> None:
    chart = salary_ranges(salaries(small_con, 1.9999), None, "annual", TEXTS_NL, "en")
    labels = {r["label"] for r in _datasets(chart) if "low" in r}
    assert "A2 · NA23 (Federaal)" in labels
    # English: Vega's own number locale ("66,140.69"), no configuration of the theme's
    assert "locale" not in chart.to_dict().get("config", {})


def test_scale_label() -> None:
    assert scale_label("B111", "B1", "flemish", TEXTS_NL) == "B1 · B111 (Vlaams)"
    assert scale_label("X", None, "local", TEXTS_NL) == "X (Lokaal)"
    assert scale_label("C1-C3", "C1", "local", TEXTS_NL, "Stad Maaseik") == (
        "C1 · C1-C3 (Stad Maaseik)"
    )


# ---- the page ---------------------------------------------------------------------------


def _page(**params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params.update(params)
    at.run()
    return at.switch_page("pages/salaries.py").run()


def _table(at: AppTest, first_column: str) -> list[dict[str, Any]]:
    for frame in at.dataframe:
        if frame.value.columns[0] == first_column:
            records: list[dict[str, Any]] = frame.value.to_dict("records")
            return records
    raise AssertionError(f"no table starting with {first_column}")


def _scale(at: AppTest, name: str) -> dict[str, Any]:
    return next(r for r in _table(at, "scale") if r["scale"] == name)


def _unknown(value: object) -> bool:
    return value is None or value != value  # null, or NaN in the pandas frame AppTest gives


def test_page_on_a_date(small_store: Path) -> None:
    at = _page(as_of="2026-03-01")
    assert not at.exception
    assert [title.value for title in at.title] == ["Weddeschalen"]
    assert "**Jaarbedrag = bedrag aan 100 % × verhogingscoëfficiënt**" in at.markdown[0].value
    assert "vakantiegeld en eindejaarspremie niet inbegrepen" in at.markdown[0].value
    assert at.date_input(key="as_of").value == MARCH_2026
    assert [s.value for s in at.subheader][:2] == [
        "Coëfficiënt en afronding per overheid op 01/03/2026",
        "Weddeschalen op 01/03/2026",
    ]
    pay = {r["government"]: r for r in _table(at, "government")}
    assert pay["Federaal"]["coefficient"] == 2.1647
    assert pay["Federaal"]["monthly_rounding"] == "afgekapt op de cent"
    assert pay["Lokaal"]["monthly_rounding"] == "half naar boven op de cent"
    maaseik = _scale(at, "C1-C3")
    assert (maaseik["annual_min"], maaseik["annual_max"]) == (29331.69, 53684.56)
    assert (maaseik["monthly_min"], maaseik["monthly_max"]) == (2444.31, 4473.71)
    assert (maaseik["government"], maaseik["org_name"]) == ("Lokaal", "Stad Maaseik")
    assert maaseik["diploma_level"] == "C — hoger secundair"  # diploma level C, by name
    na23 = _scale(at, "NA23")
    assert (na23["annual_min"], na23["monthly_min"]) == (71590.95, 5965.91)  # truncated
    assert na23["monthly_rounding"] == "afgekapt op de cent"
    # 5 of the 8 scales have no amount (NA21, NA22, NA24, NA25, B111): one sentence says which
    # have, and the table shows those 3, not a column of "onbekend"
    assert {r["scale"] for r in _table(at, "scale")} == {"NA23", "C1", "C1-C3"}
    texts = [x.value for x in at.text]
    known = next(x for x in texts if x.startswith("Bedragen bekend voor 3 van de 8 schalen: "))
    for name in ("A2 · NA23 (Federaal)", "C · C1 (Federaal)", "C1 · C1-C3 (Stad Maaseik)"):
        assert name in known
    # the chart in words: the lowest amount drawn is C1-C3's minimum 29,331.69 (below C1's
    # 14,274 x 2.1647 = 30,898.92), the highest NA23's minimum 71,590.95 (above C1-C3's
    # maximum 53,684.56, the only maximum known)
    assert (
        "In woorden, per jaar bruto, schalen met bedragen: 3; van € 29.331,69 "
        "(C1 · C1-C3 (Stad Maaseik)) tot € 71.590,95 (A2 · NA23 (Federaal))."
    ) in [c.value for c in at.caption]
    # no developer hint on the page
    assert not any("data/reference" in c.value for c in [*at.caption, *at.text, *at.markdown])
    assert (
        "Onbekend — niet gepubliceerd, dus niet op de grafiek: A2 · NA21 (Federaal), "
        "A2 · NA22 (Federaal), A2 · NA24 (Federaal), A2 · NA25 (Federaal), B1 · B111 (Vlaams)."
    ) in texts
    assert (
        "Alleen het minimum is bekend (maximum onbekend — niet gepubliceerd): "
        "A2 · NA23 (Federaal), C · C1 (Federaal)."
    ) in texts
    assert any(t.startswith("Niet gepubliceerd: req16131 (Opgroeien Regie, B111).") for t in texts)


def test_the_date_is_today_by_default(small_store: Path) -> None:
    at = _page()
    assert not at.exception
    assert at.date_input(key="as_of").value == date.today()


def test_published_against_computed(small_store: Path) -> None:
    at = _page(as_of="2026-03-01")
    rows = {(r["posting"], r["bound"]): r for r in _table(at, "posting")}
    belnet = rows[("CNG23032", "minimum")]
    assert (belnet["posting_coefficient"], belnet["published_amount"]) == (1.9999, 66140.69)
    assert (belnet["computed_amount"], belnet["posting_check"]) == (66140.69, "komt overeen")
    assert rows[("MAASEIK-DBK-2026", "maximum")]["computed_amount"] == 4473.71
    opgroeien = next(r for r in _table(at, "posting") if r["posting"] == "req16131")
    assert _unknown(opgroeien["published_amount"])  # shown as "onbekend — niet gepubliceerd"
    assert opgroeien["posting_check"] == "onbekend — niet gepubliceerd"


def test_another_date(small_store: Path) -> None:
    at = _page(as_of="2026-03-01")
    at.date_input(key="as_of").set_value(date(2023, 1, 1)).run()
    assert not at.exception
    assert _scale(at, "NA23")["annual_min"] == 66140.69  # 33,072 x 1.9999
    assert _scale(at, "NA23")["monthly_min"] == 5511.72  # 66,140.6928 / 12 = 5,511.7244
    assert _scale(at, "C1")["coefficient"] == 1.9999


def test_the_date_is_in_the_url(small_store: Path) -> None:
    at = _page(as_of="2023-12-01")
    assert not at.exception
    assert at.date_input(key="as_of").value == date(2023, 12, 1)
    assert _scale(at, "C1")["annual_min"] == 29117.53  # 14,274 x 2.0399
    # federal pay on 28 February 2026 is still at 2.1223: 33,072 x 2.1223 = 70,188.7056
    at = _page(as_of="2026-02-28")
    assert _scale(at, "NA23")["annual_min"] == 70188.70


def test_a_date_before_any_coefficient(small_store: Path) -> None:
    at = _page(as_of="2020-01-01")
    assert not at.exception
    warning = translate(
        "nl",
        "salaries.no_coefficient_on_date",
        date="01/01/2020",
        governments="Federaal, Vlaams, Lokaal",
    )
    assert warning in [w.value for w in at.main.warning]
    assert _unknown(_scale(at, "C1-C3")["monthly_min"])  # unknown, never 0


def test_page_in_french_and_english(small_store: Path) -> None:
    at = _page(lang="fr", as_of="2026-03-01")
    assert not at.exception
    assert at.date_input(key="as_of").label == "Date"
    assert any(x.value.startswith("Montants connus pour 3 des 8 barèmes") for x in at.text)
    assert at.subheader[1].value == "Échelles de traitement au 01/03/2026"
    at = _page(lang="en", as_of="2026-03-01")
    assert at.subheader[1].value == "Salary scales on 2026-03-01"
    assert {r["government"]: r["monthly_rounding"] for r in _table(at, "government")} == {
        "Federal": "truncated to the cent",
        "Flemish": "rounded half-up to the cent",
        "Local": "rounded half-up to the cent",
    }


def test_the_filters_that_apply(small_store: Path) -> None:
    at = _page(govs="local", as_of="2026-03-01")
    assert [(r["scale"], r["org_name"]) for r in _table(at, "scale")] == [("C1-C3", "Stad Maaseik")]
    assert {r["posting"] for r in _table(at, "posting")} == {"MAASEIK-DBK-2026"}
    at = _page(levels="A")  # diploma level A: P-A1's class A2, the federal scales NA21-NA25
    # 4 of these 5 have no amount: only NA23 in the table, the sentence says so
    assert {r["scale"] for r in _table(at, "scale")} == {"NA23"}
    assert any(x.value.startswith("Bedragen bekend voor 1 van de 5 schalen") for x in at.text)


def test_another_town_is_not_shown_maaseiks_scale(small_store: Path) -> None:
    # ORG-B (Stad Beta) is local too, but C1-C3 is Maaseik's: its amounts are not Beta's
    at = _page(orgs="ORG-B")
    assert not at.exception
    assert [i.value for i in at.info] == [translate("nl", "salaries.no_scales")]
    assert not any(frame.value.columns[0] == "scale" for frame in at.dataframe)


def test_downloads_are_offered(small_store: Path) -> None:
    keys = {button.key for button in _page().get("download_button")}
    assert {"salaries_scales_download_csv", "salaries_postings_download_xlsx"} <= keys


def test_a_store_without_the_postings_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = without_postings(build_small_store(tmp_path / "old.duckdb"))
    monkeypatch.setenv("SELSTATS_DB", str(path))
    at = _page(as_of="2026-03-01")
    assert not at.exception
    assert _scale(at, "C1-C3")["monthly_min"] == 2444.31
    assert translate("nl", "salaries.postings_missing") in [w.value for w in at.main.warning]


def test_empty_store(empty_store: Path) -> None:
    at = _page()
    assert not at.exception
    assert [i.value for i in at.info] == [translate("nl", "salaries.no_coefficients")]


def test_demo_store(demo_store: Path) -> None:
    at = _page(as_of="2026-11-20")
    assert not at.exception
    assert at.date_input(key="as_of").value == date(2026, 11, 20)


def test_towns_without_a_scale_of_their_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # tests/rules/test_salaries.py's store: Stad Gent names C1-C3 (Maaseik's scale name) but
    # has no scale of its own; Stad Leuven has its own B1-B3; FOD X names D1, not in the files
    from tests.rules.test_salaries import build_salary_store

    monkeypatch.setenv("SELSTATS_DB", str(build_salary_store(tmp_path / "t.duckdb")))
    at = _page(as_of="2026-03-01")
    assert not at.exception
    sentence = translate("nl", "salaries.unknown_unlisted", scales="Federaal: D1; Stad Gent: C1-C3")
    assert sentence in [x.value for x in at.text]
    rows = {(r["scale"], r["org_name"]): r for r in _table(at, "scale")}
    # Gent has no amount (never Maaseik's 2,444.31): named in the sentence, not in the table
    # whenever most scales have no amount
    gent = rows.get(("C1-C3", "Stad Gent"))
    assert gent is None or _unknown(gent["monthly_min"])
    assert rows[("C1-C3", "Stad Maaseik")]["monthly_min"] == 2444.31
    # 17,000 x 2.1647 = 36,799.90; / 12 = 3,066.6583 -> 3,066.66 (local: half up)
    assert rows[("B1-B3", "Stad Leuven")]["monthly_min"] == 3066.66
