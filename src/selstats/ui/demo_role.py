"""Demo mode's role switcher (`SELSTATS_DEMO=1`, `make run`): a clearly marked choice in the
sidebar ("DEMO — rol kiezen") lets anyone take any role, and for `hr` an organisation of
the demo store, to show what each role sees. Never on real data; nothing is audited or
bound to the browser (there is no login to steal).

The HR role opens on the organisation with the most results (most demo organisations have
none, and the first by name showed an empty dashboard). The chosen role and organisation
are kept in the URL (`?demo_role=hr&demo_org=BELNET`; left out for the default BOSA role),
so that a reload, a bookmark or a shared link shows the same role."""

from __future__ import annotations

from typing import Final

import polars as pl
import streamlit as st

from selstats import query
from selstats.access.roles import ROLE_NAMES, Role
from selstats.access.scope import Access
from selstats.ui.db import get_connection
from selstats.ui.i18n import t
from selstats.ui.state import UrlBinding, keep_value, kept_value, remember, show_kept

_DEMO_ROLE: Final = "_selstats_demo_role"
_DEMO_ORG: Final = "_selstats_demo_org"
DEMO_DEFAULT_ROLE: Final = Role.BOSA.value
# The URL's query parameters of the switcher (`org`, `orgs` are the pages' own).
URL_ROLE: Final = "demo_role"
URL_ORG: Final = "demo_org"
_URL: Final = UrlBinding("demo", (URL_ROLE, URL_ORG))


def _demo_orgs() -> tuple[dict[str, str], str | None]:
    """Every organisation of the demo store, {org_id: name} by name, and the one whose
    procedures hold the most results (None when the store has no results)."""
    frame = query.run(get_connection(), "filter_options_demo_organisations", allowed=None)
    names = dict(zip(frame["org_id"], frame["name"], strict=True))
    return names, busiest(frame)


def busiest(frame: pl.DataFrame) -> str | None:
    """The org_id with the most results, the first in the frame's order among equals; None
    when no organisation has any."""
    with_data = frame.filter(pl.col("results") > 0)
    if with_data.is_empty():
        return None
    top = with_data.filter(pl.col("results") == pl.col("results").max())
    return str(top.get_column("org_id")[0])


def _from_url() -> None:
    """A role and organisation in the URL (a reload, a shared link) become the switcher's."""
    if not _URL.takes_over():
        return
    asked = _URL.incoming()
    role = asked.get(URL_ROLE, [DEMO_DEFAULT_ROLE])[-1]
    keep_value(_DEMO_ROLE, role if role in ROLE_NAMES else DEMO_DEFAULT_ROLE)
    if URL_ORG in asked:
        keep_value(_DEMO_ORG, asked[URL_ORG][-1])


def demo_access() -> Access:
    """The role (and organisation) chosen in the switcher, drawn in the sidebar."""
    st.sidebar.warning(t("access.demo_banner"))
    _from_url()
    role = kept_value(_DEMO_ROLE, DEMO_DEFAULT_ROLE)
    show_kept(_DEMO_ROLE, role if role in ROLE_NAMES else DEMO_DEFAULT_ROLE)
    chosen = st.sidebar.selectbox(
        t("access.demo_role"),
        ROLE_NAMES,
        format_func=lambda r: t(f"access.role.{r}"),
        key=_DEMO_ROLE,
        on_change=remember,
        args=(_DEMO_ROLE,),
    )
    orgs: tuple[str, ...] = ()
    if chosen == Role.HR.value:
        names, default = _demo_orgs()
        options = list(names)
        kept = kept_value(_DEMO_ORG)
        if options:
            show_kept(_DEMO_ORG, kept if kept in names else default or options[0])
            org = st.sidebar.selectbox(
                t("access.demo_org"),
                options,
                format_func=lambda o: names.get(o, o),
                key=_DEMO_ORG,
                on_change=remember,
                args=(_DEMO_ORG,),
            )
            orgs = (str(org),)
    url: dict[str, list[str]] = {}
    if chosen != DEMO_DEFAULT_ROLE:
        url[URL_ROLE] = [str(chosen)]
    if orgs:
        url[URL_ORG] = list(orgs)
    _URL.write(url)
    return Access(
        username=f"demo-{chosen}",
        roles=(Role(str(chosen)),),
        orgs=orgs,
        display_name=f"DEMO {chosen}",
        mode="demo",
    )
