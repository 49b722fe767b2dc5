package shareimg

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"os"
	"strings"
	"sync"
	"testing"

	"golang.org/x/image/math/fixed"
)

// mustRenderer returns a Renderer for a site with the test logo.
func mustRenderer(tb testing.TB, accent color.Color, fonts ...*Font) *Renderer {
	tb.Helper()
	r, err := New(Site{Name: "Security Desk", Logo: testLogo(), Accent: accent, Fonts: fonts})
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

// hebrewFont loads DejaVu Sans Bold, which has Hebrew and Arabic. It is in
// Debian's fonts-dejavu-core; CI installs it, so only a developer machine
// without it skips.
func hebrewFont(tb testing.TB) *Font {
	tb.Helper()
	f, err := LoadFont(dejavu)
	if err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("%v (apt-get install fonts-dejavu-core)", err)
		}
		tb.Skipf("%v (apt-get install fonts-dejavu-core)", err)
	}
	return f
}

// lineString is a line's text in logical order.
func lineString(l *line) string { return string(l.text.runes()) }

// checkGlyphs fails if any glyph of p would be drawn as .notdef.
func checkGlyphs(t *testing.T, p *plan) {
	t.Helper()
	all := append([]*line{p.name, p.byline}, p.lines...)
	for _, l := range all {
		if l == nil {
			continue
		}
		for _, g := range l.text {
			if g.gi == 0 {
				t.Fatalf("%q: %q (U+%04X) would be drawn as .notdef", lineString(l), g.r, g.r)
			}
		}
	}
}

func TestRenderIsA1200x630PNG(t *testing.T) {
	r := mustRenderer(t, nil)
	var b bytes.Buffer
	if err := r.Render(&b, Card{Title: "Hello, world", Byline: "Jane Doe · 5 December 2026"}); err != nil {
		t.Fatal(err)
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(b.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if format != "png" || cfg.Width != 1200 || cfg.Height != 630 {
		t.Fatalf("got a %s of %d×%d, want a png of 1200×630", format, cfg.Width, cfg.Height)
	}
}

func TestRenderIsDeterministic(t *testing.T) {
	card := Card{Title: "Cybercriminals are targeting Paris 2024 Olympics ticket buyers", Byline: "By Jane Doe"}
	render := func(r *Renderer) []byte {
		var b bytes.Buffer
		if err := r.Render(&b, card); err != nil {
			t.Error(err)
		}
		return b.Bytes()
	}
	want := render(mustRenderer(t, nil))
	r := mustRenderer(t, nil)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			if got := render(r); !bytes.Equal(got, want) {
				t.Error("two renders of the same card differ")
			}
		})
	}
	wg.Wait()
	other := render(mustRenderer(t, color.RGBA{0x80, 0, 0, 0xff}))
	if bytes.Equal(other, want) {
		t.Fatal("another accent gave the same bytes")
	}
}

// TestLongTitleIsClamped checks that a title too long for the box is cut
// with an ellipsis at the smallest size, and that no ink is drawn between
// the header and the title box or between the title box and the byline.
func TestLongTitleIsClamped(t *testing.T) {
	r := mustRenderer(t, color.RGBA{0xf5, 0xc5, 0x18, 0xff})
	for _, tt := range []struct{ name, title string }{
		{"Words", strings.Repeat("Quickly judging gypsy jackdaws, ", 12)},
		{"OneWord", strings.Repeat("Jgypq", 80)},
		{"Cyrillic", strings.Repeat("Съешь же ещё этих мягких французских булок, да выпей чаю. ", 6)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			card := Card{Title: tt.title, Byline: "By a very patient reporter"}
			p := r.layout(card)
			if p.size != titleSizes[len(titleSizes)-1] {
				t.Errorf("size %v, want the smallest, %v", p.size, titleSizes[len(titleSizes)-1])
			}
			last := lineString(p.lines[len(p.lines)-1])
			if !strings.HasSuffix(last, "…") {
				t.Errorf("last line %q has no ellipsis", last)
			}
			if p.height() > p.box.Dy() {
				t.Errorf("%d lines are %dpx high, the box %dpx", len(p.lines), p.height(), p.box.Dy())
			}
			checkGlyphs(t, p)
			img := r.Image(card)
			// The rows between the header and the title box, and between
			// the title box and the byline, hold nothing but background.
			blank := func(y0, y1 int) {
				for y := y0; y < y1; y++ {
					for x := 0; x < Width; x++ {
						if img.RGBAAt(x, y) != r.bg {
							t.Fatalf("ink at (%d,%d), outside the title box %v", x, y, p.box)
						}
					}
				}
			}
			blank(headerTop+headerH, p.box.Min.Y)
			blank(p.box.Max.Y, bottom-bylineSize)
			// And the title box has ink down to its last line.
			if !hasInk(img, r.bg, image.Rect(margin, p.box.Max.Y-p.box.Dy()/4, Width-margin, p.box.Max.Y)) {
				t.Fatal("no ink in the lower part of the title box")
			}
		})
	}
}

func hasInk(img *image.RGBA, bg color.RGBA, rect image.Rectangle) bool {
	for y := rect.Min.Y; y < rect.Max.Y; y++ {
		for x := rect.Min.X; x < rect.Max.X; x++ {
			if img.RGBAAt(x, y) != bg {
				return true
			}
		}
	}
	return false
}

func TestShortTitleIsLarge(t *testing.T) {
	p := mustRenderer(t, nil).layout(Card{Title: "Paris opens its terraces"})
	if len(p.lines) != 1 || p.size != titleSizes[0] {
		t.Fatalf("%d lines at %vpx, want 1 at %v", len(p.lines), p.size, titleSizes[0])
	}
	// A word too long for a line steps the size down before it is broken.
	p = mustRenderer(t, nil).layout(Card{Title: "Pneumonoultramicroscopicsilicovolcanoconiosis strikes"})
	if p.size != titleSizes[len(titleSizes)-1] {
		t.Fatalf("an unbreakable word is drawn at %vpx, not the smallest size", p.size)
	}
}

// TestUndrawableTitleFallsBackToSiteName: with no CJK font configured, a
// Japanese title is replaced by the site's name; no glyph is .notdef.
func TestUndrawableTitleFallsBackToSiteName(t *testing.T) {
	r := mustRenderer(t, nil)
	for _, title := range []string{"東京で新しい展覧会が開かれる", "Tokyo: 新しい展覧会", "", "  \u200b "} {
		p := r.layout(Card{Title: title, Byline: "東京"})
		if len(p.lines) != 1 || lineString(p.lines[0]) != "Security Desk" {
			t.Errorf("title %q: lines %v, want the site name", title, p.lines)
			continue
		}
		if p.name != nil {
			t.Errorf("title %q: the site name is drawn twice", title)
		}
		if p.byline != nil {
			t.Errorf("title %q: an undrawable byline is drawn", title)
		}
		checkGlyphs(t, p)
	}

	// Symbols and emoji no font has are left out; the title stays.
	p := r.layout(Card{Title: "Launch day 🚀 — ★ ready"})
	if got := lineString(p.lines[0]); got != "Launch day — ★ ready" && got != "Launch day — ready" {
		t.Errorf("got %q", got)
	}
	checkGlyphs(t, p)

	// A site whose name cannot be drawn either: nothing but logo and accent.
	r2, err := New(Site{Name: "東京新聞"})
	if err != nil {
		t.Fatal(err)
	}
	if p := r2.layout(Card{Title: "東京"}); len(p.lines) != 0 || p.name != nil {
		t.Fatalf("got lines %v, name %v", p.lines, p.name)
	}
	var b bytes.Buffer
	if err := r2.Render(&b, Card{Title: "東京"}); err != nil {
		t.Fatal(err)
	}
}

// TestConfiguredFontDrawsOtherScripts: a title in Hebrew is drawn with
// the configured font rather than falling back.
func TestConfiguredFontDrawsOtherScripts(t *testing.T) {
	f := hebrewFont(t)
	r := mustRenderer(t, nil, f)
	for _, title := range []string{"שלום עולם", "مرحبا بالعالم", "Ελληνικά, Кириллица and English"} {
		p := r.layout(Card{Title: title})
		if got := lineString(p.lines[0]); strings.Contains(got, "Security") {
			t.Errorf("title %q fell back to the site name", title)
		}
		checkGlyphs(t, p)
	}
}

func TestLevelsAndVisualOrder(t *testing.T) {
	for _, tt := range []struct {
		name, in string
		rtl      bool
		want     string // visual, left to right, before mirroring
	}{
		{"Hebrew", "שלום עולם", true, "םלוע םולש"},
		{"HebrewNumber", "חדשות 2024", true, "2024 תושדח"},
		{"HebrewLatin", "אבג Go 1.26 דה", true, "הד Go 1.26 גבא"},
		{"HebrewEllipsis", "אבג דה…", true, "…הד גבא"},
		{"HebrewParens", "א (ב) ג", true, "ג )ב( א"},
		{"LatinInHebrewParagraph", "Go is fun", true, "Go is fun"},
		{"HebrewInLatin", "abc אב גד def", false, "abc דג בא def"},
		{"NumberAfterHebrewInLatin", "abc אב 12 גד", false, "abc דג 12 בא"},
		{"Latin", "plain text", false, "plain text"},
		{"HebrewMark", "שָׁלוֹם", true, "םוֹלשָׁ"}, // marks stay after their letter
		{"ArabicIndicDigits", "عدد ١٢٣", true, "١٢٣ ددع"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rs := []rune(tt.in)
			var base uint8
			if tt.rtl {
				base = 1
			}
			lv := levels(rs, base)
			var got []rune
			for _, i := range visualOrder(rs, lv, base) {
				got = append(got, rs[i])
			}
			if string(got) != tt.want {
				t.Fatalf("visual order of %q = %q, want %q (levels %v)", tt.in, string(got), tt.want, lv)
			}
		})
	}
}

// TestRTLTitleIsDrawnRightToLeft renders a Hebrew title and checks that it
// is aligned to the right and that its first letter is drawn rightmost.
func TestRTLTitleIsDrawnRightToLeft(t *testing.T) {
	f := hebrewFont(t)
	r := mustRenderer(t, color.White, f)
	card := Card{Title: "שלום", Dir: "rtl"}
	p := r.layout(card)
	if !p.rtl {
		t.Fatal("a Hebrew title is laid out left to right")
	}
	img := r.Image(card)
	ink := func(x0, x1 int) bool { return hasInk(img, r.bg, image.Rect(x0, p.box.Min.Y, x1, p.box.Max.Y)) }
	if ink(margin, Width/2) || !ink(Width/2, Width-margin) {
		t.Fatal("a short right-to-left title is not on the right")
	}
	// The first letter, ש, is drawn rightmost: the columns its advance
	// takes at the right edge look the same as when it is drawn alone
	// (and not like ם, the last letter, drawn alone).
	alone := r.layout(Card{Title: "ש", Dir: "rtl"})
	adv := alone.lines[0].width().Ceil()
	same := func(a, b *image.RGBA) bool {
		for y := p.box.Min.Y; y < p.box.Max.Y; y++ {
			for x := Width - margin - adv + 6; x < Width-margin+4; x++ {
				if a.RGBAAt(x, y) != b.RGBAAt(x, y) {
					return false
				}
			}
		}
		return true
	}
	if !same(img, r.Image(Card{Title: "ש", Dir: "rtl"})) {
		t.Fatal("the rightmost letter of שלום is not ש")
	}
	if same(img, r.Image(Card{Title: "ם", Dir: "rtl"})) {
		t.Fatal("the rightmost letter of שלום is ם: drawn left to right")
	}
}

func TestShapeArabic(t *testing.T) {
	all := func(rune) bool { return true }
	for _, tt := range []struct{ name, in, want string }{
		{"Salam", "سلام", "\uFEB3\uFEFC\uFEE1"},       // seen initial, lam-alef final, meem isolated
		{"Kitab", "كتاب", "\uFEDB\uFE98\uFE8E\uFE8F"}, // initial, medial, alef final, beh isolated
		{"RightJoiner", "دار", "\uFEA9\uFE8D\uFEAD"},  // dal, alef, reh: none join forward
		{"Marks", "بَب", "\uFE91\u064E\uFE90"},        // a mark does not break the join
		{"Latin", "abc", "abc"},                       // untouched
		{"ZWNJ", "ب\u200Cب", "\uFE8F\u200C\uFE8F"},    // a non-joiner stops joining
		{"Tatweel", "ب\u0640", "\uFE91\u0640"},        // tatweel joins
		{"Persian", "پیک", "\uFB58\uFBFF\uFB8F"},      // peh initial, farsi yeh medial, keheh final
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(shapeArabic([]rune(tt.in), all)); got != tt.want {
				t.Fatalf("shapeArabic(%q) = %+q, want %+q", tt.in, got, tt.want)
			}
		})
	}
	// Without the presentation forms in any font, letters stay as they are.
	none := func(rune) bool { return false }
	if got := string(shapeArabic([]rune("سلام"), none)); got != "سلام" {
		t.Fatalf("got %+q", got)
	}
}

func TestTextContrastsWithAccent(t *testing.T) {
	for _, tt := range []struct {
		accent color.Color
		white  bool
	}{
		{color.RGBA{0x1a, 0x5f, 0xd0, 0xff}, true},
		{color.RGBA{0xf5, 0xc5, 0x18, 0xff}, false},
		{color.White, false},
		{color.Black, true},
		{color.RGBA{0x00, 0xa0, 0x60, 0xff}, false},
		{color.RGBA{0, 0, 0, 0}, false}, // transparent: white
	} {
		r := mustRenderer(t, tt.accent)
		if (r.fg == color.RGBA{0xff, 0xff, 0xff, 0xff}) != tt.white {
			t.Errorf("accent %v: text %v", tt.accent, r.fg)
		}
		if c := contrast(r.fg, r.bg); c < 4.5 {
			t.Errorf("accent %v: contrast %.1f, want at least 4.5", tt.accent, c)
		}
		if c := contrast(r.muted, r.bg); c < 3 {
			t.Errorf("accent %v: byline contrast %.1f, want at least 3", tt.accent, c)
		}
	}
}

func TestDecodeLogo(t *testing.T) {
	var b bytes.Buffer
	if err := png.Encode(&b, testLogo()); err != nil {
		t.Fatal(err)
	}
	img, err := DecodeLogo(&b)
	if err != nil || img.Bounds().Dx() != 128 {
		t.Fatalf("DecodeLogo(png) = %v, %v", img, err)
	}
	_, err = DecodeLogo(strings.NewReader(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"/>`))
	if err == nil || !strings.Contains(err.Error(), "SVG") {
		t.Fatalf("DecodeLogo(svg) = %v, want an error about SVG", err)
	}
	// A very wide logo is scaled to fit 280 pixels.
	wide := image.NewRGBA(image.Rect(0, 0, 2000, 100))
	r, err := New(Site{Name: "x", Logo: wide})
	if err != nil {
		t.Fatal(err)
	}
	if w := r.logo.Bounds().Dx(); w != maxLogoW {
		t.Fatalf("logo width %d, want %d", w, maxLogoW)
	}
}

func TestLoadFontErrors(t *testing.T) {
	if _, err := LoadFont("/nonexistent/font.ttf"); err == nil {
		t.Fatal("LoadFont of a missing file succeeded")
	}
	if _, err := ParseFont("junk", []byte("not a font")); err == nil || !strings.Contains(err.Error(), "junk") {
		t.Fatalf("ParseFont(junk) = %v", err)
	}
}

// BenchmarkRender renders the seed article's card to PNG.
func BenchmarkRender(b *testing.B) {
	r := mustRenderer(b, nil)
	card := Card{Title: "Cybercriminals are targeting Paris 2024 Olympics ticket buyers with fake resale sites", Byline: "By Jane Doe · 5 December 2026"}
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := r.Render(&buf, card); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len()), "png-bytes")
}

// FuzzLayout lays out arbitrary titles: no panic, no .notdef glyph, and
// the title within its box.
func FuzzLayout(f *testing.F) {
	for _, s := range []string{"Hello", "שלום (עולם) 12", "مرحبا لا بالعالم", "東京", "a\u0301\u200d\u202e b", strings.Repeat("x", 400), "\xff\xfe"} {
		f.Add(s, "rtl")
		f.Add(s, "")
	}
	r := mustRenderer(f, nil)
	f.Fuzz(func(t *testing.T, title, dir string) {
		p := r.layout(Card{Title: title, Byline: title, Dir: dir})
		checkGlyphs(t, p)
		if p.height() > p.box.Dy() {
			t.Fatalf("title %dpx high in a %dpx box", p.height(), p.box.Dy())
		}
		for _, l := range p.lines {
			if l.width() > fixed.I(p.box.Dx()) {
				t.Fatalf("line %q is wider than the box", lineString(l))
			}
		}
	})
}
