#!/bin/sh
# The container's entry point: `selstats serve` (one Streamlit process, warmed up while it
# starts) on the store mounted read-only at $SELSTATS_STORE.
#
# Why the link: the dashboard appends its audit log (logins, downloads) to
# `<store path>.audit.jsonl`, next to the path it is given (selstats.access.audit). The
# store's directory is read-only here, so the app is given a path in a writable directory,
# $SELSTATS_STATE_DIR, that links to the store. The link is followed at every query (the
# app stats the path), so a new version the writer moved into place on the shared volume
# is picked up as before.
set -eu

: "${SELSTATS_STORE:=/data/store/selstats.duckdb}"
: "${SELSTATS_STATE_DIR:=/var/lib/selstats}"

link="$SELSTATS_STATE_DIR/selstats.duckdb"
mkdir -p "$SELSTATS_STATE_DIR"
if [ "$(readlink "$link" 2>/dev/null || true)" != "$SELSTATS_STORE" ]; then
    ln -sfn "$SELSTATS_STORE" "$link"
fi
if [ ! -e "$SELSTATS_STORE" ]; then
    echo "selstats: no store at $SELSTATS_STORE yet; the dashboard says so until one arrives" >&2
fi
export SELSTATS_DB="$link"

exec python -m selstats serve "$@"
