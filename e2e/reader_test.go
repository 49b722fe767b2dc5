package e2e

import (
	"strings"
	"testing"
)

// sampleTitles are titles of the bundled sample articles the server loads
// into an empty database.
var sampleTitles = []string{"Trump and Putin unironically discussed forming a ‘cyber security unit’"}

func TestHome(t *testing.T) {
	srv := startServer(t)
	res, html := srv.get(t, "/")
	if res.StatusCode != 200 {
		t.Fatalf("GET / = %d", res.StatusCode)
	}
	for _, want := range append(sampleTitles, `data-side="server"`, `id="folio-state"`) {
		if !strings.Contains(html, want) {
			t.Errorf("prerendered home lacks %q", want)
		}
	}

	tb := newTab(t)
	tb.nav(srv.URL + "/")
	tb.waitMounted()
	n := eval[int](tb, `document.querySelectorAll(".cards .card").length`)
	if n < 2 {
		t.Fatalf("cards after mount = %d, want the samples", n)
	}
	tb.noConsoleErrors()
}
