"""The users file's optional `email` and `language`, written by `selstats user add`."""

from __future__ import annotations

from pathlib import Path

import pytest

from selstats.access.users import UsersFileError, load_users, parse_users
from selstats.cli import main


def test_user_add_keeps_the_address_and_language(tmp_path: Path) -> None:
    users = tmp_path / "users.toml"
    args = ["user", "add", "jan", "--role", "hr", "--org", "ORG-B", "--no-password"]
    assert (
        main([*args, "--users", str(users), "--email", "jan@stad.example", "--language", "fr"]) == 0
    )
    jan = load_users(users)["jan"]
    assert (jan.email, jan.language, jan.address) == ("jan@stad.example", "fr", "jan@stad.example")
    # an OIDC user's name is its address; a login name without email has none
    assert (
        main(
            [
                "user",
                "add",
                "an@bosa.example",
                "--role",
                "bosa",
                "--no-password",
                "--users",
                str(users),
            ]
        )
        == 0
    )
    assert (
        main(["user", "add", "piet", "--role", "bosa", "--no-password", "--users", str(users)]) == 0
    )
    found = load_users(users)
    assert found["an@bosa.example"].address == "an@bosa.example"
    assert found["piet"].address is None
    assert found["piet"].language == ""


def test_a_bad_address_or_language_is_refused(tmp_path: Path) -> None:
    users = tmp_path / "users.toml"
    args = ["user", "add", "jan", "--role", "bosa", "--no-password", "--users", str(users)]
    assert main([*args, "--email", "not an address"]) == 1
    assert not users.exists()
    with pytest.raises(UsersFileError, match="language"):
        parse_users({"users": {"jan": {"roles": ["hr"], "language": "de"}}}, users)
    with pytest.raises(UsersFileError, match="email"):
        parse_users({"users": {"jan": {"roles": ["hr"], "email": "jan@"}}}, users)
