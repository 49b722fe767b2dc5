#!/usr/bin/env bash
# The cache-amplification attack, against the real server: each read path
# asked with one URL ("hit") and then with a query parameter it does not
# read, fresh on every request ("junk"), with wrk. Prints the server's CPU
# time per request for both and their ratio (the bound: junk ≤ 1.5× hit),
# then the resident memory after REQUESTS distinct junk URLs on a ~1 MB
# article (the bound: under -cache-size plus 100 MB).
#
#   bench/junk.sh                      # 5 s per run, 16 connections, 10,000 junk URLs for the memory check
#   DURATION=10s CONNS=64 bench/junk.sh
set -euo pipefail
DURATION=${DURATION:-5s}
CONNS=${CONNS:-16}
REQUESTS=${REQUESTS:-10000}
CACHE=${CACHE:-128MiB}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${FOLIO_BIN:-$ROOT/bin/folio}
for tool in wrk curl python3; do command -v $tool >/dev/null || { echo "junk.sh: $tool is missing" >&2; exit 1; }; done
[[ -x $BIN ]] || (cd "$ROOT" && make server)
TMP=$(mktemp -d)
PID=''
trap '[[ -n $PID ]] && kill $PID 2>/dev/null; rm -rf "$TMP"' EXIT
PORT=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
BASE=http://127.0.0.1:$PORT
"$BIN" serve -addr 127.0.0.1:$PORT -db "$TMP/f.db" -token t -rate-limit 0 -cache-size "$CACHE" >/dev/null 2>"$TMP/log" &
PID=$!
for _ in $(seq 100); do curl -fs "$BASE/healthz" >/dev/null && break; sleep 0.1; done
# A ~1 MB article.
python3 - "$BASE" <<'PY'
import json, sys, urllib.request
para = "<p>" + " ".join(["Folio keeps every article it serves in memory, compressed, once."] * 16) + "</p>\n"
body = {"slug": "big", "title": "A one-megabyte article", "author": "Bench", "tags": ["bench"], "html": para * (1_000_000 // len(para))}
req = urllib.request.Request(sys.argv[1] + "/api/articles", json.dumps(body).encode(), {"Content-Type": "application/json", "Authorization": "Bearer t"})
urllib.request.urlopen(req).read()
PY
SLUG=$(curl -fs "$BASE/api/articles?limit=100" | python3 -c 'import json,sys;print([a["slug"] for a in json.load(sys.stdin)["articles"] if a["slug"]!="big"][0])')
cpu() { awk '{print $14+$15}' /proc/$PID/stat; } # user+system, in clock ticks
TCK=$(getconf CLK_TCK)
cat > "$TMP/junk.lua" <<'LUA'
local n = 0
request = function()
  n = n + 1
  local p = wrk.path
  local sep = string.find(p, "?", 1, true) and "&" or "?"
  return wrk.format("GET", p .. sep .. "junk=" .. n .. "-" .. math.random(1e9))
end
LUA
run() { # url mode → cpu µs per request
  local before after reqs
  before=$(cpu)
  if [[ $2 == junk ]]; then out=$(wrk -t2 -c$CONNS -d$DURATION -H 'Accept-Encoding: gzip' -s "$TMP/junk.lua" "$1"); else out=$(wrk -t2 -c$CONNS -d$DURATION -H 'Accept-Encoding: gzip' "$1"); fi
  after=$(cpu)
  reqs=$(echo "$out" | awk '/requests in/ {print $1}')
  python3 -c "print(f'{($after-$before)/$TCK/$reqs*1e6:.1f} {$reqs}')"
}
printf '| path | hit cpu/req (µs) | junk cpu/req (µs) | junk/hit | junk requests |\n| --- | ---: | ---: | ---: | ---: |\n'
for p in "/a/$SLUG" "/" "/embed/$SLUG" "/oembed?url=$(python3 -c "import urllib.parse;print(urllib.parse.quote('$BASE/a/$SLUG'))")" "/api/articles" "/feed.atom" "/feed.json"; do
  read -r hit _ < <(run "$BASE$p" hit)
  read -r junk n < <(run "$BASE$p" junk)
  printf '| `%s` | %s | %s | %s× | %s |\n' "${p%%\?*}" "$hit" "$junk" "$(python3 -c "print(f'{$junk/$hit:.2f}')")" "$n"
done
rss() { awk '/VmRSS/ {print int($2/1024)}' /proc/$PID/status; }
curl -fs -o /dev/null "$BASE/a/big"
before=$(rss)
wrk -t2 -c$CONNS -d30s -H 'Accept-Encoding: gzip' -s <(sed "s/^request = function()/request = function() if n >= $REQUESTS then return wrk.format('GET', '\/healthz') end/" "$TMP/junk.lua") "$BASE/a/big" >/dev/null
echo
echo "resident memory: ${before} MB before, $(rss) MB after $REQUESTS+ distinct junk URLs on /a/big (~1 MB article; -cache-size $CACHE)"
