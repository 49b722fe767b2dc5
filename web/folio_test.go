package web

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"folio/sanitize"
)

// TestFrameOrigins checks that folio.js loads players from exactly the
// origins of the sanitiser's provider table, which the pages' CSP
// frame-src allows (sanitize.FrameSources).
func TestFrameOrigins(t *testing.T) {
	b, err := os.ReadFile("folio.js")
	if err != nil {
		t.Fatal(err)
	}
	list := regexp.MustCompile(`(?s)var frameOrigins = \[(.*?)\];`).FindSubmatch(b)
	if list == nil {
		t.Fatal("folio.js has no frameOrigins list")
	}
	var got []string
	for _, m := range regexp.MustCompile(`"([^"]+)"`).FindAllSubmatch(list[1], -1) {
		got = append(got, string(m[1]))
	}
	if want := strings.Fields(sanitize.FrameSources); !slices.Equal(got, want) {
		t.Fatalf("folio.js frameOrigins=%q, want sanitize.FrameSources %q", got, want)
	}
}
