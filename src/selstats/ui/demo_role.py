"""Demo mode's role switcher (`SELSTATS_DEMO=1`, `make run`): a clearly marked choice in the
sidebar ("DEMO — rol kiezen") lets anyone take any role, and for `hr` an organisation of
the demo store, to show what each role sees. Never on real data; nothing is audited or
bound to the browser (there is no login to steal)."""

from __future__ import annotations

from typing import Final

import streamlit as st

from selstats import query
from selstats.access.roles import ROLE_NAMES, Role
from selstats.access.scope import Access
from selstats.ui.db import get_connection
from selstats.ui.i18n import t
from selstats.ui.state import kept_value, remember, show_kept

_DEMO_ROLE: Final = "_selstats_demo_role"
_DEMO_ORG: Final = "_selstats_demo_org"
DEMO_DEFAULT_ROLE: Final = Role.BOSA.value


def _demo_orgs() -> dict[str, str]:
    """Every organisation of the demo store, {org_id: name}."""
    frame = query.run(get_connection(), "filter_options_organisations", govs=[], allowed=None)
    return dict(zip(frame["org_id"], frame["name"], strict=True))


def demo_access() -> Access:
    """The role (and organisation) chosen in the switcher, drawn in the sidebar."""
    st.sidebar.warning(t("access.demo_banner"))
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
        names = _demo_orgs()
        options = list(names)
        kept = kept_value(_DEMO_ORG)
        if options:
            show_kept(_DEMO_ORG, kept if kept in names else options[0])
            org = st.sidebar.selectbox(
                t("access.demo_org"),
                options,
                format_func=lambda o: names.get(o, o),
                key=_DEMO_ORG,
                on_change=remember,
                args=(_DEMO_ORG,),
            )
            orgs = (str(org),)
    return Access(
        username=f"demo-{chosen}",
        roles=(Role(str(chosen)),),
        orgs=orgs,
        display_name=f"DEMO {chosen}",
        mode="demo",
    )
