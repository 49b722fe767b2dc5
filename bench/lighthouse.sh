#!/bin/sh
# Lighthouse (mobile defaults: simulated slow 4G, 4x CPU slowdown) against a
# running `bin/folio serve`, on the home page, an article, its embed card and
# the preview. Prints performance, LCP, TBT and CLS per page. Reported, never
# asserted: the figures depend on the machine and its load.
#
#	./bin/folio serve -addr 127.0.0.1:8080 &
#	bench/lighthouse.sh [BASE_URL] [RUNS]
#
# BASE_URL defaults to http://127.0.0.1:8080; RUNS (default 1) loads each
# page that many times and reports the median run (by performance score).
# Lighthouse is the version pinned in bench/package.json (installed with
# npm ci on first use); CHROME_PATH defaults to /usr/bin/chromium.
set -eu

base=${1:-http://127.0.0.1:8080}
runs=${2:-1}
here=$(cd "$(dirname "$0")" && pwd)
lh="$here/node_modules/.bin/lighthouse"
if [ ! -x "$lh" ]; then
	(cd "$here" && npm ci --no-audit --no-fund --ignore-scripts >/dev/null)
fi
export CHROME_PATH="${CHROME_PATH:-/usr/bin/chromium}"

slug=$(curl -fsS "$base/api/articles?limit=1" | node -e '
let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => console.log(JSON.parse(s).articles[0].slug));')
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

printf '%-46s %11s %8s %9s %6s\n' page performance LCP TBT CLS
for path in / "/a/$slug" "/embed/$slug" /preview; do
	i=0
	while [ "$i" -lt "$runs" ]; do
		"$lh" "$base$path" --only-categories=performance --output=json --output-path="$out/run$i.json" \
			--quiet --chrome-flags="--headless=new --no-sandbox --user-data-dir=$out/profile$i" >/dev/null 2>"$out/err" ||
			{ cat "$out/err" >&2; exit 1; }
		i=$((i + 1))
	done
	node -e '
const fs = require("fs");
const [dir, runs, path] = process.argv.slice(1);
const rs = [];
for (let i = 0; i < +runs; i++) rs.push(JSON.parse(fs.readFileSync(`${dir}/run${i}.json`)));
rs.sort((a, b) => a.categories.performance.score - b.categories.performance.score);
const r = rs[Math.floor(rs.length / 2)], a = r.audits;
const p = path.length > 46 ? path.slice(0, 43) + "..." : path;
console.log(p.padEnd(46) + " " + String(Math.round(r.categories.performance.score * 100)).padStart(11) + " " +
  ((a["largest-contentful-paint"].numericValue / 1000).toFixed(1) + " s").padStart(8) + " " +
  (Math.round(a["total-blocking-time"].numericValue).toLocaleString("en") + " ms").padStart(9) + " " +
  a["cumulative-layout-shift"].numericValue.toFixed(3).padStart(6));
' "$out" "$runs" "$path"
	rm -f "$out"/run*.json
done
