"""deploy/: what can be checked without a container engine.

- The image's layout, run for real: the files the Dockerfile's runtime stage copies, in a
  directory of their own, served by deploy/entrypoint.sh with the store in a directory of
  its own (in the image: mounted read-only). The page shows the store's figures, a new
  store version moved into place is shown at the next run, and the audit log goes to the
  state directory, not next to the store.
- The compose proxy's nginx configuration is accepted by nginx.
- compose.yaml and kubernetes.yaml by their validators, when installed (docker-compose,
  kubernetes-validate: see deploy/README.md; not dependencies of the project).

Figures, by hand (tests/fixtures/small_store.py): the overview's "Sollicitanten" is
P-A1 8 + P-B1 5 + P-B2 2 = 15; the new version adds candidate B23 to P-B2: 16.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest

from benchmarks.protocol import Session
from selstats.figures import catalogue
from selstats.serving.workers import free_port
from tests.fixtures.small_store import build_small_store

from .conftest import answers, run_async, wait_until

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
APPLICANTS = catalogue().label("applicants", "nl")
HAS_NGINX = shutil.which("nginx") is not None or os.access("/usr/sbin/nginx", os.X_OK)


def runtime_copies(dockerfile: Path) -> list[tuple[str, str]]:
    """(source, destination) of the runtime stage's COPY lines from the build context."""
    stage = dockerfile.read_text(encoding="utf-8").split(" AS runtime", 1)[1]
    copies = re.findall(r"^COPY (?!--from)(\S+) (\S+)$", stage, re.M)
    assert copies, "no COPY in the runtime stage"
    return copies


def image_tree(root: Path) -> Path:
    """/app as the Dockerfile builds it; the entry point where the image puts it."""
    app = root / "app"
    app.mkdir(parents=True)
    for source, destination in runtime_copies(DEPLOY / "Dockerfile"):
        # relative to WORKDIR /app; absolute ones (the entry point) under `root`
        base = root if destination.startswith("/") else app
        target = base / destination.lstrip("/")
        if destination.endswith("/"):
            target = target / Path(source).name
        target.parent.mkdir(parents=True, exist_ok=True)
        if (REPO / source).is_dir():
            shutil.copytree(REPO / source, target)
        else:
            shutil.copy2(REPO / source, target)
    return app


def _overview_applicants(base: str, download: bool = False) -> str:
    """The overview's figure in a fresh session; with `download`, its first file too."""

    async def read() -> str:
        session = Session(base)
        await session.connect("/")
        run = await session.open("", "")
        assert run.ok, run.exceptions
        if download:
            await session.download(run.downloads[0])
        await session.close()
        return dict(run.metrics)[APPLICANTS]

    return run_async(read())


@pytest.fixture
def served_image(tmp_path: Path) -> Iterator[tuple[str, Path, Path]]:
    """The image's layout served by its entry point; (URL, store, state directory)."""
    app = image_tree(tmp_path / "image")
    store_dir = tmp_path / "volume"
    store = build_small_store(store_dir / "selstats.duckdb")
    state = tmp_path / "state"
    port = free_port()
    entrypoint = tmp_path / "image" / "usr/local/bin/selstats-entrypoint"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("SELSTATS_")},
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
        "PYTHONPATH": str(app / "src"),  # as the image: not the checkout's editable install
        "SELSTATS_STORE": str(store),
        "SELSTATS_STATE_DIR": str(state),
        "SELSTATS_DEMO": "1",
    }
    log = (tmp_path / "serve.log").open("wb")
    process = subprocess.Popen(
        ["sh", str(entrypoint), "--server.port", str(port), "--server.address", "127.0.0.1"],
        cwd=app,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: answers(base + "/_stcore/health") or process.poll() is not None, 120)
        assert process.poll() is None, (tmp_path / "serve.log").read_text()
        yield base, store, state
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def test_the_image_layout_serves_the_store_through_its_link(
    served_image: tuple[str, Path, Path], tmp_path: Path
) -> None:
    base, store, state = served_image
    link = state / "selstats.duckdb"
    assert link.is_symlink() and Path(os.readlink(link)) == store
    assert _overview_applicants(base) == "15"

    # the writer publishes a new version next to the store and renames it over it
    new = build_small_store(tmp_path / "writer" / "selstats.duckdb")
    subprocess.run(
        [sys.executable, "-m", "selstats", "import", str(_update(tmp_path)), "--db", str(new)],
        check=True,
        capture_output=True,
    )
    shutil.copyfile(new, store.with_name("selstats.duckdb.new"))
    os.replace(store.with_name("selstats.duckdb.new"), store)
    # a download is audited: beside the link, in the writable state directory
    assert _overview_applicants(base, download=True) == "16"
    audit = state / "selstats.duckdb.audit.jsonl"
    assert '"event":"export"' in audit.read_text()
    assert not list(store.parent.glob("*.audit.jsonl"))


def _update(tmp_path: Path) -> Path:
    folder = tmp_path / "update"
    folder.mkdir()
    results = {"procedure_code": ["P-B2"], "candidate_ref": ["B23"], "step_no": [1]}
    pl.DataFrame({**results, "outcome": ["passed"]}).write_csv(folder / "results.csv")
    return folder


@pytest.mark.skipif(not HAS_NGINX, reason="nginx is not installed (scripts/setup.sh)")
def test_the_compose_proxy_configuration_is_accepted_by_nginx(tmp_path: Path) -> None:
    text = (DEPLOY / "nginx" / "compose.conf").read_text(encoding="utf-8")
    assert "server app:8501" in text
    # `app` resolves only inside compose; /tmp is the container's
    text = text.replace("server app:8501", "server 127.0.0.1:8501").replace("/tmp/", f"{tmp_path}/")
    conf = tmp_path / "nginx.conf"
    conf.write_text(text.replace("/dev/stdout", str(tmp_path / "access.log")), encoding="utf-8")
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    done = subprocess.run(
        [nginx, "-t", "-p", f"{tmp_path}/", "-c", str(conf), "-e", str(tmp_path / "error.log")],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr


@pytest.mark.skipif(shutil.which("docker-compose") is None, reason="docker-compose not installed")
def test_compose_file_is_valid(tmp_path: Path) -> None:
    key = tmp_path / "pseudonym.key"
    key.write_text("x")
    env = {**os.environ, "SELSTATS_COOKIE_SECRET": "x", "SELSTATS_PSEUDONYM_KEY_FILE": str(key)}
    done = subprocess.run(
        [
            *("docker-compose", "-p", "selstats", "-f", str(DEPLOY / "compose.yaml")),
            *("--profile", "tools", "config", "--services"),
        ],
        capture_output=True,
        text=True,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    assert set(done.stdout.split()) == {"app", "proxy", "writer", "alerts"}


def test_kubernetes_manifest_is_valid() -> None:
    validate = pytest.importorskip("kubernetes_validate", reason="kubernetes-validate")
    import yaml  # kubernetes-validate's own dependency

    documents = list(yaml.safe_load_all((DEPLOY / "kubernetes.yaml").read_text()))
    kinds = {d["kind"] for d in documents}
    assert {"Deployment", "Service", "Ingress"} <= kinds
    for document in documents:
        validate.validate(document, "1.30.0", strict=True)
    deployment = next(d for d in documents if d["kind"] == "Deployment")
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    for probe in ("readinessProbe", "livenessProbe"):
        assert container[probe]["httpGet"]["path"] == "/_stcore/health"
    ingress = next(d for d in documents if d["kind"] == "Ingress")
    assert ingress["metadata"]["annotations"]["nginx.ingress.kubernetes.io/affinity"] == "cookie"


def test_the_entry_point_is_an_executable_posix_script() -> None:
    # the slim image has no bash
    assert (DEPLOY / "entrypoint.sh").read_text().startswith("#!/bin/sh\n")
    assert os.access(DEPLOY / "entrypoint.sh", os.X_OK)


def _results(path: Path) -> int:
    import duckdb

    con = duckdb.connect(str(path), read_only=True)
    try:
        rows = con.sql("select count(*) from results").fetchall()
    finally:
        con.close()
    return int(rows[0][0])


def test_publishing_a_store_version_switches_the_link_and_keeps_the_newest(
    tmp_path: Path,
) -> None:
    from selstats.store.connection import snapshot_id

    script = DEPLOY / "publish-store.sh"
    volume = tmp_path / "volume"
    volume.mkdir()
    first = build_small_store(tmp_path / "first" / "selstats.duckdb")
    second = build_small_store(tmp_path / "second" / "selstats.duckdb")
    subprocess.run(
        [sys.executable, "-m", "selstats", "import", str(_update(tmp_path)), "--db", str(second)],
        check=True,
        capture_output=True,
    )
    link = volume / "selstats.duckdb"
    subprocess.run(["sh", str(script), str(first), str(volume), "1"], check=True)
    before = snapshot_id(link)
    assert link.is_symlink() and _results(link) == _results(first)
    old = volume / os.readlink(link)
    time.sleep(1.1)  # versions are named by the second
    done = subprocess.run(
        ["sh", str(script), str(second), str(volume), "1"], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    # the link names the new version: a reader stat-ing it sees another file
    assert snapshot_id(link) != before
    assert _results(link) == _results(first) + 1  # the update's one row (B23)
    # KEEP=1: the old version went once the link had moved; no temporary file is left
    assert not old.exists()
    assert sorted(p.name for p in volume.iterdir()) == sorted(
        ["selstats.duckdb", os.readlink(link)]
    )


def test_publishing_refuses_bad_arguments(tmp_path: Path) -> None:
    script = str(DEPLOY / "publish-store.sh")
    assert subprocess.run(["sh", script], capture_output=True).returncode == 2
    missing = subprocess.run(["sh", script, str(tmp_path / "no.duckdb"), str(tmp_path)])
    assert missing.returncode == 1
    store = build_small_store(tmp_path / "s.duckdb")
    assert subprocess.run(["sh", script, str(store), str(tmp_path), "0"]).returncode == 2
