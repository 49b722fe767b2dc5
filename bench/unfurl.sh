#!/bin/sh
# Link-preview proof (issue 13): unfurl.js and metascraper against every article's reader page.
# Usage: bench/unfurl.sh [BASE_URL]   (without BASE_URL it starts bin/folio serve on a free port)
set -eu
cd "$(dirname "$0")/.."
SITE="Example News"
BASE="${1:-}"
if [ -z "$BASE" ]; then
  [ -x bin/folio ] || { echo "bin/folio missing: run make build" >&2; exit 2; }
  TMP=$(mktemp -d); PORT=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
  bin/folio serve -addr 127.0.0.1:$PORT -db "$TMP/folio.db" -site-name "$SITE" >"$TMP/serve.log" 2>&1 &
  PID=$!; trap 'kill $PID 2>/dev/null; rm -rf "$TMP"' EXIT
  BASE=http://127.0.0.1:$PORT
  for i in $(seq 50); do curl -fs "$BASE/api/articles" >/dev/null && break; sleep 0.2; done
fi
[ -d bench/unfurl/node_modules ] || (cd bench/unfurl && npm ci --ignore-scripts --no-audit --no-fund)
node bench/unfurl/check.mjs "$BASE" "$SITE"
