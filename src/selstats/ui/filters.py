# SQL parameters: `Filters.params()`, the same names as `selstats.tables.Scope.params()`.
# Every query in queries/ may use any of them; `selstats.query.run` passes only those the
# query's text uses, so a page hands over the whole filter: `cached_query(name, **f.params())`.
#
#   $year_from  INTEGER    first year of the period, inclusive; NULL = no lower bound
#   $year_to    INTEGER    last year of the period, inclusive; NULL = no upper bound
#                          A procedure's year is the year of its application_deadline, or
#                          of its list_date when it has no deadline (procedure_scope.year);
#                          a procedure with neither (permanently open) is in every period.
#                          The sidebar always gives both years (NULL only when the store
#                          has no dated procedure).
#   $govs       VARCHAR[]  organisations.government in the list; empty list = all
#   $orgs       VARCHAR[]  procedures.org_id in the list; empty = all
#   $levels     VARCHAR[]  DIPLOMA levels in the list ('A', 'B', 'C', 'D'); empty = all.
#                          A procedure's diploma level (procedure_scope.diploma_level) is
#                          derived from its level, class, rank or scale (federal A2, local
#                          C1-C3, Flemish B1) by data/reference/diploma_levels.csv; one no
#                          rule maps has none and is left out when the filter is set. The
#                          class, rank or scale stays in procedures.level.
#   $procs      VARCHAR[]  procedures.procedure_code in the list; empty = all
#   $allowed    VARCHAR[]  access scope, the organisations the user may see; NULL = all.
#                          Not a sidebar filter: the logged-in user's scope
#                          (`selstats.access`), enforced again in `ui.db.cached_query`.
#
# "The procedures in the filter": start a page's query with this CTE (the table macros
# `scoped_procedures` and `scoped_organisations` are in src/selstats/store/scope.sql;
# `scoped_procedures` gives procedures.* plus org_name, government, year and diploma_level):
#
#   with scope as (
#       select *
#       from scoped_procedures(
#           $year_from::integer, $year_to::integer, $govs::varchar[], $orgs::varchar[],
#           $levels::varchar[], $procs::varchar[], $allowed::varchar[]
#       )
#   )
#
# and for organisations: `scoped_organisations($govs::varchar[], $orgs::varchar[],
# $allowed::varchar[])`. Keep the casts: an empty Python list is then an empty VARCHAR[]
# and None a NULL of the right type (tests/ui/test_filters.py runs this CTE).

"""The shared sidebar filters, kept in the URL, and the SQL parameters they give
(documented in the comment above).

URL query parameters (the deep-link format), e.g.
`/funnel?year_from=2021&govs=federal&orgs=BELNET&orgs=BOSA&lang=fr`:
`year_from`, `year_to` (integers), `govs`, `orgs`, `levels`, `procs` (a list is the key
repeated; a comma-separated value is accepted too). A value equal to the default (the
store's first or last year, an empty list) is left out of the URL. Invalid values are
ignored: a year that is not an integer, a government outside the enum, a code the store
does not offer under the other filters (so a link from before the diploma levels, with
`levels=A2`, opens with the level filter empty); a year outside the store's years is
clamped to them.

The widgets' session-state keys start with `filter_`; pages must not use that prefix.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final, cast

import streamlit as st

from selstats.access.scope import Allowed
from selstats.domain.enums import Government
from selstats.i18n import translate
from selstats.tables import Scope
from selstats.ui.db import cached_query
from selstats.ui.i18n import current_lang, t
from selstats.ui.state import UrlBinding, keep_value, kept_value, remember, show_kept

YEAR_FROM: Final = "year_from"
YEAR_TO: Final = "year_to"
GOVS: Final = "govs"
ORGS: Final = "orgs"
LEVELS: Final = "levels"
PROCS: Final = "procs"
URL_PARAMS: Final = (YEAR_FROM, YEAR_TO, GOVS, ORGS, LEVELS, PROCS)

GOVERNMENTS: Final = tuple(g.value for g in Government)

# Session-state keys of the widgets.
KEY_PERIOD: Final = "filter_period"
KEY_GOVS: Final = "filter_govs"
KEY_ORGS: Final = "filter_orgs"
KEY_LEVELS: Final = "filter_levels"
KEY_PROCS: Final = "filter_procs"

_log = logging.getLogger(__name__)


# What the user chose in the sidebar: the same plain-valued scope the export command uses,
# so a page's figures and its export run the same query with the same parameters.
Filters = Scope


@dataclass(frozen=True)
class FilterOptions:
    """What the store offers. `years` is every year from the first to the last; None for a
    list means "not checked" (any value is kept)."""

    years: tuple[int, ...] = ()
    orgs: frozenset[str] | None = None
    levels: frozenset[str] | None = None
    procs: frozenset[str] | None = None


# ---- pure functions: URL <-> Filters -------------------------------------------------


def _values(query: Mapping[str, str | Sequence[str]], name: str) -> list[str]:
    raw = query.get(name, ())
    items = [raw] if isinstance(raw, str) else list(raw)
    return [part.strip() for item in items for part in str(item).split(",") if part.strip()]


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


def _year(query: Mapping[str, str | Sequence[str]], name: str) -> int | None:
    for value in reversed(_values(query, name)):  # the last valid one wins
        try:
            return int(value)
        except ValueError:
            _log.info("ignoring %s=%r in the URL", name, value)
    return None


def parse_query(query: Mapping[str, str | Sequence[str]]) -> Filters:
    """The filters a URL asks for, checked for form only: integers for years, known
    governments; codes are kept as given (the store decides, see `restrict`)."""
    return Filters(
        year_from=_year(query, YEAR_FROM),
        year_to=_year(query, YEAR_TO),
        govs=_unique(g for g in _values(query, GOVS) if g in GOVERNMENTS),
        orgs=_unique(_values(query, ORGS)),
        levels=_unique(_values(query, LEVELS)),
        procs=_unique(_values(query, PROCS)),
    )


def clamp_period(
    year_from: int | None, year_to: int | None, years: Sequence[int]
) -> tuple[int | None, int | None]:
    """The period within the store's years: a missing end is the first/last year, an end
    outside is moved to the nearest year, and reversed ends are swapped."""
    if not years:
        return (None, None)
    first, last = min(years), max(years)
    lo = first if year_from is None else min(max(year_from, first), last)
    hi = last if year_to is None else min(max(year_to, first), last)
    return (lo, hi) if lo <= hi else (hi, lo)


def keep_valid(values: Iterable[str], allowed: Iterable[str] | None) -> tuple[str, ...]:
    """`values` without duplicates and, when `allowed` is given, without what it lacks."""
    if allowed is None:
        return _unique(values)
    allowed = set(allowed)
    return _unique(v for v in values if v in allowed)


def restrict(f: Filters, options: FilterOptions) -> Filters:
    """`f` within what the store offers."""
    year_from, year_to = clamp_period(f.year_from, f.year_to, options.years)
    return Filters(
        year_from=year_from,
        year_to=year_to,
        govs=keep_valid(f.govs, GOVERNMENTS),
        orgs=keep_valid(f.orgs, options.orgs),
        levels=keep_valid(f.levels, options.levels),
        procs=keep_valid(f.procs, options.procs),
        allowed=f.allowed,
    )


def filters_from_query(query: Mapping[str, str | Sequence[str]], options: FilterOptions) -> Filters:
    """The filters of a URL's query parameters, invalid values ignored."""
    return restrict(parse_query(query), options)


def filters_to_query(f: Filters, years: Sequence[int] = ()) -> dict[str, list[str]]:
    """The URL query parameters of `f`; defaults left out. `years`: the store's years, so
    that the first and last are left out too (without them both years are written)."""
    query: dict[str, list[str]] = {}
    if f.year_from is not None and (not years or f.year_from != min(years)):
        query[YEAR_FROM] = [str(f.year_from)]
    if f.year_to is not None and (not years or f.year_to != max(years)):
        query[YEAR_TO] = [str(f.year_to)]
    for name, values in ((GOVS, f.govs), (ORGS, f.orgs), (LEVELS, f.levels), (PROCS, f.procs)):
        if values:
            query[name] = list(values)
    return query


# ---- the widgets -------------------------------------------------------------------------


def _seed_from_url(f: Filters) -> None:
    """Give the widgets the URL's values; `_period` and `_multiselect` check them."""
    keep_value(KEY_PERIOD, (f.year_from, f.year_to))
    keep_value(KEY_GOVS, list(f.govs))
    keep_value(KEY_ORGS, list(f.orgs))
    keep_value(KEY_LEVELS, list(f.levels))
    keep_value(KEY_PROCS, list(f.procs))


def _period(years: tuple[int, ...]) -> tuple[int | None, int | None]:
    if not years:
        return (None, None)
    raw = kept_value(KEY_PERIOD)
    pair = raw if isinstance(raw, tuple | list) and len(raw) == 2 else (None, None)
    lo_raw, hi_raw = (v if isinstance(v, int) else None for v in pair)
    period = clamp_period(lo_raw, hi_raw, years)
    if len(years) == 1:
        keep_value(KEY_PERIOD, period)
        st.sidebar.caption(f"{t('filter.period')}: {years[0]}", help=t("filter.period_help"))
        return period
    show_kept(KEY_PERIOD, period)
    # A pair as the default makes it a range slider. The value in session state alone shows a
    # range once, but Streamlit reads the browser's answer by the default: without it, the
    # next rerun (any other filter changed) read a single year and the period fell back to
    # every year.
    chosen = cast(
        "tuple[int, int]",
        st.sidebar.select_slider(
            t("filter.period"),
            options=years,
            value=(years[0], years[-1]),
            help=t("filter.period_help"),
            key=KEY_PERIOD,
            on_change=remember,
            args=(KEY_PERIOD,),
        ),
    )
    return (int(chosen[0]), int(chosen[1]))


def _multiselect(
    key: str,
    label: str,
    options: Sequence[str],
    label_of: Callable[[str], str],
    help: str | None = None,
) -> tuple[str, ...]:
    current = kept_value(key)
    valid = list(keep_valid(current if isinstance(current, list) else [], options))
    show_kept(key, valid)
    chosen = st.sidebar.multiselect(
        label,
        options,
        format_func=label_of,
        placeholder=t("filter.all"),
        help=help,
        key=key,
        on_change=remember,
        args=(key,),
    )
    return tuple(chosen)


def _year_options(allowed: tuple[str, ...] | None) -> tuple[int, ...]:
    found = cached_query("filter_options_years", allowed=allowed)["year"].to_list()
    return tuple(range(min(found), max(found) + 1)) if found else ()


def sidebar_filters(allowed: Allowed) -> Filters:
    """Draw the shared filters in the sidebar and return what the user chose.

    `allowed`, the organisations the logged-in user may see (`Access.allowed`, from the gate
    `selstats.ui.login.require_access`, which ran before), restricts every option below, so
    a URL value outside them is dropped like any invalid value.
    Each filter's options follow the filters above it (organisations the governments;
    levels the period, governments and organisations; procedures all of these), and a
    choice the options no longer hold is dropped. The URL follows (see `selstats.ui.state`).
    Stops the page with a sentence when there is no store (`selstats.ui.db`)."""
    binding = UrlBinding("filters", URL_PARAMS)
    if binding.takes_over():
        _seed_from_url(parse_query(binding.incoming()))

    years = _year_options(allowed)
    year_from, year_to = _period(years)

    lang = current_lang()  # fixed in the label function: Streamlit may call it later
    govs = _multiselect(
        KEY_GOVS,
        t("filter.government"),
        GOVERNMENTS,
        lambda g: translate(lang, f"government.{g}"),
    )

    orgs_frame = cached_query("filter_options_organisations", govs=govs, allowed=allowed)
    org_names = dict(zip(orgs_frame["org_id"], orgs_frame["name"], strict=True))
    orgs = _multiselect(
        KEY_ORGS, t("filter.organisation"), list(org_names), lambda o: org_names.get(o, o)
    )

    scope = Filters(year_from, year_to, govs, orgs, allowed=allowed).params()
    levels_found = cached_query("filter_options_levels", **scope)["diploma_level"].to_list()
    levels = _multiselect(
        KEY_LEVELS, t("filter.level"), levels_found, str, help=t("filter.level_help")
    )

    scope = Filters(year_from, year_to, govs, orgs, levels, allowed=allowed).params()
    procs_frame = cached_query("filter_options_procedures", **scope)
    titles = dict(zip(procs_frame["procedure_code"], procs_frame["title"], strict=True))
    procs = _multiselect(
        KEY_PROCS,
        t("filter.procedure"),
        list(titles),
        lambda p: f"{p} — {titles[p]}" if titles.get(p) else p,
    )

    filters = Filters(year_from, year_to, govs, orgs, levels, procs, allowed)
    binding.write(filters_to_query(filters, years))
    return filters
