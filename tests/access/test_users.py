"""The local users file: written and read back, passwords checked against argon2 hashes."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from selstats.access.roles import Role
from selstats.access.users import (
    User,
    UsersFileError,
    add_user,
    authenticate,
    find_user,
    hash_password,
    load_users,
    remove_user,
    render_users,
    verify_password,
    write_users,
)

from .conftest import CHEAP, PASSWORDS, USERS


def test_round_trip(tmp_path: Path) -> None:
    path = write_users(USERS, tmp_path / "users.toml")
    assert load_users(path) == {u.username: u for u in USERS}
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # hashes readable by the owner only


def test_names_with_quotes_and_unicode_survive(tmp_path: Path) -> None:
    user = User("jan", (Role.HR,), ('ORG "X"', "ORG-É"), 'Jan "de" Ünicode\\n', None)
    path = write_users([user], tmp_path / "users.toml")
    assert load_users(path)["jan"] == user


def test_authenticate(tmp_path: Path) -> None:
    path = write_users(USERS, tmp_path / "users.toml")
    assert authenticate("hr-b", PASSWORDS["hr-b"], path) == find_user("hr-b", path)
    assert authenticate("  HR-B ", PASSWORDS["hr-b"], path) is not None  # name: case, blanks
    assert authenticate("hr-b", PASSWORDS["hr-a"], path) is None
    assert authenticate("hr-b", "", path) is None
    assert authenticate("nobody", PASSWORDS["hr-b"], path) is None
    # an OIDC user has no password: no password opens it
    assert authenticate("oidc.hr@beta.example", "", path) is None


def test_verify_password_never_matches_without_a_hash() -> None:
    assert not verify_password(None, "selstats: no such user")
    assert not verify_password(User("x", password_hash="not a hash"), "x")
    assert verify_password(User("x", password_hash=hash_password("long enough")), "long enough")
    with pytest.raises(ValueError):
        hash_password("")


def test_add_and_remove(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "users.toml"
    add_user(User("An@Example.be".lower(), (Role.ANALYST,)), path)
    with pytest.raises(UsersFileError, match="exists"):
        add_user(User("an@example.be", (Role.BOSA,)), path)
    add_user(User("an@example.be", (Role.BOSA,)), path, replace=True)
    assert load_users(path)["an@example.be"].roles == (Role.BOSA,)
    with pytest.raises(UsersFileError, match="invalid user name"):
        add_user(User("bad name", (Role.BOSA,)), path)
    assert remove_user("AN@example.be", path)
    assert not remove_user("an@example.be", path)
    assert load_users(path) == {}


def test_a_changed_file_is_read_again(tmp_path: Path) -> None:
    path = write_users(USERS, tmp_path / "users.toml")
    assert load_users(path)["hr-b"].roles == (Role.HR,)
    text = path.read_text().replace('roles = ["hr"]\norgs = ["ORG-B"]', "roles = []\norgs = []")
    path.write_text(text)
    os.utime(path, ns=(1, 1))  # another modification time, whatever the clock's resolution
    assert load_users(path)["hr-b"].roles == ()  # the role taken away counts at once


def test_unknown_roles_are_dropped_and_broken_files_named(tmp_path: Path) -> None:
    path = tmp_path / "users.toml"
    path.write_text('[users.x]\nroles = ["hr", "root"]\norgs = ["ORG-B"]\n')
    assert load_users(path)["x"].roles == (Role.HR,)
    path.write_text("[users.x]\nroles = 'hr'\n")
    with pytest.raises(UsersFileError, match="list of texts"):
        load_users(path)
    path.write_text("[users.x\n")
    with pytest.raises(UsersFileError, match=str(path)):
        load_users(path)
    assert load_users(tmp_path / "none.toml") == {}


def test_rendered_file_is_commented_toml() -> None:
    text = render_users([User("x", (Role.HR,), ("ORG-B",), "", CHEAP.hash("pw"))])
    assert text.startswith("# selstats users")
    assert '[users."x"]' in text and 'roles = ["hr"]' in text


def test_the_user_command(tmp_path: Path) -> None:
    import subprocess
    import sys

    selstats = Path(sys.executable).parent / "selstats"
    path = tmp_path / "users.toml"

    def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(selstats), "user", *args, "--users", str(path)],
            input=stdin,
            capture_output=True,
            text=True,
            timeout=60,
        )

    added = run(
        "add", "Jan", "--role", "hr", "--org", "ORG-B", "--password-stdin", stdin="lang genoeg\n"
    )
    assert added.returncode == 0, added.stderr
    assert run("add", "an@bosa.example", "--role", "analyst", "--no-password").returncode == 0
    assert run("add", "x", "--role", "hr").returncode == 2  # hr without --org
    assert run("add", "y", "--role", "bosa", "--password-stdin", stdin="kort\n").returncode == 1
    assert run("list").stdout.splitlines() == [
        "an@bosa.example\tanalyst\t-\toidc",
        "jan\thr\tORG-B\tpassword",
    ]
    assert authenticate("jan", "lang genoeg", path) is not None
    assert run("remove", "jan").returncode == 0
    assert run("remove", "jan").returncode == 1
