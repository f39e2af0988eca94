"""The files that make `make run`, `make test` and CI work: README, .ci/run, Streamlit config."""

import os
import re
import subprocess
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README_HEAD_LINES = 40


def test_readme_starts_with_the_two_commands() -> None:
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8") if readme.exists() else ""
    if not text.strip():
        pytest.skip("README.md has no content yet (the lead writes it)")
    head = "\n".join(text.splitlines()[:README_HEAD_LINES])
    assert "make run" in head, f"`make run` not in the first {README_HEAD_LINES} lines"
    assert "make test" in head, f"`make test` not in the first {README_HEAD_LINES} lines"


def test_ci_runs_make_test() -> None:
    ci = ROOT / ".ci" / "run"
    commands = [
        line.strip()
        for line in ci.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    assert "make test" in commands
    assert "set -euo pipefail" in commands
    assert os.access(ci, os.X_OK), ".ci/run must be executable (chmod +x)"


def test_streamlit_config() -> None:
    with (ROOT / ".streamlit" / "config.toml").open("rb") as f:
        config = tomllib.load(f)
    assert config["server"]["headless"] is True
    assert config["server"]["enableXsrfProtection"] is True
    assert config["server"]["runOnSave"] is False
    assert config["server"]["fileWatcherType"] == "none"
    assert config["browser"]["gatherUsageStats"] is False
    assert config["client"]["showErrorDetails"] == "none"


def test_setup_script_is_valid_bash_and_never_downloads_playwright_browsers() -> None:
    script = ROOT / "scripts" / "setup.sh"
    subprocess.run(["bash", "-n", str(script)], check=True)
    assert not re.search(r"playwright\s+install", script.read_text(encoding="utf-8"))


def test_makefile_has_the_documented_targets() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    targets = set(re.findall(r"^([a-z][a-z0-9-]*):", makefile, flags=re.MULTILINE))
    assert {"setup", "demo", "run", "test", "lint", "format", "bench", "clean"} <= targets
