package embedcard

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"folio/article"
)

func TestParseAccent(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"0a7cff", "#0a7cff", true},
		{"#0A7CFF", "#0a7cff", true},
		{"f60", "#ff6600", true},
		{"#F60", "#ff6600", true},
		{"", "", false},
		{"#", "", false},
		{"12345", "", false},
		{"1234567", "", false},
		{"red", "", false},
		{"00000g", "", false},
		{"fff;}body{display:none", "", false},
		{"#fff\n", "", false},
	}
	for _, tt := range tests {
		got, err := ParseAccent(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Fatalf("ParseAccent(%q)=%q, %v; want %q, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
		if err != nil && article.Code(err) != article.EINVALID {
			t.Fatalf("ParseAccent(%q) error code=%q, want %q", tt.in, article.Code(err), article.EINVALID)
		}
	}
}

func TestParseOptions(t *testing.T) {
	tests := []struct {
		query string
		want  Options
		err   string
	}{
		{"", Options{}, ""},
		{"theme=auto&layout=auto", Options{}, ""},
		{"theme=dark", Options{Theme: ThemeDark}, ""},
		{"theme=light&layout=compact&accent=ABC", Options{Theme: ThemeLight, Layout: LayoutCompact, Accent: "#aabbcc"}, ""},
		{"width=300&consent=click", Options{}, ""}, // host-page choices are not the card's
		{"theme=Dark", Options{}, "theme must be"},
		{"layout=wide", Options{}, "layout must be"},
		{"accent=blue", Options{}, "accent must be"},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			q, _ := url.ParseQuery(tt.query)
			got, err := ParseOptions(q)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err=%v, want %q", err, tt.err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ParseOptions=%+v, %v; want %+v", got, err, tt.want)
			}
			// The query string round-trips.
			back, err := url.ParseQuery(got.Query())
			if err != nil {
				t.Fatal(err)
			}
			if again, _ := ParseOptions(back); again != got {
				t.Fatalf("round trip=%+v, want %+v", again, got)
			}
		})
	}
}

func TestURLs(t *testing.T) {
	if got, want := ReaderURL("https://news.example/", "a-b"), "https://news.example/a/a-b"; got != want {
		t.Fatalf("ReaderURL=%q, want %q", got, want)
	}
	if got, want := CardURL("https://news.example/folio", "a-b", Options{Theme: ThemeDark, Accent: "#0a7cff"}), "https://news.example/folio/embed/a-b?accent=0a7cff&theme=dark"; got != want {
		t.Fatalf("CardURL=%q, want %q", got, want)
	}
	if got, want := CardURL("https://news.example", "x", Options{Accent: "not a colour"}), "https://news.example/embed/x"; got != want {
		t.Fatalf("CardURL with a bad accent=%q, want %q", got, want)
	}
	if got, want := LoaderURL("https://news.example/"), "https://news.example/embed.js"; got != want {
		t.Fatalf("LoaderURL=%q, want %q", got, want)
	}
}

func TestHeight(t *testing.T) {
	tests := []struct {
		width  int
		layout string
		want   int
	}{
		{550, "", HeightWide},
		{400, LayoutAuto, HeightWide},
		{399, LayoutAuto, HeightCompact},
		{320, "", HeightCompact},
		{550, LayoutCompact, HeightCompact},
	}
	for _, tt := range tests {
		if got := Height(tt.width, tt.layout); got != tt.want {
			t.Fatalf("Height(%d, %q)=%d, want %d", tt.width, tt.layout, got, tt.want)
		}
	}
	if HeightWide != 194 || HeightCompact != 138 {
		t.Fatalf("heights %d, %d: web/embed.css and web/embed.js must change with them", HeightWide, HeightCompact)
	}
	if w, h := ImageBox(550, ""); w != 175 || h != 160 {
		t.Fatalf("ImageBox(550)=%d×%d, want 175×160", w, h)
	}
	if w, h := ImageBox(320, ""); w != 64 || h != 64 {
		t.Fatalf("ImageBox(320)=%d×%d, want 64×64", w, h)
	}
}

func TestSnippet(t *testing.T) {
	s := article.Summary{
		Slug: "hello-world", Title: `Tom & "Jerry" <script>alert(1)</script>`, Excerpt: "Short <b>excerpt</b>.",
		Author: "Ada", Site: "Daily", Published: time.Date(2026, 3, 4, 23, 0, 0, 0, time.UTC), Lang: "fr", Dir: "ltr",
	}
	tests := []struct {
		name string
		opts Options
		want string
	}{
		{"Default", Options{},
			`<blockquote class="folio-embed" data-src="https://news.example/embed/hello-world" lang="fr" dir="ltr" cite="https://news.example/a/hello-world">` +
				`<p><a href="https://news.example/a/hello-world">Tom &amp; &#34;Jerry&#34; &lt;script&gt;alert(1)&lt;/script&gt;</a></p>` +
				`<p>Short &lt;b&gt;excerpt&lt;/b&gt;.</p><p>— Ada, Daily, 4 March 2026</p></blockquote>` +
				`<script async src="https://news.example/embed.js"></script>`},
		{"Options", Options{Theme: ThemeDark, Layout: LayoutCompact, Accent: "#ff6600", Consent: ConsentClick, Width: 320},
			`<blockquote class="folio-embed" data-src="https://news.example/embed/hello-world?accent=ff6600&amp;layout=compact&amp;theme=dark" data-layout="compact" data-width="320" data-consent="click" lang="fr" dir="ltr" cite="https://news.example/a/hello-world">`},
		{"WidthCapped", Options{Width: 900}, `data-width="550"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Snippet(s, "https://news.example/", tt.opts)
			if !strings.Contains(got, tt.want) {
				t.Fatalf("Snippet=\n%s\nwant it to contain\n%s", got, tt.want)
			}
			if strings.Count(got, "<script") != 1 || strings.Count(got, "<a ") != 1 {
				t.Fatalf("Snippet has extra elements: %s", got)
			}
		})
	}
	if got := Byline(article.Summary{}); got != "" {
		t.Fatalf("Byline of nothing=%q", got)
	}
}
