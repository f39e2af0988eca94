#!/bin/sh
# Publish a new store version to the directory the replicas read, atomically, keeping the
# last few versions:   deploy/publish-store.sh NEW.duckdb /data/store [KEEP]
#
# The directory ends up as
#   selstats-20260306T101500Z.duckdb      the versions, newest KEEP (default 3) kept
#   selstats.duckdb -> selstats-20260306T101500Z.duckdb
# The new version is copied in under a temporary name, then renamed (complete or absent,
# never half-written), then the link is switched with one rename. A replica sees the link
# point at a new file at its next query and opens it; queries running on the old version
# finish on it: the old file is not removed while it is among the KEEP newest. On a network
# file system (NFS) this matters: a file another client replaced in place can answer an open
# reader with "stale file handle"; a file that stays in place cannot.
#
# Use it where the store is built elsewhere (a writer machine, a CI job) or when the shared
# volume is a network file system. `selstats import --db` on the shared file itself also
# replaces it atomically (a private copy renamed over it), without keeping versions.
set -eu

usage() { echo "usage: $0 NEW.duckdb DIRECTORY [KEEP]" >&2; exit 2; }
[ $# -ge 2 ] && [ $# -le 3 ] || usage
new=$1
dir=$2
keep=${3:-3}
case $keep in '' | *[!0-9]* | 0) usage ;; esac
[ -f "$new" ] || { echo "$0: no file $new" >&2; exit 1; }
[ -d "$dir" ] || { echo "$0: no directory $dir" >&2; exit 1; }
if [ -e "$new.wal" ]; then
    echo "$0: $new.wal exists: checkpoint the store (close every writer) first" >&2
    exit 1
fi

stamp=$(date -u +%Y%m%dT%H%M%SZ)
version="selstats-$stamp.duckdb"
[ ! -e "$dir/$version" ] || { echo "$0: $dir/$version exists; try again in a second" >&2; exit 1; }

cp "$new" "$dir/.$version.tmp"
sync "$dir/.$version.tmp" 2>/dev/null || sync
mv "$dir/.$version.tmp" "$dir/$version"
ln -s "$version" "$dir/.selstats.duckdb.tmp"
mv -T "$dir/.selstats.duckdb.tmp" "$dir/selstats.duckdb"
echo "published $dir/$version"

# Versions beyond the KEEP newest (names sort by time).
ls "$dir" | grep -E '^selstats-[0-9]{8}T[0-9]{6}Z\.duckdb$' | sort -r | tail -n +"$((keep + 1))" |
    while read -r old; do
        rm -f "$dir/$old"
        echo "removed $dir/$old"
    done
