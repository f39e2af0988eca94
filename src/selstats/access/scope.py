"""From a user to what the queries may return: the `allowed` organisations and whether
figures go through small-cell suppression.

`allowed` is the `$allowed` parameter every query takes (see src/selstats/ui/filters.py):
None = every organisation, a tuple = only those, an empty tuple = nothing. It is computed
per permission, because roles reach different organisations: an `hr` user who is also an
`analyst` sees figures of every organisation but candidate rows of their own only.

Pure functions and frozen values: no Streamlit here (tested in tests/access/).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from selstats.access.roles import ROLES, Permission, Role
from selstats.access.users import User

Allowed = tuple[str, ...] | None


@dataclass(frozen=True)
class Access:
    """Who is logged in and with what. `orgs`: the organisations named for the user;
    `mode`: how the identity was established (`oidc`, `local`, `demo`)."""

    username: str
    roles: tuple[Role, ...] = ()
    orgs: tuple[str, ...] = ()
    display_name: str = ""
    mode: str = "local"

    @property
    def permissions(self) -> frozenset[Permission]:
        return frozenset(p for role in self.roles for p in ROLES[role].permissions)

    def may(self, permission: Permission) -> bool:
        return permission in self.permissions

    @property
    def has_role(self) -> bool:
        return bool(self.roles)

    def allowed_for(self, permission: Permission) -> Allowed:
        """The organisations where `permission` applies: None for all, () for none."""
        rules = [ROLES[role] for role in self.roles if permission in ROLES[role].permissions]
        if not rules:
            return ()
        if any(rule.all_organisations for rule in rules):
            return None
        return self.orgs

    @property
    def allowed(self) -> Allowed:
        """The organisations whose figures the user may see (the sidebar's scope)."""
        return self.allowed_for(Permission.VIEW_FIGURES)

    def suppression_applies(self, params: Mapping[str, object]) -> bool:
        """Whether figures of a query run with `params` need small-cell suppression.

        Only a role marked `suppressed` (analyst) asks for it, and only when the result may
        span organisations beyond the user's own: its `$orgs` filter or `$allowed` scope
        lies within the user's organisations, the figures are the user's own and exact.
        A role that sees every organisation exactly (bosa) never needs it. An `hr` user's
        `allowed` is their own organisations, so for `hr` alone this is always False."""
        rules = [ROLES[r] for r in self.roles if Permission.VIEW_FIGURES in ROLES[r].permissions]
        if not any(rule.suppressed for rule in rules):
            return False
        if any(rule.all_organisations and not rule.suppressed for rule in rules):
            return False
        own = set(self.orgs)
        for name in ("allowed", "orgs"):
            value = params.get(name)
            if not isinstance(value, list | tuple):
                continue  # None: every organisation
            if (name == "allowed" or value) and {str(v) for v in value} <= own:
                return False
        return True


def access_for(user: User, mode: str = "local") -> Access:
    return Access(
        username=user.username,
        roles=user.roles,
        orgs=user.orgs,
        display_name=user.display_name,
        mode=mode,
    )


def allowed_orgs(user: User) -> Allowed:
    """The `allowed` tuple of a user's figures: None for all organisations."""
    return access_for(user).allowed


def intersect(requested: Iterable[str] | None, permitted: Allowed) -> Allowed:
    """`requested` (a caller's `$allowed`) narrowed to `permitted`; never wider than either."""
    if requested is None:
        return permitted
    requested = tuple(dict.fromkeys(str(v) for v in requested))
    if permitted is None:
        return requested
    keep = set(permitted)
    return tuple(v for v in requested if v in keep)
