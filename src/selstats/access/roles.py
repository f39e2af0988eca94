"""The roles and what each may do. Deny by default: a user without a known role may do nothing.

| role      | organisations            | figures          | candidate rows | other              |
|-----------|--------------------------|------------------|----------------|--------------------|
| `bosa`    | all                      | exact            | yes            | exports            |
| `hr`      | those named for the user | exact            | yes (own orgs) | exports            |
| `analyst` | all                      | small cells "<5" | no             | exports            |
| `admin`   | none                     | none             | no             | imports, retention |

`admin` also sees the audit log. A user may hold several roles; permissions add up (see
`selstats.access.scope`). `admin` alone sees no figures: someone who administers and
analyses holds `admin` and `analyst`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final


class Role(StrEnum):
    BOSA = "bosa"
    HR = "hr"
    ANALYST = "analyst"
    ADMIN = "admin"


class Permission(StrEnum):
    VIEW_FIGURES = "view_figures"  # counts and rates on the pages
    VIEW_CANDIDATES = "view_candidates"  # candidate-level rows (lists of laureates, results)
    EXPORT = "export"  # download buttons
    IMPORT = "import"
    RETENTION = "retention"
    VIEW_AUDIT = "view_audit"


@dataclass(frozen=True)
class RoleRule:
    """What one role gives.

    `all_organisations`: its permissions reach every organisation (else only the
    organisations named for the user). `suppressed`: its figures for organisations other
    than the user's own go through small-cell suppression."""

    permissions: frozenset[Permission]
    all_organisations: bool
    suppressed: bool


ROLES: Final[dict[Role, RoleRule]] = {
    Role.BOSA: RoleRule(
        frozenset({Permission.VIEW_FIGURES, Permission.VIEW_CANDIDATES, Permission.EXPORT}),
        all_organisations=True,
        suppressed=False,
    ),
    Role.HR: RoleRule(
        frozenset({Permission.VIEW_FIGURES, Permission.VIEW_CANDIDATES, Permission.EXPORT}),
        all_organisations=False,
        suppressed=False,
    ),
    Role.ANALYST: RoleRule(
        frozenset({Permission.VIEW_FIGURES, Permission.EXPORT}),
        all_organisations=True,
        suppressed=True,
    ),
    Role.ADMIN: RoleRule(
        frozenset({Permission.IMPORT, Permission.RETENTION, Permission.VIEW_AUDIT}),
        all_organisations=False,
        suppressed=False,
    ),
}

ROLE_NAMES: Final = tuple(role.value for role in Role)


def parse_roles(values: object) -> tuple[Role, ...]:
    """The known roles among `values` (a list of names), in `Role` order; unknown names are
    dropped, so a typo in the users file grants nothing."""
    if not isinstance(values, list | tuple):
        return ()
    names = {str(v).strip().lower() for v in values}
    return tuple(role for role in Role if role.value in names)
