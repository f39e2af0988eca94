"""Roles and organisations from the identity provider's claims, so a new HR manager needs no
entry in the users file.

The mapping is a TOML file, `$SELSTATS_CLAIMS_MAP` (unset: no mapping, roles come from the
users file only). One `[[rule]]` per group, role or attribute the provider sends::

    # Entra ID: the object id of a security group, in the `groups` claim
    [[rule]]
    claim = "groups"
    value = "8d5c3a4e-0000-4000-8000-00000000000a"
    roles = ["hr"]
    orgs = ["ORG-A"]

    # Keycloak: a realm role, in the nested claim realm_access.roles
    [[rule]]
    claim = "realm_access.roles"
    value = "selstats-analyst"
    roles = ["analyst"]

    # an organisation attribute: the organisations are the claim's own values
    [[rule]]
    claim = "realm_access.roles"
    value = "selstats-hr"
    roles = ["hr"]
    orgs_claim = "organisation"

- `claim`: the claim's name; a dotted name reads a nested claim (`realm_access.roles`,
  `resource_access.selstats.roles`). Its value may be a text or a list of texts.
- `value`: the rule applies when the claim is this text or a list holding it (compared
  exactly, case included: group ids and role names are codes).
- `roles`: what the rule gives (bosa, hr, analyst, admin); `orgs`: the organisations it names;
  `orgs_claim`: a claim whose values are organisation ids, added to `orgs`.

Every rule that applies adds its roles and organisations; none that applies: no role, and the
user gets the sentence of today, not data. The users file still decides for an address it
lists (`selstats.access.login.oidc_identity`): small installations and overrides (an entry
with `roles = []` keeps someone out whatever the provider says).

The file is re-read when it changes, so a changed rule counts from the users' next click.
Pure: no Streamlit here (tested in tests/access/).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from selstats.access.roles import ROLE_NAMES, Role, parse_roles
from selstats.access.toml_file import TomlFile
from selstats.settings import settings

_KEYS: Final = frozenset({"claim", "value", "roles", "orgs", "orgs_claim"})

_log = logging.getLogger(__name__)


class ClaimsMapError(ValueError):
    """The claims mapping cannot be read; the message names the file, the rule and the key."""


@dataclass(frozen=True)
class ClaimRule:
    """One `[[rule]]` of the mapping (`number`: its place in the file, from 1)."""

    number: int
    claim: str
    value: str
    roles: tuple[Role, ...] = ()
    orgs: tuple[str, ...] = ()
    orgs_claim: str | None = None


@dataclass(frozen=True)
class ClaimsMap:
    rules: tuple[ClaimRule, ...] = ()


@dataclass(frozen=True)
class Mapped:
    """What the claims gave: the roles (in `Role` order), the organisations (in the order
    the rules named them) and the numbers of the rules that applied."""

    roles: tuple[Role, ...] = ()
    orgs: tuple[str, ...] = ()
    rules: tuple[int, ...] = ()


def claim_values(claims: Mapping[str, object], name: str) -> tuple[str, ...]:
    """The texts of the claim `name` (dotted: nested); () when it is absent. A text is one
    value, a list gives its texts; numbers and booleans count as their text, anything else
    (a nested table) as nothing."""
    value: object = claims
    for part in name.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return ()
        value = value[part]
    items = value if isinstance(value, list | tuple) else [value]
    texts: list[str] = []
    for item in items:
        if isinstance(item, bool):
            texts.append("true" if item else "false")
        elif isinstance(item, str | int | float):
            texts.append(str(item))
    return tuple(dict.fromkeys(texts))


def map_claims(claims: Mapping[str, object], mapping: ClaimsMap) -> Mapped:
    """The roles and organisations `mapping` gives for the provider's `claims`."""
    roles: set[Role] = set()
    orgs: list[str] = []
    applied: list[int] = []
    for rule in mapping.rules:
        if rule.value not in claim_values(claims, rule.claim):
            continue
        applied.append(rule.number)
        roles.update(rule.roles)
        orgs.extend(rule.orgs)
        if rule.orgs_claim:
            orgs.extend(v.strip() for v in claim_values(claims, rule.orgs_claim) if v.strip())
    return Mapped(
        roles=tuple(role for role in Role if role in roles),
        orgs=tuple(dict.fromkeys(orgs)),
        rules=tuple(applied),
    )


# ---- the file ----------------------------------------------------------------------------


def _text(entry: Mapping[str, object], key: str, where: str, *, required: bool) -> str | None:
    value = entry.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ClaimsMapError(f"{where}: {key} must be a text that is not empty")
    return value.strip()


def _texts(entry: Mapping[str, object], key: str, where: str) -> tuple[str, ...]:
    value = entry.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ClaimsMapError(f"{where}: {key} must be a list of texts")
    return tuple(dict.fromkeys(v.strip() for v in value if v.strip()))


def parse_claims_map(data: Mapping[str, object], path: Path) -> ClaimsMap:
    """The rules of a parsed mapping file; `ClaimsMapError` naming the file, the rule and
    the key when one is wrong (an unknown role is refused too: a typo must not silently
    give nothing, nor a rule that applies to nobody)."""
    table = data.get("rule", [])
    if not isinstance(table, list):
        raise ClaimsMapError(f"{path}: rule must be a list of tables ([[rule]])")
    unknown_sections = sorted(set(data) - {"rule"})
    if unknown_sections:
        raise ClaimsMapError(f"{path}: unknown section {unknown_sections[0]!r} (only [[rule]])")
    rules = []
    for number, entry in enumerate(table, start=1):
        where = f"{path}: rule {number}"
        if not isinstance(entry, dict):
            raise ClaimsMapError(f"{where} must be a table")
        unknown = sorted(set(entry) - _KEYS)
        if unknown:
            raise ClaimsMapError(f"{where}: unknown key {unknown[0]!r}")
        claim = _text(entry, "claim", where, required=True)
        value = _text(entry, "value", where, required=True)
        names = _texts(entry, "roles", where)
        roles = parse_roles(list(names))
        wrong = [n for n in names if n.lower() not in ROLE_NAMES]
        if wrong:
            raise ClaimsMapError(
                f"{where}: unknown role {wrong[0]!r} (one of {', '.join(ROLE_NAMES)})"
            )
        orgs = _texts(entry, "orgs", where)
        orgs_claim = _text(entry, "orgs_claim", where, required=False)
        if not roles and not orgs and not orgs_claim:
            raise ClaimsMapError(f"{where}: gives nothing (roles, orgs or orgs_claim)")
        assert claim is not None and value is not None  # required above
        rules.append(ClaimRule(number, claim, value, roles, orgs, orgs_claim))
    return ClaimsMap(tuple(rules))


def _parsed(data: Mapping[str, object], path: Path) -> ClaimsMap:
    mapping = parse_claims_map(data, path)
    _log.info("claims mapping %s: %d rules", path, len(mapping.rules))
    return mapping


_FILE: Final = TomlFile(_parsed, ClaimsMapError)


def load_claims_map(path: Path | None = None) -> ClaimsMap:
    """The mapping of `path` (default `$SELSTATS_CLAIMS_MAP`), re-read when it changes; no
    rules when no file is set. A file that is set but missing or wrong raises
    `ClaimsMapError`: nobody is let in on a mapping that cannot be read."""
    path = path or settings().claims_map
    if path is None:
        return ClaimsMap()
    try:
        return _FILE.load(path)
    except OSError as error:  # missing or unreadable (a bad file is a ClaimsMapError)
        raise ClaimsMapError(f"{path}: {error.strerror or error}") from error
