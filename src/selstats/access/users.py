"""The local users file: who may log in, with which roles, for which organisations.

`$SELSTATS_USERS`, else `users.toml` in the project folder. Written by `selstats user add`;
readable by hand::

    # selstats users: roles bosa, hr, analyst, admin; orgs = the organisations of an hr user
    [users.jan]
    name = "Jan Peeters"
    password = "$argon2id$v=19$m=65536,t=3,p=4$..."
    roles = ["hr"]
    orgs = ["ORG-B"]

    [users."an@bosa.example"]      # an OIDC user: the e-mail address st.user gives, no password
    roles = ["analyst"]

Optional for `selstats alerts`: `email` (where alerts go; an OIDC user's name is its
address already) and `language` (nl, fr or en: the alerts' language, default nl).

Passwords are stored only as argon2id hashes (argon2-cffi). With OIDC (`[auth]` in
.streamlit/secrets.toml) the file only maps identities to roles: passwords are not used, and
an address listed here overrides what the claims mapping (`selstats.access.claims`) gives.
The file is re-read when it changes, so a role taken away counts from the user's next click.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Final

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from selstats.access.roles import Role, parse_roles
from selstats.access.toml_file import TomlFile
from selstats.paths import PROJECT_ROOT
from selstats.settings import settings

DEFAULT_USERS_FILE: Final = PROJECT_ROOT / "users.toml"

# User names: login names or e-mail addresses; nothing that needs escaping to be read.
USERNAME: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}")

# An e-mail address as the users file takes it (one @, a dot in the domain, no blanks).
EMAIL: Final = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
LANGUAGES: Final = ("nl", "fr", "en")

_HASHER: Final = PasswordHasher()

_log = logging.getLogger(__name__)


class UsersFileError(ValueError):
    """The users file cannot be read; the message names the file and what is wrong."""


@dataclass(frozen=True)
class User:
    """One entry of the users file. `orgs`: the organisations named for the user."""

    username: str
    roles: tuple[Role, ...] = ()
    orgs: tuple[str, ...] = ()
    name: str = ""
    password_hash: str | None = None
    email: str = ""  # where `selstats alerts` writes to; OIDC users: their name
    language: str = ""  # the alerts' language (nl, fr, en); empty: nl

    @property
    def display_name(self) -> str:
        return self.name or self.username

    @property
    def address(self) -> str | None:
        """The user's e-mail address: `email`, else the name when it is one (OIDC)."""
        if self.email:
            return self.email
        return self.username if EMAIL.fullmatch(self.username) else None


def users_path() -> Path:
    return settings().users or DEFAULT_USERS_FILE


def normalise_username(username: str) -> str:
    """Names are compared without surrounding blanks and case (e-mail addresses too)."""
    return username.strip().lower()


def _strings(value: object, field: str, path: Path, username: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise UsersFileError(f"{path}: users.{username}.{field} must be a list of texts")
    return tuple(dict.fromkeys(v.strip() for v in value if v.strip()))


def parse_users(data: Mapping[str, object], path: Path) -> dict[str, User]:
    """The users of a parsed users file, by normalised name."""
    table = data.get("users", {})
    if not isinstance(table, dict):
        raise UsersFileError(f"{path}: [users] must be a table")
    users: dict[str, User] = {}
    for raw_name, entry in table.items():
        if not isinstance(entry, dict):
            raise UsersFileError(f"{path}: users.{raw_name} must be a table")
        username = normalise_username(str(raw_name))
        if not USERNAME.fullmatch(username):
            raise UsersFileError(f"{path}: invalid user name {raw_name!r}")
        password = entry.get("password")
        if password is not None and not isinstance(password, str):
            raise UsersFileError(f"{path}: users.{raw_name}.password must be a text")
        roles = _strings(entry.get("roles"), "roles", path, raw_name)
        known = parse_roles(list(roles))
        unknown = sorted(set(roles) - {r.value for r in known})
        if unknown:
            _log.warning("%s: user %s has unknown roles %s (ignored)", path, username, unknown)
        name = entry.get("name", "")
        email = entry.get("email", "")
        if not isinstance(email, str) or (email.strip() and not EMAIL.fullmatch(email.strip())):
            raise UsersFileError(f"{path}: users.{raw_name}.email is not an e-mail address")
        language = entry.get("language", "")
        if language not in ("", *LANGUAGES):
            raise UsersFileError(f"{path}: users.{raw_name}.language must be nl, fr or en")
        users[username] = User(
            username=username,
            roles=known,
            orgs=_strings(entry.get("orgs"), "orgs", path, raw_name),
            name=name if isinstance(name, str) else "",
            password_hash=password or None,
            email=email.strip(),
            language=str(language),
        )
    return users


_FILE: Final = TomlFile(parse_users, UsersFileError)


def load_users(path: Path | None = None) -> dict[str, User]:
    """The users file (re-read when it changes); empty when there is none."""
    try:
        return _FILE.load(path or users_path())
    except FileNotFoundError:
        return {}


def find_user(username: str, path: Path | None = None) -> User | None:
    return load_users(path).get(normalise_username(username))


# ---- passwords ---------------------------------------------------------------------------


def hash_password(password: str) -> str:
    if not password:
        raise ValueError("empty password")
    return _HASHER.hash(password)


@cache
def _dummy_hash() -> str:
    """Verified against when the user is unknown, so the answer takes as long either way."""
    return _HASHER.hash("selstats: no such user")


def verify_password(user: User | None, password: str) -> bool:
    """Whether `password` is the user's. An unknown user or one without a password (an OIDC
    user) never matches; the check costs the same time either way."""
    stored = user.password_hash if user is not None else None
    try:
        return _HASHER.verify(stored or _dummy_hash(), password) and stored is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def authenticate(username: str, password: str, path: Path | None = None) -> User | None:
    """The user when the name and password match the users file, else None."""
    user = find_user(username, path)
    return user if verify_password(user, password) else None


# ---- writing the file (the `selstats user` command) --------------------------------------

_HEADER: Final = (
    "# selstats users (written by `selstats user`; see src/selstats/access/users.py).\n"
    "# roles: bosa, hr, analyst, admin. orgs: the organisations of an hr user.\n"
    "# password: an argon2id hash; absent for users who log in through OIDC (by e-mail).\n"
)


def _toml_string(text: str) -> str:
    # A JSON string is a valid TOML basic string (same escapes).
    return json.dumps(text, ensure_ascii=False)


def _toml_list(values: Iterable[str]) -> str:
    return "[" + ", ".join(_toml_string(v) for v in values) + "]"


def render_users(users: Iterable[User]) -> str:
    """The users file's text."""
    parts = [_HEADER]
    for user in sorted(users, key=lambda u: u.username):
        lines = [f"\n[users.{_toml_string(user.username)}]"]
        if user.name:
            lines.append(f"name = {_toml_string(user.name)}")
        if user.password_hash:
            lines.append(f"password = {_toml_string(user.password_hash)}")
        if user.email:
            lines.append(f"email = {_toml_string(user.email)}")
        if user.language:
            lines.append(f"language = {_toml_string(user.language)}")
        lines.append(f"roles = {_toml_list(r.value for r in user.roles)}")
        lines.append(f"orgs = {_toml_list(user.orgs)}")
        parts.append("\n".join(lines) + "\n")
    return "".join(parts)


def write_users(users: Iterable[User], path: Path | None = None) -> Path:
    """Replace the users file atomically, readable by its owner only."""
    path = path or users_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.writing-{os.getpid()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(render_users(users))
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    _FILE.forget(path)
    return path


def add_user(user: User, path: Path | None = None, *, replace: bool = False) -> Path:
    """Add `user` to the file (creating it); an existing name needs `replace`."""
    if not USERNAME.fullmatch(user.username):
        raise UsersFileError(f"invalid user name {user.username!r}: letters, digits, . _ @ + -")
    if user.email and not EMAIL.fullmatch(user.email):
        raise UsersFileError(f"invalid e-mail address {user.email!r}")
    users = dict(load_users(path))
    if user.username in users and not replace:
        raise UsersFileError(f"user {user.username!r} exists (use --replace to overwrite)")
    users[user.username] = user
    return write_users(users.values(), path)


def remove_user(username: str, path: Path | None = None) -> bool:
    """Remove a user; False when there was none by that name."""
    users = dict(load_users(path))
    if users.pop(normalise_username(username), None) is None:
        return False
    write_users(users.values(), path)
    return True
