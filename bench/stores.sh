#!/usr/bin/env bash
# Store comparison: the SQLite and the PostgreSQL article stores on the same
# generated corpus (100,000 articles of ~300 words by default), Get, List,
# tag filter and full-text search, p50/p99 from one client, side by side.
#
#   bench/stores.sh                 # 100,000 articles, 2,000 calls per operation
#   N=10000 ITERS=500 bench/stores.sh
#
# It starts a throwaway PostgreSQL cluster (initdb as the postgres user when
# run as root) on a free 127.0.0.1 port with shared_buffers=512MB and
# fsync=off (a benchmark, not a database to keep; reads do not depend on
# it), runs bench/stores against it and a new SQLite file in a temporary
# directory, and removes both on exit.
set -euo pipefail
cd "$(dirname "$0")/.."

N=${N:-100000}
ITERS=${ITERS:-2000}

bindir=$(dirname "$(readlink -f "$(command -v initdb || ls -d /usr/lib/postgresql/*/bin/initdb | sort -V | tail -1)")")
dir=$(mktemp -d /tmp/folio-bench-stores.XXXXXX)
as_pg=()
if [ "$(id -u)" = 0 ]; then
	chown postgres: "$dir"
	as_pg=(runuser -u postgres --)
fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cleanup() {
	"${as_pg[@]}" "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
	rm -rf "$dir"
}
trap cleanup EXIT

"${as_pg[@]}" "$bindir/initdb" -D "$dir/data" -A trust -U folio -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
"${as_pg[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/log" -w \
	-o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c shared_buffers=512MB -c max_wal_size=4GB" start >/dev/null
"${as_pg[@]}" "$bindir/psql" -q -h 127.0.0.1 -p "$port" -U folio -d postgres -c "CREATE DATABASE bench"

go run ./bench/stores -n "$N" -iters "$ITERS" -pg "postgres://folio@127.0.0.1:$port/bench?sslmode=disable" -sqlite "$dir/bench.db"
