"""Streamlit's options as `selstats serve --workers N` reads them: the public port and
address go to nginx, everything else to every worker."""

from __future__ import annotations

from pathlib import Path

from selstats.serving.options import (
    option_value,
    serve_options,
    without_options,
    worker_environment,
)


def _toml(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_both_spellings_and_the_last_one_wins() -> None:
    options = ["--server.port", "8600", "--theme.base=dark", "--server.port=8700"]
    assert option_value(options, "server.port") == "8700"
    assert option_value(options, "theme.base") == "dark"
    assert option_value(options, "server.address") is None
    assert option_value(["--server.port"], "server.port") is None  # no value after it


def test_the_workers_get_everything_but_the_public_port_and_address(tmp_path: Path) -> None:
    options = [
        "--server.port", "8600",
        "--server.address=0.0.0.0",
        "--server.maxUploadSize", "50",
        "--theme.base", "dark",
    ]  # fmt: skip
    parsed = serve_options(options, environ={}, config_toml=_toml(tmp_path, ""))
    assert (parsed.address, parsed.port, parsed.max_upload_mb) == ("0.0.0.0", 8600, 50)
    assert parsed.worker_options == ("--server.maxUploadSize", "50", "--theme.base", "dark")
    assert without_options(["--a", "1", "--b=2", "--c", "3"], "a", "b") == ["--c", "3"]


def test_command_line_then_environment_then_config_file_then_default(tmp_path: Path) -> None:
    toml = _toml(tmp_path, "[server]\nport = 8800\nmaxUploadSize = 20\nbaseUrlPath = '/sel/'\n")
    env = {"STREAMLIT_SERVER_PORT": "8900", "STREAMLIT_SERVER_MAX_UPLOAD_SIZE": "30"}
    assert serve_options(["--server.port", "8600"], env, toml).port == 8600
    assert serve_options([], env, toml).port == 8900
    assert serve_options([], env, toml).max_upload_mb == 30
    assert serve_options([], {}, toml).port == 8800
    assert serve_options([], {}, toml).max_upload_mb == 20
    assert serve_options([], {}, toml).base_url_path == "sel"
    nothing = serve_options([], {}, _toml(tmp_path, "[server]\nheadless = true\n"))
    assert (nothing.port, nothing.max_upload_mb, nothing.address) == (8501, 200, "")


def test_the_projects_config_sets_the_upload_limit() -> None:
    # .streamlit/config.toml: maxUploadSize = 200 (imports); nginx must let that through
    assert serve_options([], environ={}).max_upload_mb == 200


def test_the_workers_share_one_cookie_secret_unless_one_is_configured(tmp_path: Path) -> None:
    name = "STREAMLIT_SERVER_COOKIE_SECRET"
    toml = _toml(tmp_path, "")
    env = worker_environment([], {"HOME": "/x"}, toml)
    assert env["HOME"] == "/x"
    assert len(env[name]) == 64  # 32 random bytes, hex: the same dict goes to every worker
    assert worker_environment([], {}, toml)[name] != env[name]  # random per supervisor
    assert worker_environment([], {name: "set"}, toml)[name] == "set"
    assert name not in worker_environment(["--server.cookieSecret", "mine"], {}, toml)
    configured = _toml(tmp_path, "[server]\ncookieSecret = 'x'\n")
    assert name not in worker_environment([], {}, configured)
