#!/usr/bin/env bash
# Prepare this checkout: uv, the .venv with selstats and its dev tools, Debian's Chromium
# and nginx.
# Idempotent: a second run only checks and returns within a second or so.
# Works on a fresh Debian machine that has Python 3.11 (pip, venv); the Chromium and nginx
# step needs root (or sudo). Playwright's own browser download is never used: the e2e tests
# drive /usr/bin/chromium. nginx is the proxy of `selstats serve --workers N`, which runs
# it as its own child process with its own configuration (never as a system service).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

UV_VERSION="0.13.9"
VENV=".venv"
STAMP="$VENV/.selstats-lock.sha256"
CHROMIUM="/usr/bin/chromium"
NGINX="/usr/sbin/nginx"
START=$SECONDS

say() { printf 'setup: %s\n' "$*"; }
die() { printf 'setup: error: %s\n' "$*" >&2; exit 1; }

[ -f pyproject.toml ] && [ -f src/selstats/__init__.py ] ||
    die "$(pwd) is not a selstats checkout (scripts/setup.sh must stay in the repository)"

# Python >= 3.11 to create the venv with (and to install uv with, if needed).
PY=""
for candidate in python3.11 python3 python; do
    if command -v "$candidate" >/dev/null 2>&1 &&
        "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
        PY="$(command -v "$candidate")"
        break
    fi
done
[ -n "$PY" ] || die "Python 3.11 or newer not found (install python3, python3-pip, python3-venv)"

# 1. uv
if command -v uv >/dev/null 2>&1; then
    UV=(uv)
elif "$PY" -m uv --version >/dev/null 2>&1; then
    UV=("$PY" -m uv)
else
    say "installing uv==$UV_VERSION with pip"
    # Debian marks its Python as externally managed (PEP 668); uv is a self-contained
    # binary, so installing it next to the system packages is harmless.
    PIP_BREAK_SYSTEM_PACKAGES=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
        "$PY" -m pip install --quiet "uv==$UV_VERSION" ||
        die "could not install uv with '$PY -m pip' (is python3-pip installed?)"
    hash -r
    if command -v uv >/dev/null 2>&1; then
        UV=(uv)
    else
        UV=("$PY" -m uv) # installed with --user, outside PATH
    fi
fi

# 2. the virtual environment
if [ ! -x "$VENV/bin/python" ]; then
    say "creating $VENV with $PY"
    "${UV[@]}" venv --quiet --clear --python "$PY" "$VENV"
fi

# 3. selstats (editable) with the dev extras, at exactly the versions of uv.lock (the ones
#    the tests passed with), only when pyproject.toml or uv.lock changed. --locked: the lock
#    is used as it is, never re-resolved, and a pyproject.toml that no longer matches it
#    fails here (run `uv lock` and commit uv.lock). --compile-bytecode: uv, unlike pip,
#    writes no .pyc by default, and where PYTHONDONTWRITEBYTECODE is set (CI, containers)
#    every process would then compile pandas, altair and Streamlit from source at each
#    start: a server's first page took 13 s instead of 5 at scale L.
SYNC_FLAGS=(--quiet --locked --extra dev --compile-bytecode)
want="$( (cat pyproject.toml uv.lock && echo "${SYNC_FLAGS[*]}") | sha256sum | cut -d' ' -f1)"
have="$(cat "$STAMP" 2>/dev/null || true)"
if [ "$want" != "$have" ]; then
    say "installing selstats and its locked dependencies into $VENV"
    UV_PROJECT_ENVIRONMENT="$VENV" "${UV[@]}" sync "${SYNC_FLAGS[@]}" \
        --python "$VENV/bin/python" ||
        die "uv sync --locked failed (pyproject.toml changed without 'uv lock'?)"
    printf '%s\n' "$want" >"$STAMP"
fi
# selstats' own modules too (~0.4 s of every process start otherwise); a module changed
# since is recompiled in memory as usual.
"$VENV/bin/python" -m compileall -q src

# 4. Debian packages: Chromium for the end-to-end tests (Playwright's own browser download
#    cannot work here), nginx for `selstats serve --workers N`.
missing=()
[ -x "$CHROMIUM" ] || missing+=(chromium)
[ -x "$NGINX" ] || missing+=(nginx)
if [ ${#missing[@]} -gt 0 ]; then
    say "installing Debian's ${missing[*]} with apt-get"
    SUDO=()
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null 2>&1 ||
            die "${missing[*]} missing; as root run: apt-get update && apt-get install -y ${missing[*]}"
        SUDO=(sudo)
    fi
    export DEBIAN_FRONTEND=noninteractive
    "${SUDO[@]}" apt-get update -qq
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    [ -x "$CHROMIUM" ] || die "apt-get installed chromium but $CHROMIUM is still missing"
    [ -x "$NGINX" ] || die "apt-get installed nginx but $NGINX is still missing"
    # On a machine with systemd, Debian starts the package's own nginx on port 80 as a
    # service. selstats does not use it (it starts nginx itself): a fresh install is
    # switched off again.
    if [[ " ${missing[*]} " == *" nginx "* ]] && command -v systemctl >/dev/null 2>&1 &&
        systemctl is-active --quiet nginx 2>/dev/null; then
        say "stopping the nginx system service the package started (selstats runs its own)"
        "${SUDO[@]}" systemctl disable --now nginx >/dev/null 2>&1 || true
    fi
fi

say "ready ($((SECONDS - START)) s)"
