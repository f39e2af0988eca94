"""A TOML file of the access policy (the users file, the claims mapping), parsed once and
re-read when it changes on disk (inode, modification time or size), so that an edit counts
at the next request of every server process without a restart."""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class TomlFile(Generic[T]):
    """`load(path)`: `parse(data, path)` of the file, kept until the file changes. A file
    that cannot be read or is no TOML raises `error("<path>: <why>")`; a missing one raises
    the `OSError` of `path.stat()`, which the caller decides about."""

    def __init__(self, parse: Callable[[dict[str, Any], Path], T], error: type[Exception]):
        self._parse = parse
        self._error = error
        self._cache: dict[Path, tuple[tuple[int, int, int], T]] = {}

    def load(self, path: Path) -> T:
        stat = path.stat()
        version = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
        cached = self._cache.get(path)
        if cached is not None and cached[0] == version:
            return cached[1]
        try:
            with path.open("rb") as f:
                data = tomllib.load(f)
        except (OSError, tomllib.TOMLDecodeError) as error:
            raise self._error(f"{path}: {error}") from error
        value = self._parse(data, path)
        self._cache[path] = (version, value)
        return value

    def forget(self, path: Path) -> None:
        """Read `path` again at the next `load` (after writing it ourselves)."""
        self._cache.pop(path, None)
