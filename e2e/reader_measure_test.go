package e2e

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
)

var measure = flag.Bool("measure", false, "run TestMeasure: WASM sizes and page load times in Chromium")

// measureRuns is the number of loads per scenario; the report gives the
// median.
const measureRuns = 5

// mountProbe records when the WebAssembly app has rendered the page.
const mountProbe = `(() => {
	const mark = () => {
		if (!window.__mountedAt && document.querySelector(".page[data-side=client]")) {
			window.__mountedAt = performance.now();
		}
	};
	new MutationObserver(mark).observe(document, {subtree: true, childList: true, attributes: true});
})();`

// networkConditions are the parameters of Network.emulateNetworkConditions,
// which cdproto no longer lists (its replacement, emulateNetworkConditionsByRule,
// leaves the document request unthrottled in this Chromium) but Chromium
// still implements.
type networkConditions struct {
	Offline            bool    `json:"offline"`
	Latency            float64 `json:"latency"`
	DownloadThroughput float64 `json:"downloadThroughput"`
	UploadThroughput   float64 `json:"uploadThroughput"`
}

var emulateNetworkConditions = cdp.Command[networkConditions, cdp.Empty]{Method: "Network.emulateNetworkConditions"}

// loadTimes are the figures of one page load, in milliseconds from the
// start of the navigation.
type loadTimes struct {
	HTML    float64 // the HTML fully received (Chromium's throttling delays the body, not the headers)
	FCP     float64 // first contentful paint
	Mounted float64 // the app rendered the page
	WasmKB  float64 // bytes of app.wasm over the network (0: from the service worker)
}

// TestMeasure measures the WebAssembly bundle and the load of an article
// page, cold (empty cache, no service worker) and warm (service worker
// installed), on the loopback network and under a throttled mobile
// network (1.6 Mbps down, 750 kbps up, 150 ms latency). Figures depend on
// the machine: they are reported, never asserted.
//
//	go test ./e2e -run TestMeasure -measure -v
func TestMeasure(t *testing.T) {
	t.Parallel()
	if !*measure {
		t.Skip("run with -measure")
	}
	var report strings.Builder
	fmt.Fprintf(&report, "WebAssembly bundle (web/app.wasm):\n")
	for _, f := range []string{"app.wasm", "app.wasm.gz", "app.wasm.br"} {
		st, err := os.Stat(filepath.Join(repoRoot, "web", f))
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&report, "  %-12s %9d bytes (%.2f MB)\n", f, st.Size(), float64(st.Size())/1e6)
	}

	srv := startServer(t)
	slug := "trump-and-putin-unironically-discussed-forming-a-cyber-security-unit"
	u := srv.URL + "/a/" + slug
	if res, _ := srv.get(t, "/a/"+slug); res.StatusCode != 200 {
		t.Fatalf("GET %s = %d", u, res.StatusCode)
	}

	for _, throttled := range []bool{false, true} {
		var cold, warm []loadTimes
		for range measureRuns {
			tb := newTab(t)
			call(tb, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: mountProbe})
			if throttled {
				call(tb, emulateNetworkConditions, networkConditions{
					Latency: 150, DownloadThroughput: 1.6e6 / 8, UploadThroughput: 750e3 / 8,
				})
			}
			cold = append(cold, loadArticle(tb, u, srv.URL))
			tb.waitFor(`navigator.serviceWorker.controller !== null`)
			tb.waitFor(`caches.keys().then(k => k.some(n => n.startsWith("app-")))`)
			time.Sleep(200 * time.Millisecond)
			warm = append(warm, loadArticle(tb, u, srv.URL))
		}
		net := "loopback"
		if throttled {
			net = "throttled 1.6 Mbps / 150 ms"
		}
		fmt.Fprintf(&report, "/a/{slug}, %s, median of %d (ms):\n", net, measureRuns)
		fmt.Fprintf(&report, "  %-30s %7s %7s %9s %9s\n", "", "HTML", "FCP", "mounted", "wasm KB")
		for _, s := range []struct {
			name  string
			times []loadTimes
		}{{"cold (no cache, no worker)", cold}, {"warm (service worker)", warm}} {
			m := median(s.times)
			fmt.Fprintf(&report, "  %-30s %7.0f %7.0f %9.0f %9.0f\n", s.name, m.HTML, m.FCP, m.Mounted, m.WasmKB)
		}
	}
	t.Log("\n" + report.String())
	fmt.Print(report.String())
}

// loadArticle loads the page and returns its timings.
func loadArticle(tb *tab, u, origin string) loadTimes {
	tb.t.Helper()
	tb.nav(u)
	tb.waitMounted()
	tb.waitFor(`performance.getEntriesByName("first-contentful-paint").length > 0 && window.__mountedAt > 0`)
	return eval[loadTimes](tb, `(() => {
		const nav = performance.getEntriesByType("navigation")[0];
		const wasm = performance.getEntriesByType("resource").find((e) => /\/web\/app\.[0-9a-f]{10}\.wasm$/.test(e.name));
		return {
			HTML: nav.responseEnd,
			FCP: performance.getEntriesByName("first-contentful-paint")[0].startTime,
			Mounted: window.__mountedAt,
			WasmKB: wasm ? wasm.transferSize / 1000 : 0,
		};
	})()`)
}

func median(ts []loadTimes) loadTimes {
	pick := func(f func(loadTimes) float64) float64 {
		v := make([]float64, len(ts))
		for i, t := range ts {
			v[i] = f(t)
		}
		sort.Float64s(v)
		return v[len(v)/2]
	}
	return loadTimes{
		HTML:    pick(func(t loadTimes) float64 { return t.HTML }),
		FCP:     pick(func(t loadTimes) float64 { return t.FCP }),
		Mounted: pick(func(t loadTimes) float64 { return t.Mounted }),
		WasmKB:  pick(func(t loadTimes) float64 { return t.WasmKB }),
	}
}
