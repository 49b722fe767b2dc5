package e2e

import (
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
)

// paintProbe runs before any page script: it records every
// largest-contentful-paint entry, the time the app rendered the page
// (mountProbe), and marks the prerendered article body's nodes as soon as
// the HTML is parsed, before the WebAssembly app can have started.
const paintProbe = `(() => {
	window.__lcp = [];
	new PerformanceObserver((list) => {
		for (const e of list.getEntries()) {
			window.__lcp.push({
				time: e.startTime,
				inBody: !!(e.element && e.element.closest && e.element.closest(".article-body")),
				tag: e.element ? e.element.tagName : "",
			});
		}
	}).observe({type: "largest-contentful-paint", buffered: true});
	document.addEventListener("DOMContentLoaded", () => {
		const b = document.querySelector(".page[data-side=server] .article-body");
		window.__serverNodes = b ? Array.from(b.childNodes) : [];
	});
})();` + mountProbe

// TestReaderBodyPaintedOnce loads an article page and checks that the
// app's mount does not paint the article again: the body's nodes that the
// server sent are the nodes shown after the mount, and the largest
// contentful paint happened before the app mounted.
func TestReaderBodyPaintedOnce(t *testing.T) {
	srv := startServer(t)
	tb := newTab(t)
	// A phone's viewport, as Lighthouse's mobile defaults use: there an
	// article paragraph is the largest contentful element.
	call(tb, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{Width: 412, Height: 823, DeviceScaleFactor: 1.75, Mobile: true})
	call(tb, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: paintProbe})
	slug := "trump-and-putin-unironically-discussed-forming-a-cyber-security-unit"
	tb.nav(srv.URL + "/a/" + slug)
	tb.waitMounted()
	tb.waitFor(`window.__mountedAt > 0`)
	// Any paint the mount caused is reported by the next frames.
	eval[bool](tb, `new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(() => resolve(true), 0))))`)

	type result struct {
		Nodes, Kept int
		Adopted     string
		MountedAt   float64
		LCP         []struct {
			Time   float64
			InBody bool
			Tag    string
		}
	}
	r := eval[result](tb, `(() => {
		const b = document.querySelector(".page[data-side=client] .article-body");
		const kept = window.__serverNodes.filter((n) => n.isConnected && n.parentNode === b).length;
		return {Nodes: window.__serverNodes.length, Kept: kept, Adopted: b ? (b.dataset.adopted || "") : "",
			MountedAt: window.__mountedAt, LCP: window.__lcp.map((e) => ({Time: e.time, InBody: e.inBody, Tag: e.tag}))};
	})()`)
	if r.Nodes == 0 {
		t.Fatal("the prerendered page has no article body")
	}
	if r.Kept != r.Nodes || r.Adopted != "server" {
		t.Errorf("after the mount %d of the %d prerendered body nodes are in the page (adopted=%q), want all", r.Kept, r.Nodes, r.Adopted)
	}
	if len(r.LCP) == 0 {
		t.Fatal("no largest-contentful-paint entry")
	}
	last := r.LCP[len(r.LCP)-1]
	t.Logf("LCP entries %+v, mounted at %.0f ms", r.LCP, r.MountedAt)
	if last.Time >= r.MountedAt {
		t.Errorf("the largest contentful paint (%s at %.0f ms) comes after the mount (%.0f ms): the app painted it again", last.Tag, last.Time, r.MountedAt)
	}
	tb.noConsoleErrors()
}
