package sanitize

import (
	"html"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"folio/article"
)

// FuzzHTML checks the safety invariants of checkSafe (no script, event
// handler, style, forbidden element or dangerous URL in the output as a
// browser parses it; bluemonday agrees with the tokenizer pass; sanitising
// again changes nothing) on arbitrary input, with and without a base.
func FuzzHTML(f *testing.F) {
	for _, v := range loadCorpus(f) {
		f.Add(v, false)
	}
	// The smallest page only: mutating and minimising the larger ones is
	// slow, and TestPages checks them all.
	f.Add(loadPages(f)["article-12k.html"], true)
	sample, err := readSample()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(sample, false)
	f.Fuzz(func(t *testing.T, in string, withBase bool) {
		var base *url.URL
		if withBase {
			base = testBase
		}
		out, _ := checkSafe(t, in, base)
		if !utf8.ValidString(string(out)) {
			t.Fatalf("HTML(%q)=%q is not valid UTF-8", in, out)
		}
		text := PlainText(out)
		if !utf8.ValidString(text) || strings.ContainsFunc(text, isControl) {
			t.Fatalf("PlainText(%q)=%q holds invalid UTF-8 or control characters", out, text)
		}
	})
}

// FuzzText checks that Text returns trimmed, single-spaced, valid UTF-8
// without control characters, and that its plain text survives a round
// trip through HTML escaping unchanged.
func FuzzText(f *testing.F) {
	for _, v := range loadCorpus(f) {
		f.Add(v)
	}
	f.Add("AT&amp;T&#39;s <b>new</b>\x00 thing")
	f.Fuzz(func(t *testing.T, in string) {
		got := Text(in)
		if !utf8.ValidString(got) || strings.ContainsFunc(got, isControl) {
			t.Fatalf("Text(%q)=%q holds invalid UTF-8 or control characters", in, got)
		}
		if got != strings.TrimSpace(got) || strings.Contains(got, "  ") || strings.ContainsAny(got, "\t\n\r") {
			t.Fatalf("Text(%q)=%q is not trimmed and single-spaced", in, got)
		}
		if again := Text(html.EscapeString(got)); again != got {
			t.Fatalf("Text(escape(%q))=%q, want it unchanged", got, again)
		}
		if pt := PlainText(article.SafeHTML(html.EscapeString(got))); pt != got {
			t.Fatalf("PlainText(escape(%q))=%q, want it unchanged", got, pt)
		}
	})
}
