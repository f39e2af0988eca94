"""Roles, permissions and the scope a user's queries get (pure, no Streamlit)."""

from __future__ import annotations

import pytest

from selstats.access.roles import ROLES, Permission, Role, parse_roles
from selstats.access.scope import Access, access_for, allowed_orgs, intersect
from selstats.access.users import User


def test_unknown_role_names_grant_nothing() -> None:
    assert parse_roles(["HR", " analyst ", "root", "superuser"]) == (Role.HR, Role.ANALYST)
    assert parse_roles("admin") == ()  # a bare string is not a list of roles
    assert parse_roles(None) == ()


def test_every_role_has_a_rule_and_only_analysts_are_suppressed() -> None:
    assert set(ROLES) == set(Role)
    assert [r for r, rule in ROLES.items() if rule.suppressed] == [Role.ANALYST]


@pytest.mark.parametrize(
    ("roles", "orgs", "figures", "candidates"),
    [
        ((Role.BOSA,), (), None, None),
        ((Role.HR,), ("ORG-B",), ("ORG-B",), ("ORG-B",)),
        ((Role.ANALYST,), (), None, ()),
        ((Role.ADMIN,), (), (), ()),
        ((), ("ORG-B",), (), ()),  # no role: nothing, even with organisations named
        # hr of ORG-B who also analyses: figures of all, candidate rows of ORG-B only
        ((Role.HR, Role.ANALYST), ("ORG-B",), None, ("ORG-B",)),
    ],
)
def test_allowed_per_permission(
    roles: tuple[Role, ...],
    orgs: tuple[str, ...],
    figures: tuple[str, ...] | None,
    candidates: tuple[str, ...] | None,
) -> None:
    access = Access("u", roles, orgs)
    assert access.allowed == figures
    assert access.allowed_for(Permission.VIEW_CANDIDATES) == candidates


def test_permissions_add_up() -> None:
    admin_analyst = Access("u", (Role.ADMIN, Role.ANALYST))
    assert admin_analyst.may(Permission.IMPORT)
    assert admin_analyst.may(Permission.EXPORT)
    assert not admin_analyst.may(Permission.VIEW_CANDIDATES)
    assert not Access("nobody").has_role
    assert Access("nobody").permissions == frozenset()


def test_allowed_orgs_of_a_user() -> None:
    assert allowed_orgs(User("x", (Role.HR,), ("ORG-B", "ORG-C"))) == ("ORG-B", "ORG-C")
    assert allowed_orgs(User("x", (Role.BOSA,))) is None
    assert access_for(User("x", (Role.HR,), ("ORG-B",), "X Y"), "oidc").mode == "oidc"


@pytest.mark.parametrize(
    ("requested", "permitted", "expected"),
    [
        (None, None, None),
        (None, ("ORG-B",), ("ORG-B",)),
        (("ORG-A", "ORG-B"), None, ("ORG-A", "ORG-B")),
        (("ORG-A", "ORG-B"), ("ORG-B",), ("ORG-B",)),
        (("ORG-A",), ("ORG-B",), ()),  # never wider than either: nothing
        ([], None, ()),
    ],
)
def test_intersect(
    requested: list[str] | tuple[str, ...] | None,
    permitted: tuple[str, ...] | None,
    expected: tuple[str, ...] | None,
) -> None:
    assert intersect(requested, permitted) == expected


@pytest.mark.parametrize(
    ("roles", "orgs", "params", "applies"),
    [
        ((Role.BOSA,), (), {"allowed": None, "orgs": ()}, False),
        ((Role.HR,), ("ORG-B",), {"allowed": ("ORG-B",), "orgs": ()}, False),
        ((Role.ANALYST,), (), {"allowed": None, "orgs": ()}, True),
        ((Role.ANALYST,), (), {"allowed": None, "orgs": ("ORG-B",)}, True),  # not own
        ((Role.ANALYST,), (), {"allowed": None}, True),
        # an hr analyst looking at their own organisation gets exact figures ...
        ((Role.HR, Role.ANALYST), ("ORG-B",), {"allowed": None, "orgs": ("ORG-B",)}, False),
        # ... and at every organisation, suppressed ones
        ((Role.HR, Role.ANALYST), ("ORG-B",), {"allowed": None, "orgs": ()}, True),
        ((Role.HR, Role.ANALYST), ("ORG-B",), {"orgs": ("ORG-A", "ORG-B")}, True),
        ((Role.BOSA, Role.ANALYST), (), {"allowed": None, "orgs": ()}, False),
        ((Role.ADMIN,), (), {"allowed": (), "orgs": ()}, False),
    ],
)
def test_suppression_applies_beyond_the_users_own_organisations(
    roles: tuple[Role, ...], orgs: tuple[str, ...], params: dict[str, object], applies: bool
) -> None:
    assert Access("u", roles, orgs).suppression_applies(params) is applies
