"""The project stands alone: its own documents are the ones it cites.

Comments, docstrings, tests and texts point to docs/DOMAIN.md and docs/CLI.md, never to a
domain brief or data contract outside the repository (named the same, without `docs/`). Each
anchor of a document in docs/ cited anywhere in the repository, and each link between the documents,
lands on a heading that exists. Headings become anchors as GitHub makes them.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Final

import pytest

ROOT: Final = Path(__file__).resolve().parents[1]
DOCS: Final = ROOT / "docs"
# Folders whose files are not the project's text (tools' caches, builds, the environment).
SKIP_DIRS: Final = frozenset(
    {".git", ".venv", "node_modules", "__pycache__", ".mypy_cache", ".ruff_cache",
     ".pytest_cache", "build", "dist", "docs"}
)  # fmt: skip
TEXT_SUFFIXES: Final = frozenset(
    {".py", ".sql", ".toml", ".md", ".csv", ".txt", ".cfg", ".ini", ".yml", ".yaml", ".sh",
     ".json", ".html", ".js", ".css", ""}
)  # fmt: skip
# The two documents that lived outside the repository; spelled so that this file does not
# name them itself.
OUTSIDE_NAMES: Final = re.compile(r"(?<![\w./-])((?:DOMAIN|CONTRACT)\.md)", re.IGNORECASE)
DOCUMENTS: Final = tuple(f"{name}.md" for name in ("DOMAIN", "CLI", "ARCHITECTURE"))
CITED: Final = re.compile(r"docs/([\w-]+\.md)(?:#([\w-]+))?")
RELATIVE_LINK: Final = re.compile(r"\]\((\.\./README\.md|[\w-]+\.md)?#([\w-]+)\)")


def project_files() -> list[Path]:
    """The repository's files outside docs/: those git knows (tracked or not ignored), else
    every file under the root but the skipped folders."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
            cwd=ROOT,
            capture_output=True,
            check=True,
        ).stdout.decode()
        paths = [ROOT / name for name in listed.split("\0") if name]
    except (OSError, subprocess.CalledProcessError):  # no git, or not a checkout
        paths = [p for p in ROOT.rglob("*") if p.is_file()]
    return [
        p
        for p in paths
        if p.is_file()
        and not SKIP_DIRS.intersection(p.relative_to(ROOT).parts[:-1])
        and p.suffix.lower() in TEXT_SUFFIXES
    ]


def texts() -> Iterator[tuple[str, str]]:
    for path in project_files():
        try:
            yield str(path.relative_to(ROOT)), path.read_text(encoding="utf-8")
        except UnicodeDecodeError:  # a deliberately broken import file in tests/data
            continue


def slug(heading: str) -> str:
    """GitHub's anchor of a heading: lower case, punctuation dropped, spaces as hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


@cache
def anchors(document: Path) -> frozenset[str]:
    """The anchors of a markdown file's headings (outside code blocks); a repeated heading
    gets -1, -2, ... as on GitHub."""
    seen: dict[str, int] = {}
    found: set[str] = set()
    fenced = False
    for line in document.read_text(encoding="utf-8").splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
            continue
        match = re.match(r"#{1,6}\s+(.*?)\s*#*\s*$", line)
        if fenced or not match:
            continue
        base = slug(match.group(1))
        count = seen.get(base, 0)
        seen[base] = count + 1
        found.add(base if count == 0 else f"{base}-{count}")
    return frozenset(found)


def test_slug_is_githubs() -> None:
    assert slug("The four reference procedures") == "the-four-reference-procedures"
    assert slug("Amounts at 100 %") == "amounts-at-100-"
    assert slug("selstats `export`") == "selstats-export"
    assert slug("Top-N cuts") == "top-n-cuts"


def test_the_documents_exist() -> None:
    for name in DOCUMENTS:
        assert (DOCS / name).is_file(), f"docs/{name} is missing"


def test_no_file_names_a_document_outside_the_repository() -> None:
    offenders = [
        f"{name}:{text.count(chr(10), 0, m.start()) + 1}: {m.group(1)}"
        for name, text in texts()
        for m in OUTSIDE_NAMES.finditer(text)
    ]
    assert not offenders, (
        "cite a section of docs/DOMAIN.md or docs/CLI.md instead, e.g. docs/DOMAIN.md#the-funnel "
        "(users see the source document's name, never a file name):\n" + "\n".join(offenders)
    )


def citations() -> Iterator[tuple[str, int, str, str | None]]:
    for name, text in texts():
        for m in CITED.finditer(text):
            yield name, text.count("\n", 0, m.start()) + 1, m.group(1), m.group(2)


def test_every_cited_document_and_anchor_exists() -> None:
    cited = list(citations())
    assert any(doc == DOCUMENTS[0] and anchor for _, _, doc, anchor in cited), (
        "no anchor of docs/DOMAIN.md cited anywhere: the scan itself is broken"
    )
    missing = [
        f"{name}:{line}: docs/{doc}" + (f"#{anchor}" if anchor else "")
        for name, line, doc, anchor in cited
        if not (DOCS / doc).is_file() or (anchor and anchor not in anchors(DOCS / doc))
    ]
    assert not missing, "no such document or heading:\n" + "\n".join(missing)


@pytest.mark.parametrize("document", DOCUMENTS)
def test_links_between_the_documents_land_on_a_heading(document: str) -> None:
    source = DOCS / document
    broken = []
    for m in RELATIVE_LINK.finditer(source.read_text(encoding="utf-8")):
        target = (DOCS / m.group(1)).resolve() if m.group(1) else source
        if not target.is_file() or m.group(2) not in anchors(target):
            broken.append(m.group(0))
    assert not broken, f"docs/{document}: links to no heading: {broken}"
