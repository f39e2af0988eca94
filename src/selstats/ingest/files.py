"""Which files an import is about: folders expanded, only the formats we read, in a
stable order.

Users point the import at a folder of exports; lock files and hidden files that Excel
and operating systems leave next to them are skipped silently, while anything else we
cannot read is reported, so a `results.xls` is not quietly left out of an import.
"""

from __future__ import annotations

import logging
from pathlib import Path

from selstats.ingest.columns import SUPPORTED_EXTENSIONS
from selstats.ingest.problems import Code, Problem

log = logging.getLogger(__name__)


def _noise(name: str) -> bool:
    """Hidden files (.DS_Store), Excel's lock files (~$results.xlsx) and the like."""
    return name.startswith((".", "~$")) or name in ("Thumbs.db", "desktop.ini")


def collect_files(paths: list[Path]) -> tuple[list[Path], list[Problem]]:
    """(the .csv/.xlsx/.parquet files named or found recursively in folders, sorted by
    path, each once; a problem for each missing path and each file of another type)."""
    found: dict[Path, Path] = {}
    issues: list[Problem] = []

    def consider(path: Path, named: bool) -> None:
        if path.suffix.lower() in SUPPORTED_EXTENSIONS:
            found.setdefault(path.resolve(), path)
        elif named or not _noise(path.name):
            issues.append(
                Problem(
                    file=str(path),
                    code=Code.UNSUPPORTED_EXTENSION,
                    params={"extension": path.suffix or path.name},
                )
            )

    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and not any(_noise(p) for p in child.relative_to(path).parts):
                    consider(child, named=False)
                elif child.is_file():
                    log.debug("skipped %s", child)
        elif path.is_file():
            consider(path, named=True)
        else:
            issues.append(Problem(file=str(path), code=Code.FILE_NOT_FOUND))
    for issue in issues:
        log.info("%s", issue.message("en"))
    return sorted(found.values(), key=lambda p: (str(p.parent), p.name.lower())), issues
