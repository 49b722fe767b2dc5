#!/usr/bin/env bash
# Load comparison: Folio against nginx serving the very same bytes as static
# files, on this machine, in one run.
#
#   bench/load.sh                                  # 5 paths x 64 and 256 connections x 30 s x 2 servers (~10 min)
#   DURATION=5s CONNS=64 bench/load.sh             # a quick look
#   PATHS="embed oembed" bench/load.sh             # some of the paths only
#   ENCODING=identity bench/load.sh                # ask for uncompressed bodies
#   CEILING=1 bench/load.sh                        # also a bare net/http server of the same bytes
#   EDGE=1 PATHS="embed reader" bench/load.sh      # Folio behind Varnish (deploy/varnish.vcl) against nginx
#   ROUNDS=3 DURATION=10s bench/load.sh            # 3 alternating rounds a row, medians (for a noisy machine)
#
# It starts `folio serve` on a free 127.0.0.1 port with a temporary database
# (the bundled sample articles), saves the exact bodies Folio sends for the
# paths below (plain, and gzip when Folio compresses the path), with their
# Content-Type, and starts nginx (2 workers, access_log off, daemon off) on
# another free 127.0.0.1 port serving those files with gzip_static. It
# checks that both servers send the same bytes, then runs
# `wrk -t$THREADS -c$CONNS -d$DURATION --latency` against each path on
# Folio and then on nginx, for each connection count, and prints one table
# row per path and count. wrk sends "Accept-Encoding: gzip" (ENCODING), as
# a CDN or browser does. With CEILING=1 it also runs bench/static, the same
# bytes from a bare net/http handler: the most a Go server can do here.
#
# Folio's request log (one line per request) goes to /dev/null; nginx's
# access log is off. The script exits non-zero if Folio answered any
# request with an error (non-2xx/3xx status, socket error or timeout).
# Every wrk run is bounded by `timeout`; every server it started is
# stopped on exit.
#
# Columns: path and wrk connections; then for Folio and for nginx req/s,
# p50 and p99 latency, and cpu/req, the server's own CPU time per request
# in microseconds (user + system, all its processes: it is not skewed by
# other load on the machine as req/s is); Folio's errors; ratio, Folio's
# req/s over nginx's; cpu-ratio, nginx's cpu/req over Folio's (1 would be
# as frugal as nginx).
set -euo pipefail

DURATION=${DURATION:-30s}
CONNS=${CONNS:-64 256}
THREADS=${THREADS:-2}
ROUNDS=${ROUNDS:-1}
ENCODING=${ENCODING:-gzip}
PATHS=${PATHS:-article list embed reader oembed}
CEILING=${CEILING:-0}
EDGE=${EDGE:-0}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${FOLIO_BIN:-$ROOT/bin/folio}
NGINX=${NGINX:-/usr/sbin/nginx}

for tool in wrk curl python3 timeout "$NGINX"; do
  command -v "$tool" >/dev/null || { echo "load.sh: $tool is missing" >&2; exit 1; }
done
[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || { echo "load.sh: ROUNDS must be a whole number from 1, not $ROUNDS" >&2; exit 1; }
[[ $DURATION =~ ^[0-9]+[sm]?$ ]] || { echo "load.sh: DURATION must be like 30s or 2m, not $DURATION" >&2; exit 1; }
secs=${DURATION%[sm]}
[[ $DURATION == *m ]] && secs=$((secs * 60))
WRK_TIMEOUT=$((secs + 30)) # wrk never runs longer than this
if [[ ! -x $BIN ]]; then
  echo "building $BIN" >&2
  (cd "$ROOT" && go build -trimpath -o "$BIN" .)
fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/folio-load.XXXXXX")
FOLIO_PID='' NGINX_PID='' STATIC_PID='' VARNISH_PID=''
cleanup() {
  for pid in $FOLIO_PID $NGINX_PID $STATIC_PID $VARNISH_PID; do
    kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  done
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_for URL: until it answers, for at most 10 s.
wait_for() {
  for _ in $(seq 100); do
    curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "load.sh: $1 does not answer" >&2
  return 1
}

# Folio, its request log discarded as nginx's access log is off. Behind
# Varnish (EDGE=1) it purges Varnish, as deployed: only then does it tag
# its responses, and the VCL keeps only what is tagged.
PURGE=()
if [[ $EDGE == 1 ]]; then
  VPORT=$(free_port)
  PURGE=(-purge "varnish=http://127.0.0.1:$VPORT/")
fi
"$BIN" serve -addr 127.0.0.1:0 -db "$TMP/folio.db" "${PURGE[@]}" >"$TMP/folio.out" 2>/dev/null &
FOLIO_PID=$!
for _ in $(seq 100); do
  grep -q 'listening on' "$TMP/folio.out" 2>/dev/null && break
  sleep 0.1
done
FOLIO=$(sed -n 's/^folio: listening on //p' "$TMP/folio.out")
[[ $FOLIO == http://127.0.0.1:* ]] || { echo "load.sh: folio did not start on 127.0.0.1" >&2; exit 1; }
SLUG=$(curl -fsS "$FOLIO/api/articles?limit=1" | sed -n 's/.*"slug":"\([^"]*\)".*/\1/p' | head -1)
[[ -n $SLUG ]] || { echo "load.sh: no article to load" >&2; exit 1; }
OEMBED_URL=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$FOLIO/a/$SLUG")

declare -A PATH_OF=(
  [article]="/api/articles/$SLUG"
  [list]="/api/articles"
  [embed]="/embed/$SLUG"
  [reader]="/a/$SLUG"
  [oembed]="/oembed?url=$OEMBED_URL"
)
SELECTED=()
for name in $PATHS; do
  [[ -n ${PATH_OF[$name]:-} ]] || { echo "load.sh: unknown path name $name (article list embed reader oembed)" >&2; exit 1; }
  SELECTED+=("${PATH_OF[$name]}")
done

# The same bytes, as static files: www/N (and www/N.gz when Folio
# compresses), one nginx exact-match location per path with Folio's
# Content-Type. nginx ignores the query string of /oembed?url=….
WWW=$TMP/www
mkdir -p "$WWW" "$TMP/nginx-tmp"
LOCATIONS=''
i=0
for p in "${SELECTED[@]}"; do
  i=$((i + 1))
  curl -fsS -D "$TMP/h$i" -o "$WWW/$i" "$FOLIO$p"
  ctype=$(tr -d '\r' <"$TMP/h$i" | sed -n 's/^[Cc]ontent-[Tt]ype: //p')
  [[ -n $ctype && $ctype != *[\"\\{}]* ]] || { echo "load.sh: $p: no usable Content-Type ($ctype)" >&2; exit 1; }
  curl -fsS -D "$TMP/hz$i" -H 'Accept-Encoding: gzip' -o "$TMP/body$i" "$FOLIO$p"
  if tr -d '\r' <"$TMP/hz$i" | grep -qi '^content-encoding: gzip$'; then
    mv "$TMP/body$i" "$WWW/$i.gz"
  fi
  LOCATIONS+="    location = ${p%%\?*} { alias $WWW/$i; default_type \"$ctype\"; gzip_static on; }
"
done
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
$LOCATIONS  }
}
EOF
"$NGINX" -c "$TMP/nginx.conf" -p "$TMP" 2>>"$TMP/nginx-error.log" &
NGINX_PID=$!
NGINX_URL=http://127.0.0.1:$NPORT
wait_for "$NGINX_URL${SELECTED[0]}" || { cat "$TMP/nginx-error.log" >&2; exit 1; }

if [[ $EDGE == 1 ]]; then
  # Varnish in front of Folio, with the shipped VCL; the "folio" column is
  # then Folio through Varnish, and its CPU Varnish's plus Folio's.
  FOLIO_PORT=${FOLIO##*:}
  mkdir -p "$TMP/varnish"
  cp "$ROOT/deploy/varnish.vcl" "$TMP/varnish/"
  sed "s/\"8080\"/\"$FOLIO_PORT\"/" "$ROOT/deploy/backends.vcl" >"$TMP/varnish/backends.vcl"
  /usr/sbin/varnishd -F -j none -n "$TMP/varnish/n" -a 127.0.0.1:$VPORT -f "$TMP/varnish/varnish.vcl" -s malloc,256m \
    -p thread_pool_min=50 >"$TMP/varnish.log" 2>&1 &
  VARNISH_PID=$!
  wait_for "http://127.0.0.1:$VPORT/healthz" || { cat "$TMP/varnish.log" >&2; exit 1; }
  DIRECT_FOLIO=$FOLIO DIRECT_PID=$FOLIO_PID
  FOLIO=http://127.0.0.1:$VPORT FOLIO_PID=$VARNISH_PID
  for p in "${SELECTED[@]}"; do # warm, then check that Varnish answers from its cache
    curl -fsS -o /dev/null -H "Accept-Encoding: $ENCODING" "$FOLIO$p"
    curl -fsS -D - -o /dev/null -H "Accept-Encoding: $ENCODING" "$FOLIO$p" | tr -d '\r' | grep -qi '^x-cache: HIT$' ||
      { echo "load.sh: Varnish does not cache $p" >&2; exit 1; }
  done
fi

SERVERS=(folio nginx)
if [[ $CEILING == 1 ]]; then
  # The Go ceiling: the same files from a bare net/http handler.
  mkdir -p "$TMP/static-www"
  i=0
  for p in "${SELECTED[@]}"; do
    i=$((i + 1))
    printf '%s\t%s\t%s\n' "${p%%\?*}" "$WWW/$i" \
      "$(tr -d '\r' <"$TMP/h$i" | sed -n 's/^[Cc]ontent-[Tt]ype: //p')" >>"$TMP/static.map"
  done
  (cd "$ROOT" && go build -o "$TMP/static" ./bench/static)
  "$TMP/static" "$TMP/static.map" >"$TMP/static.out" 2>&1 &
  STATIC_PID=$!
  for _ in $(seq 100); do
    grep -q 'listening on' "$TMP/static.out" 2>/dev/null && break
    sleep 0.1
  done
  STATIC_URL=$(sed -n 's/^listening on //p' "$TMP/static.out")
  [[ $STATIC_URL == http://127.0.0.1:* ]] || { echo "load.sh: bench/static did not start" >&2; exit 1; }
  SERVERS+=(go-min)
fi

url_of() {
  case $1 in
  folio) echo "$FOLIO" ;;
  nginx) echo "$NGINX_URL" ;;
  go-min) echo "$STATIC_URL" ;;
  esac
}

# Every server must send Folio's bytes, plain and compressed.
for p in "${SELECTED[@]}"; do
  for enc in identity gzip; do
    want=$(curl -fsS -H "Accept-Encoding: $enc" "$FOLIO$p" | sha256sum)
    for s in "${SERVERS[@]:1}"; do
      got=$(curl -fsS -H "Accept-Encoding: $enc" "$(url_of "$s")$p" | sha256sum)
      [[ $got == "$want" ]] ||
        { echo "load.sh: $s does not send the same bytes as Folio for $p ($enc)" >&2; cat "$TMP/nginx-error.log" >&2; exit 1; }
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
echo "Bodies per path (Accept-Encoding: $ENCODING):"
for p in "${SELECTED[@]}"; do
  printf '  %-40s %6d B\n' "${p:0:40}" "$(curl -fsS -o /dev/null -H "Accept-Encoding: $ENCODING" -w '%{size_download}' "$FOLIO$p")"
done
echo

# cpu_ticks PID: CPU time (user + system, in clock ticks) used so far by
# the process and its children (nginx's workers).
cpu_ticks() {
  local sum=0 pid f
  for pid in $1 $(pgrep -P "$1" || true); do
    read -r -a f <"/proc/$pid/stat" 2>/dev/null || continue
    sum=$((sum + f[13] + f[14])) # utime, stime; the name field has no spaces here
  done
  echo "$sum"
}
TICK=$(getconf CLK_TCK)

# run NAME PID CONNS URL: one wrk run against the server NAME (process
# PID); prints "rps p50 p99 errors cpu", cpu being the server's CPU time
# per request in microseconds.
run() {
  local out hdr=() before after
  [[ $ENCODING != identity ]] && hdr=(-H "Accept-Encoding: $ENCODING")
  local extra_pid=''
  [[ $1 == folio && -n ${DIRECT_PID:-} ]] && extra_pid=$DIRECT_PID # Folio behind Varnish
  before=$(cpu_ticks "$2")
  [[ -n $extra_pid ]] && before=$((before + $(cpu_ticks "$extra_pid")))
  out=$(timeout -k 5 "$WRK_TIMEOUT" wrk -t"$THREADS" -c"$3" -d"$DURATION" --latency "${hdr[@]}" "$4") ||
    { echo "load.sh: wrk failed or overran against $4" >&2; return 1; }
  after=$(cpu_ticks "$2")
  [[ -n $extra_pid ]] && after=$((after + $(cpu_ticks "$extra_pid")))
  printf '== %s -c%s %s\n%s\n' "$1" "$3" "$4" "$out" >>"$TMP/wrk.txt"
  awk -v ticks=$((after - before)) -v hz="$TICK" '
    / requests in / { n = $1 }
    /Requests\/sec:/ { rps = $2 }
    $1 == "50%" { p50 = $2 }
    $1 == "99%" { p99 = $2 }
    /Non-2xx or 3xx responses:/ { non2xx = $NF }
    /Socket errors:/ { gsub(",", ""); sock = $4 + $6 + $8 + $10 }
    END {
      if (rps == "" || n == 0) exit 1
      printf "%s %s %s %d %.1f\n", rps, p50, p99, non2xx + sock, ticks / hz * 1e6 / n
    }
  ' <<<"$out" || { echo "load.sh: could not read wrk's report:" >&2; echo "$out" >&2; return 1; }
}

# median FIELD ROW...: the median of the rows' FIELDth fields (the lower
# middle one for an even count); latencies keep their units ("1.2ms") and
# sort by their value in microseconds.
median() {
  local field=$1
  shift
  printf '%s\n' "$@" | awk -v f="$field" '{
      v = $f; us = v
      if (v ~ /us$/) { sub(/us$/, "", us) } else if (v ~ /ms$/) { sub(/ms$/, "", us); us *= 1000 } else if (v ~ /s$/) { sub(/s$/, "", us); us *= 1e6 }
      print us + 0, v
    }' | sort -g | awk '{ a[NR] = $2 } END { print a[int((NR + 1) / 2)] }'
}

echo "wrk -t$THREADS -d$DURATION --latency -H 'Accept-Encoding: $ENCODING' on 127.0.0.1; $(nproc) CPUs shared by wrk, the servers and anything else running; load average $(cut -d' ' -f1-3 /proc/loadavg) at the start$( ((ROUNDS > 1)) && echo "; each row the medians of $ROUNDS rounds, Folio and nginx in alternating order")"
echo "cpu/req: the server's CPU time per request (user + system, all its processes), in microseconds"
header='%-40s %5s | %9s %9s %9s %6s %7s | %9s %9s %9s %7s | %5s %9s'
line='%-40s %5s | %9s %9s %9s %6s %7s | %9s %9s %9s %7s | %4sx %8sx'
extra_h='' extra_l='' extra=()
titles=(path conns 'folio r/s' p50 p99 errors cpu/req 'nginx r/s' p50 p99 cpu/req ratio cpu-ratio)
if [[ $CEILING == 1 ]]; then
  extra_h=' | %10s %7s %5s' extra_l=' | %10s %7s %4sx'
  titles+=('go-min r/s' cpu/req ratio)
fi
# shellcheck disable=SC2059
printf "$header$extra_h\n" "${titles[@]}"
folio_errors=0
for p in "${SELECTED[@]}"; do
  short=$p
  ((${#short} > 40)) && short="${short:0:37}..."
  for c in $CONNS; do
    # ROUNDS pairs of runs, Folio first in odd rounds and nginx first in
    # even ones; each column is the median over the rounds, the ratios the
    # median of each round's own ratio.
    f_rows=() n_rows=() ratios=() cratios=() err=0
    for ((round = 1; round <= ROUNDS; round++)); do
      if ((round % 2)); then
        fres=$(run folio "$FOLIO_PID" "$c" "$FOLIO$p") || exit 1
        nres=$(run nginx "$NGINX_PID" "$c" "$NGINX_URL$p") || exit 1
      else
        nres=$(run nginx "$NGINX_PID" "$c" "$NGINX_URL$p") || exit 1
        fres=$(run folio "$FOLIO_PID" "$c" "$FOLIO$p") || exit 1
      fi
      f_rows+=("$fres") n_rows+=("$nres")
      read -r frps _ _ ferr fcpu <<<"$fres"
      read -r nrps_ _ _ _ ncpu_ <<<"$nres"
      err=$((err + ferr))
      ratios+=("$(awk -v a="$frps" -v b="$nrps_" 'BEGIN { printf "%.4f", a / b }')")
      cratios+=("$(awk -v a="$fcpu" -v b="$ncpu_" 'BEGIN { printf "%.4f", b / a }')")
    done
    rps=$(median 1 "${f_rows[@]}") p50=$(median 2 "${f_rows[@]}") p99=$(median 3 "${f_rows[@]}") cpu=$(median 5 "${f_rows[@]}")
    nrps=$(median 1 "${n_rows[@]}") np50=$(median 2 "${n_rows[@]}") np99=$(median 3 "${n_rows[@]}") ncpu=$(median 5 "${n_rows[@]}")
    ratio=$(printf '%.2f' "$(median 1 "${ratios[@]}")")
    cratio=$(printf '%.2f' "$(median 1 "${cratios[@]}")")
    extra=()
    if [[ $CEILING == 1 ]]; then
      res=$(run go-min "$STATIC_PID" "$c" "$STATIC_URL${p%%\?*}") || exit 1
      read -r grps _ _ _ gcpu <<<"$res"
      extra=("$grps" "$gcpu" "$(awk -v a="$grps" -v b="$nrps" 'BEGIN { printf "%.2f", a / b }')")
    fi
    # shellcheck disable=SC2059
    printf "$line$extra_l\n" "$short" "$c" "$rps" "$p50" "$p99" "$err" "$cpu" "$nrps" "$np50" "$np99" "$ncpu" "$ratio" "$cratio" "${extra[@]}"
    folio_errors=$((folio_errors + err))
  done
done
echo "load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
if ((folio_errors > 0)); then
  echo "load.sh: Folio answered $folio_errors requests with errors" >&2
  exit 1
fi
