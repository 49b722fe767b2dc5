package app

import (
	"html"
	"strconv"
	"strings"
	"testing"
)

func TestEscapeAttr(t *testing.T) {
	tests := []struct {
		name, in, want string // want: the value the browser decodes
	}{
		{"plain", "A plain title", "A plain title"},
		{"quote breakout", `x"><img src=x onerror=alert(1)>`, `x"><img src=x onerror=alert(1)>`},
		{"single quote", `it's`, `it's`},
		{"backslash", `a\"b\\`, `a\"b\\`},
		{"ampersand entity", "Tom &amp; Jerry & co", "Tom &amp; Jerry & co"},
		{"nbsp kept", "a\u00a0b", "a\u00a0b"},
		{"zero width joiner kept", "👩\u200d💻", "👩\u200d💻"},
		{"newlines to spaces", "a\nb\tc\rd", "a b c d"},
		{"controls dropped", "a\x00b\x07c\u0085d", "abcd"},
		{"invalid utf-8", "a\xffb", "a\ufffdb"},
		{"line separator", "a\u2028b", "a\u2028b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := escapeAttr(tt.in)
			if q := strconv.Quote(got); q != `"`+got+`"` {
				t.Fatalf("strconv.Quote(escapeAttr(%q))=%s, want the value unchanged between quotes", tt.in, q)
			}
			if strings.ContainsAny(got, "\"<>\\") {
				t.Fatalf("escapeAttr(%q)=%q holds a raw metacharacter", tt.in, got)
			}
			if dec := html.UnescapeString(got); dec != tt.want {
				t.Fatalf("decoded escapeAttr(%q)=%q, want %q", tt.in, dec, tt.want)
			}
		})
	}
}

func TestPageTitle(t *testing.T) {
	for _, in := range []string{`a "quoted" \ title`, "x\"><script>alert(1)</script>", "tab\there\u00a0nbsp"} {
		got := pageTitle(in)
		if q := strconv.Quote(got); q != `"`+got+`"` {
			t.Fatalf("strconv.Quote(pageTitle(%q))=%s, want the title unchanged between quotes", in, q)
		}
	}
}

func TestSafeURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://example.com/a.png", "https://example.com/a.png"},
		{"http://example.com/x?a=1&b=2", "http://example.com/x?a=1&amp;b=2"},
		{"/a/some-slug", "/a/some-slug"},
		{"/?tag=a%22b", "/?tag=a%22b"},
		{`https://example.com/"onerror="alert(1)`, "https://example.com/%22onerror=%22alert%281%29"},
		{`https://example.com/?q="><script>`, "https://example.com/?q=%22%3E%3Cscript%3E"},
		{"https://example.com/a b", "https://example.com/a%20b"},
		{"https://example.com/é", "https://example.com/%C3%A9"},
		{"javascript:alert(1)", ""},
		{"JaVaScRiPt:alert(1)", ""},
		{"data:text/html,<script>alert(1)</script>", ""},
		{"vbscript:x", ""},
		{"//evil.example/x", ""},
		{`/\evil.example/x`, ""},
		{"relative/path", ""},
		{"https:///nohost", ""},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := safeURL(tt.in); got != tt.want {
				t.Fatalf("safeURL(%q)=%q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
