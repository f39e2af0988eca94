"""No module of src/selstats over LIMIT lines without a reason written at its top.

A long module is usually two jobs; when it is not, the first paragraph of its docstring says
why, in a line starting with MARKER ("Long because it is a catalogue: ..."), so the next
maintainer reads the reason before the code. A module that shrinks below the limit may keep
its line.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Final

import pytest

PACKAGE: Final = Path(__file__).resolve().parents[1] / "src" / "selstats"
LIMIT: Final = 400
MARKER: Final = "Long because"


def line_count(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def has_reason(path: Path) -> bool:
    """A line of the module docstring's first paragraph starts with MARKER."""
    docstring = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    first_paragraph = docstring.split("\n\n", 1)[0]
    return any(line.strip().startswith(MARKER) for line in first_paragraph.splitlines())


LONG: Final = sorted(
    (p for p in PACKAGE.rglob("*.py") if line_count(p) > LIMIT),
    key=lambda p: str(p),
)


def test_the_scan_finds_modules() -> None:
    assert len(list(PACKAGE.rglob("*.py"))) > 50


def test_the_check_reads_only_the_first_paragraph(tmp_path: Path) -> None:
    top = tmp_path / "top.py"
    top.write_text(f'"""A module.\n{MARKER} it is data.\n\nMore."""\n', encoding="utf-8")
    below = tmp_path / "below.py"
    below.write_text(f'"""A module.\n\n{MARKER} it is data."""\n', encoding="utf-8")
    comment = tmp_path / "comment.py"
    comment.write_text(f'# {MARKER} it is data.\n"""A module."""\n', encoding="utf-8")
    assert has_reason(top)
    assert not has_reason(below)
    assert not has_reason(comment)


@pytest.mark.parametrize("path", LONG, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_a_long_module_says_why(path: Path) -> None:
    assert has_reason(path), (
        f"{path.relative_to(PACKAGE.parent)} has {line_count(path)} lines (> {LIMIT}): split "
        f"it by job, or say why not in its docstring's first paragraph, in a line starting "
        f"{MARKER!r}"
    )
