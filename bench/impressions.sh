#!/usr/bin/env bash
# Embed impressions through Varnish while articles are edited: how many
# requests reach Folio. One `folio serve` (purging Varnish on every write,
# -purge varnish=…) behind varnishd with deploy/varnish.vcl; ARTICLES
# articles; wrk asks for REQUESTS card pages (/embed/{slug}, each picked at
# random, a few with a random partner query string the VCL strips) while a
# client edits a random article every EDIT_EVERY seconds through the API.
# Prints the requests wrk made, those that reached Folio (its request log)
# and the share.
#
#   bench/impressions.sh                        # 1,000,000 impressions over 1,000 articles
#   REQUESTS=200000 bench/impressions.sh        # a quicker look
set -euo pipefail
REQUESTS=${REQUESTS:-1000000}
ARTICLES=${ARTICLES:-1000}
EDIT_EVERY=${EDIT_EVERY:-0.1}
CONNS=${CONNS:-64}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${FOLIO_BIN:-$ROOT/bin/folio}
for tool in wrk curl python3 /usr/sbin/varnishd; do command -v $tool >/dev/null || { echo "impressions.sh: $tool is missing" >&2; exit 1; }; done
[[ -x $BIN ]] || (cd "$ROOT" && make server)
TMP=$(mktemp -d)
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill $p 2>/dev/null; done; rm -rf "$TMP"' EXIT
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
FPORT=$(free_port) VPORT=$(free_port)
EDGE=http://127.0.0.1:$VPORT ORIGIN=http://127.0.0.1:$FPORT
"$BIN" serve -addr 127.0.0.1:$FPORT -db "$TMP/f.db" -token t -rate-limit 0 -samples=false -base-url "$EDGE" -purge "varnish=$EDGE/" >/dev/null 2>"$TMP/folio.log" &
PIDS+=($!)
for _ in $(seq 100); do curl -fs "$ORIGIN/healthz" >/dev/null && break; sleep 0.1; done
mkdir -p "$TMP/v"
cp "$ROOT/deploy/varnish.vcl" "$TMP/v/"
sed "s/\"8080\"/\"$FPORT\"/" "$ROOT/deploy/backends.vcl" >"$TMP/v/backends.vcl"
/usr/sbin/varnishd -F -j none -n "$TMP/v/n" -a 127.0.0.1:$VPORT -f "$TMP/v/varnish.vcl" -s malloc,512m -p thread_pool_min=50 >"$TMP/varnish.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 100); do curl -fs "$EDGE/healthz" >/dev/null && break; sleep 0.1; done
python3 - "$ORIGIN" "$ARTICLES" <<'PY'
import json, sys, urllib.request
base, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    body = {"slug": f"story-{i}", "title": f"Story {i}", "author": "Bench", "tags": ["bench"],
            "html": "<p>" + " ".join(["An embedded story, read on partner sites."] * 30) + "</p>"}
    req = urllib.request.Request(base + "/api/articles", json.dumps(body).encode(), {"Content-Type": "application/json", "Authorization": "Bearer t"})
    urllib.request.urlopen(req).read()
PY
before=$(grep -c 'path=/embed/' "$TMP/folio.log" || true)
# The edits: a random article every EDIT_EVERY seconds, through Folio.
python3 - "$ORIGIN" "$ARTICLES" "$EDIT_EVERY" >"$TMP/edits" <<'PY' &
import json, random, sys, time, urllib.request
base, n, every = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
edits = 0
try:
    while True:
        i = random.randrange(n)
        body = {"title": f"Story {i}, edit {edits}", "html": f"<p>Edited {edits} times.</p>", "tags": ["bench"]}
        req = urllib.request.Request(f"{base}/api/articles/story-{i}", json.dumps(body).encode(), {"Content-Type": "application/json", "Authorization": "Bearer t"}, method="PUT")
        urllib.request.urlopen(req).read()
        edits += 1
        print(edits, flush=True)
        time.sleep(every)
except KeyboardInterrupt:
    pass
PY
EDITOR=$!
PIDS+=($EDITOR)
cat >"$TMP/imp.lua" <<LUA
math.randomseed(os.time())
local n, limit, sent = $ARTICLES, $REQUESTS, 0
local per = math.ceil(limit / $CONNS)
local count = 0
request = function()
  local i = math.random(0, n - 1)
  local q = ""
  if math.random() < 0.1 then q = "?utm_source=partner" .. math.random(1, 1000) end
  return wrk.format("GET", "/embed/story-" .. i .. q)
end
LUA
# wrk runs for a duration, not a count: run it until REQUESTS are made.
made=0
while ((made < REQUESTS)); do
  out=$(wrk -t2 -c$CONNS -d10s -H 'Accept-Encoding: gzip' -s "$TMP/imp.lua" "$EDGE/")
  n=$(echo "$out" | awk '/requests in/ {print $1}')
  errs=$(echo "$out" | awk '/Non-2xx/ {print $NF}')
  [[ -n $errs ]] && { echo "impressions.sh: $errs non-2xx answers" >&2; echo "$out" >&2; exit 1; }
  made=$((made + n))
done
kill $EDITOR 2>/dev/null || true
edits=$(tail -1 "$TMP/edits" 2>/dev/null || echo 0)
sleep 0.2
after=$(grep -c 'path=/embed/' "$TMP/folio.log" || true)
reached=$((after - before))
python3 -c "print(f'{$made:,} embed impressions over {$ARTICLES:,} articles through Varnish, {$edits:,} edits meanwhile: {$reached:,} reached Folio ({$reached/$made*100:.2f}%)')"
