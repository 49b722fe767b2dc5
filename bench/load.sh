#!/usr/bin/env bash
# Load comparison: Folio against nginx serving the very same bytes as static
# files, on this machine, in one run.
#
#   bench/load.sh                 # uses bin/folio (built if missing), 10 s per run
#   DURATION=5s CONNS=32 bench/load.sh
#
# It starts `folio serve` on a free 127.0.0.1 port with a temporary database
# (the bundled sample articles), saves the exact bodies (plain and gzip) of
# GET /embed/{slug} and GET /api/articles/{slug}, starts nginx (worker_processes
# 2, access_log off, daemon off, gzip_static) on another free port serving
# those files, and bench/static, a bare net/http server holding the same
# files in memory: the most a Go handler can do here. Then it runs
# `wrk -t2 -c$CONNS -d$DURATION --latency` against each path on each server,
# prints req/s, p50, p99 and errors with the ratio to nginx, and stops every
# server it started. It also prints the bytes on the wire of one embedded
# card.
set -euo pipefail

DURATION=${DURATION:-10s}
CONNS=${CONNS:-64}
THREADS=${THREADS:-2}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${FOLIO_BIN:-$ROOT/bin/folio}
NGINX=${NGINX:-/usr/sbin/nginx}

for tool in wrk curl "$NGINX"; do
  command -v "$tool" >/dev/null || { echo "load.sh: $tool is missing" >&2; exit 1; }
done
if [[ ! -x $BIN ]]; then
  echo "building $BIN" >&2
  (cd "$ROOT" && go build -trimpath -o "$BIN" .)
fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/folio-load.XXXXXX")
FOLIO_PID='' NGINX_PID='' STATIC_PID=''
cleanup() {
  for pid in $FOLIO_PID $NGINX_PID $STATIC_PID; do
    kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  done
  rm -rf "$TMP"
}
trap cleanup EXIT INT TERM

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Folio, with its request log discarded as nginx's access log is off.
"$BIN" serve -addr 127.0.0.1:0 -db "$TMP/folio.db" >"$TMP/folio.out" 2>/dev/null &
FOLIO_PID=$!
for _ in $(seq 100); do
  grep -q 'listening on' "$TMP/folio.out" 2>/dev/null && break
  sleep 0.1
done
FOLIO=$(sed -n 's/^folio: listening on //p' "$TMP/folio.out")
[[ -n $FOLIO ]] || { echo "load.sh: folio did not start" >&2; exit 1; }
SLUG=$(curl -fsS "$FOLIO/api/articles?limit=1" | sed -n 's/.*"slug":"\([^"]*\)".*/\1/p' | head -1)
[[ -n $SLUG ]] || { echo "load.sh: no article to load" >&2; exit 1; }
PATHS=("/embed/$SLUG" "/api/articles/$SLUG")

# The same bytes, as static files.
WWW=$TMP/www
mkdir -p "$WWW/embed" "$WWW/api/articles" "$TMP/nginx-tmp"
curl -fsS -o "$WWW/embed/$SLUG" "$FOLIO/embed/$SLUG"
curl -fsS -H 'Accept-Encoding: gzip' -o "$WWW/embed/$SLUG.gz" "$FOLIO/embed/$SLUG"
curl -fsS -o "$WWW/api/articles/$SLUG" "$FOLIO/api/articles/$SLUG"
curl -fsS -H 'Accept-Encoding: gzip' -o "$WWW/api/articles/$SLUG.gz" "$FOLIO/api/articles/$SLUG"
chmod -R a+rX "$TMP"

NPORT=$(free_port)
cat >"$TMP/nginx.conf" <<EOF
worker_processes 2;
daemon off;
pid $TMP/nginx.pid;
error_log $TMP/nginx-error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $TMP/nginx-tmp/body;
  proxy_temp_path $TMP/nginx-tmp/proxy;
  fastcgi_temp_path $TMP/nginx-tmp/fastcgi;
  uwsgi_temp_path $TMP/nginx-tmp/uwsgi;
  scgi_temp_path $TMP/nginx-tmp/scgi;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  types { }
  server {
    listen 127.0.0.1:$NPORT;
    root $WWW;
    location /embed/ { default_type "text/html; charset=utf-8"; gzip_static on; }
    location /api/ { default_type "application/json; charset=utf-8"; gzip_static on; }
  }
}
EOF
"$NGINX" -c "$TMP/nginx.conf" -p "$TMP" 2>>"$TMP/nginx-error.log" &
NGINX_PID=$!
NGINX_URL=http://127.0.0.1:$NPORT
for _ in $(seq 100); do
  curl -fsS -o /dev/null "$NGINX_URL/embed/$SLUG" 2>/dev/null && break
  sleep 0.1
done

# The Go ceiling: the same files from a bare net/http handler.
(cd "$ROOT" && go build -o "$TMP/static" ./bench/static)
"$TMP/static" "$WWW" >"$TMP/static.out" 2>&1 &
STATIC_PID=$!
for _ in $(seq 100); do
  grep -q 'listening on' "$TMP/static.out" 2>/dev/null && break
  sleep 0.1
done
STATIC_URL=$(sed -n 's/^listening on //p' "$TMP/static.out")

for p in "${PATHS[@]}"; do
  for enc in identity gzip; do
    want=$(curl -fsS -H "Accept-Encoding: $enc" "$FOLIO$p" | sha256sum)
    for u in "$NGINX_URL" "$STATIC_URL"; do
      [[ $(curl -fsS -H "Accept-Encoding: $enc" "$u$p" | sha256sum) == "$want" ]] ||
        { echo "load.sh: $u does not serve the same bytes as Folio for $p ($enc)" >&2; cat "$TMP/nginx-error.log" >&2; exit 1; }
    done
  done
done

echo "Bytes on the wire for one embedded card ($SLUG), image excluded:"
for enc in identity gzip br; do
  read -r page ph < <(curl -fsS -o /dev/null -H "Accept-Encoding: $enc" -w '%{size_download} %{size_header}\n' "$FOLIO/embed/$SLUG")
  read -r js jh < <(curl -fsS -o /dev/null -H "Accept-Encoding: $enc" -w '%{size_download} %{size_header}\n' "$FOLIO/embed.js")
  printf '  %-8s card page %5d B + embed.js %5d B = %5d B of bodies; %5d B with response headers\n' \
    "$enc" "$page" "$js" $((page + js)) $((page + js + ph + jh))
done
echo

# run NAME URL [HEADER]: one wrk run; prints "rps p50 p99 errors".
run() {
  local out
  if [[ -n ${3:-} ]]; then
    out=$(wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency -H "$3" "$2")
  else
    out=$(wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency "$2")
  fi
  echo "$out" >"$TMP/wrk-$1.txt"
  awk '
    /Requests\/sec:/ { rps = $2 }
    $1 == "50%" { p50 = $2 }
    $1 == "99%" { p99 = $2 }
    /Non-2xx or 3xx responses:/ { non2xx = $NF }
    /Socket errors:/ { gsub(",", ""); sock = $4 + $6 + $8 + $10 }
    END { printf "%s %s %s %d\n", rps, p50, p99, non2xx + sock }
  ' <<<"$out"
}

echo "wrk -t$THREADS -c$CONNS -d$DURATION on 127.0.0.1; $(nproc) CPUs shared by wrk and the server; load average $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-30s %-8s %-7s %11s %9s %9s %7s %9s\n' path encoding server req/s p50 p99 errors vs-nginx
row() { # path encoding-header label
  local p=$1 hdr=$2 label=$3 short=$1 nrps
  ((${#short} > 30)) && short="${short:0:27}..."
  read -r nrps np50 np99 nerr <<<"$(run nginx "$NGINX_URL$p" "$hdr")"
  for server in folio go-min; do
    local url=$FOLIO
    [[ $server == go-min ]] && url=$STATIC_URL
    read -r rps p50 p99 err <<<"$(run "$server" "$url$p" "$hdr")"
    printf '%-30s %-8s %-7s %11s %9s %9s %7s %8sx\n' "$short" "$label" "$server" "$rps" "$p50" "$p99" "$err" \
      "$(awk -v a="$rps" -v b="$nrps" 'BEGIN { printf "%.2f", a / b }')"
    short='' label=''
  done
  printf '%-30s %-8s %-7s %11s %9s %9s %7s %9s\n' "" "" nginx "$nrps" "$np50" "$np99" "$nerr" ""
}
row "/embed/$SLUG" "" identity
row "/embed/$SLUG" "Accept-Encoding: gzip" gzip
row "/api/articles/$SLUG" "" identity
