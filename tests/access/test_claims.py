"""The claims mapping (selstats.access.claims) and the OIDC identity built from it
(selstats.access.login.oidc_identity): pure, no Streamlit. Expected roles and organisations
are read off the rules by hand in each test."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

import pytest

from selstats.access.claims import (
    ClaimsMap,
    ClaimsMapError,
    Mapped,
    claim_values,
    load_claims_map,
    map_claims,
    parse_claims_map,
)
from selstats.access.login import issued_to, oidc_identity
from selstats.access.roles import Role
from selstats.access.users import User

# The README's example: Entra ID group object ids and Keycloak realm roles.
EXAMPLE = """
[[rule]]                                   # 1: Entra ID group "selstats HR Dienst Alfa"
claim = "groups"
value = "8d5c3a4e-0000-4000-8000-00000000000a"
roles = ["hr"]
orgs = ["ORG-A"]

[[rule]]                                   # 2: Entra ID group "selstats HR Stad Beta"
claim = "groups"
value = "8d5c3a4e-0000-4000-8000-00000000000b"
roles = ["hr"]
orgs = ["ORG-B"]

[[rule]]                                   # 3: Keycloak realm role
claim = "realm_access.roles"
value = "selstats-analyst"
roles = ["analyst"]

[[rule]]                                   # 4: Keycloak role + organisation attribute
claim = "realm_access.roles"
value = "selstats-hr"
roles = ["hr"]
orgs_claim = "organisation"
"""
GROUP_A = "8d5c3a4e-0000-4000-8000-00000000000a"
GROUP_B = "8d5c3a4e-0000-4000-8000-00000000000b"


def _mapping(text: str = EXAMPLE) -> ClaimsMap:
    return parse_claims_map(tomllib.loads(text), Path("claims.toml"))


def test_an_entra_group_gives_its_role_and_organisation() -> None:
    claims = {"sub": "x", "groups": [GROUP_A, "some-other-group"]}
    # only rule 1 names GROUP_A: hr of ORG-A
    assert map_claims(claims, _mapping()) == Mapped((Role.HR,), ("ORG-A",), (1,))


def test_two_groups_add_up() -> None:
    claims = {"groups": [GROUP_B, GROUP_A]}
    # rules 1 and 2 apply, in file order: organisations ORG-A then ORG-B, role hr once
    assert map_claims(claims, _mapping()) == Mapped((Role.HR,), ("ORG-A", "ORG-B"), (1, 2))


def test_a_keycloak_realm_role_is_read_from_the_nested_claim() -> None:
    claims = {"realm_access": {"roles": ["offline_access", "selstats-analyst"]}}
    assert map_claims(claims, _mapping()) == Mapped((Role.ANALYST,), (), (3,))


def test_an_organisation_attribute_names_the_organisations() -> None:
    one = {"realm_access": {"roles": ["selstats-hr"]}, "organisation": "ORG-B"}
    assert map_claims(one, _mapping()) == Mapped((Role.HR,), ("ORG-B",), (4,))
    several = {"realm_access": {"roles": ["selstats-hr"]}, "organisation": ["ORG-A", " "]}
    assert map_claims(several, _mapping()) == Mapped((Role.HR,), ("ORG-A",), (4,))
    # the role without the attribute: hr of no organisation (sees nothing; the scope's rule)
    none = {"realm_access": {"roles": ["selstats-hr"]}}
    assert map_claims(none, _mapping()) == Mapped((Role.HR,), (), (4,))


def test_roles_come_in_role_order_whatever_the_rule_order() -> None:
    claims = {"realm_access": {"roles": ["selstats-analyst"]}, "groups": [GROUP_B]}
    # rule 2 gives hr, rule 3 analyst: Role order is bosa, hr, analyst, admin
    assert map_claims(claims, _mapping()).roles == (Role.HR, Role.ANALYST)


@pytest.mark.parametrize(
    "claims",
    [
        {},
        {"groups": []},
        {"groups": [GROUP_A.upper()]},  # ids are codes: compared exactly
        {"groups": GROUP_A + "x"},
        {"realm_access": "selstats-analyst"},  # not the nested claim
        {"realm_access": {"roles": {"selstats-analyst": True}}},  # a table is no value
        {"roles": ["selstats-analyst"]},  # a claim of another name
    ],
)
def test_claims_that_map_to_nothing_give_nothing(claims: dict[str, object]) -> None:
    assert map_claims(claims, _mapping()) == Mapped()


def test_a_claim_that_is_one_text_matches_too() -> None:
    mapping = _mapping('[[rule]]\nclaim = "department"\nvalue = "HR"\nroles = ["bosa"]\n')
    assert map_claims({"department": "HR"}, mapping).roles == (Role.BOSA,)
    assert map_claims({"department": "HR-2"}, mapping).roles == ()


def test_claim_values() -> None:
    claims = {"a": {"b": ["x", 7, True, None, {"c": 1}, "x"]}, "s": "t"}
    assert claim_values(claims, "a.b") == ("x", "7", "true")
    assert claim_values(claims, "s") == ("t",)
    assert claim_values(claims, "a.z") == ()
    assert claim_values(claims, "s.t") == ()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '[[rule]]\nclaim = "g"\nvalue = "x"\nroles = ["hr"]\n'
            '[[rule]]\nclaim = "g"\nvalue = "y"\nroles = ["hrr"]\n',
            "claims.toml: rule 2: unknown role 'hrr'",
        ),
        ('[[rule]]\nclaim = "g"\nroles = ["hr"]\n', "claims.toml: rule 1: value must be a text"),
        ('[[rule]]\nvalue = "x"\nroles = ["hr"]\n', "claims.toml: rule 1: claim must be a text"),
        ('[[rule]]\nclaim = "g"\nvalue = "x"\nrole = ["hr"]\n', "rule 1: unknown key 'role'"),
        ('[[rule]]\nclaim = "g"\nvalue = "x"\n', "rule 1: gives nothing"),
        ('[[rule]]\nclaim = "g"\nvalue = "x"\nroles = "hr"\n', "rule 1: roles must be a list"),
        ('[rules]\nclaim = "g"\n', "unknown section 'rules'"),
        ('rule = "x"\n', "rule must be a list of tables"),
    ],
)
def test_a_wrong_mapping_is_refused_naming_file_rule_and_key(text: str, message: str) -> None:
    with pytest.raises(ClaimsMapError) as refused:
        _mapping(text)
    assert message in str(refused.value)


def test_no_mapping_set_means_no_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SELSTATS_CLAIMS_MAP", raising=False)
    assert load_claims_map() == ClaimsMap()


def test_a_mapping_set_but_missing_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SELSTATS_CLAIMS_MAP", str(tmp_path / "absent.toml"))
    with pytest.raises(ClaimsMapError, match=r"absent\.toml"):
        load_claims_map()


def test_the_mapping_is_read_again_when_it_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "claims.toml"
    path.write_text('[[rule]]\nclaim = "g"\nvalue = "x"\nroles = ["hr"]\n', encoding="utf-8")
    monkeypatch.setenv("SELSTATS_CLAIMS_MAP", str(path))
    assert map_claims({"g": "x"}, load_claims_map()).roles == (Role.HR,)
    path.write_text('[[rule]]\nclaim = "g"\nvalue = "x"\nroles = ["analyst"]\n', "utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert map_claims({"g": "x"}, load_claims_map()).roles == (Role.ANALYST,)


# ---- the identity of an OIDC login --------------------------------------------------------

USERS = {
    "listed@beta.example": User("listed@beta.example", (Role.HR,), ("ORG-B",), "Listed"),
    "blocked@alfa.example": User("blocked@alfa.example", (), (), "Blocked"),
}


def test_claims_give_the_identity_of_an_address_the_users_file_does_not_list() -> None:
    claims = {"sub": "s-1", "iss": "https://idp", "name": "Nieuwe HR", "groups": [GROUP_A]}
    identity = oidc_identity("New.HR@Alfa.example", claims, USERS, _mapping())
    assert identity.access.username == "new.hr@alfa.example"
    assert (identity.access.roles, identity.access.orgs) == ((Role.HR,), ("ORG-A",))
    assert identity.access.display_name == "Nieuwe HR"
    assert identity.audit_detail() == {
        "mode": "oidc",
        "subject": "s-1",
        "issuer": "https://idp",
        "mapped_from": "claims",
        "rules": [1],
        "orgs": ["ORG-A"],
    }


def test_the_users_file_overrides_the_claims() -> None:
    # the claims would make this user an analyst of everything (rule 3); the file says hr B
    claims = {"sub": "s-2", "realm_access": {"roles": ["selstats-analyst"]}}
    identity = oidc_identity("listed@beta.example", claims, USERS, _mapping())
    assert (identity.access.roles, identity.access.orgs) == ((Role.HR,), ("ORG-B",))
    assert (identity.source, identity.rules) == ("users_file", ())


def test_an_entry_without_roles_keeps_someone_out_whatever_the_provider_says() -> None:
    claims = {"sub": "s-3", "groups": [GROUP_A]}
    identity = oidc_identity("blocked@alfa.example", claims, USERS, _mapping())
    assert identity.access.roles == ()
    assert not identity.access.has_role


def test_no_mapped_claim_no_role() -> None:
    identity = oidc_identity("someone@else.example", {"sub": "s-4"}, USERS, _mapping())
    assert (identity.access.roles, identity.access.orgs) == ((), ())
    assert identity.source == "none"
    assert identity.audit_detail()["subject"] == "s-4"


@pytest.mark.parametrize(
    ("claims", "holds"),
    [
        ({"aud": "selstats"}, True),
        ({"aud": ["other", "selstats"], "azp": "selstats"}, True),
        ({"aud": "selstats", "azp": "selstats"}, True),
        ({"aud": "another-app"}, False),
        ({"aud": "another-app", "azp": "selstats"}, False),  # what Authlib lets through
        ({"aud": ["selstats", "other"], "azp": "other"}, False),
        ({"aud": "Selstats"}, False),
        ({}, False),
    ],
)
def test_issued_to(claims: dict[str, object], holds: bool) -> None:
    assert issued_to(claims, "selstats") is holds
    assert issued_to(claims, "") is False
