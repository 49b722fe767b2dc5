package article_test

import (
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"folio/article"
)

func TestSlugify(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"Hello, World!", "hello-world"},
		{"Trump and Putin unironically discussed forming a ‘cyber security unit’", "trump-and-putin-unironically-discussed-forming-a-cyber-security-unit"},
		{"Crème brûlée: ça marche", "creme-brulee-ca-marche"},
		{"Don't panic", "dont-panic"},
		{"  --Multiple   spaces--  ", "multiple-spaces"},
		{"Straße & Œuvre", "strasse-oeuvre"},
		{"日本語のタイトル", "article"},
		{"", "article"},
		{"Go 1.26 released", "go-1-26-released"},
	} {
		t.Run(tt.in, func(t *testing.T) {
			got := article.Slugify(tt.in)
			if got != tt.want {
				t.Fatalf("Slugify(%q)=%q, want %q", tt.in, got, tt.want)
			}
			if err := article.ValidSlug(got); err != nil {
				t.Fatalf("Slugify(%q)=%q is not a valid slug: %v", tt.in, got, err)
			}
		})
	}
	long := article.Slugify(strings.Repeat("word ", 100))
	if len(long) > article.MaxSlugLen-4 || strings.HasSuffix(long, "-") {
		t.Fatalf("long slug %q (%d bytes)", long, len(long))
	}
	if got := article.WithSuffix(long, 12); len(got) > article.MaxSlugLen || article.ValidSlug(got) != nil {
		t.Fatalf("WithSuffix gave %q", got)
	}
}

func TestValidSlug(t *testing.T) {
	for _, s := range []string{"", "Upper", "with space", "-lead", "trail-", "dou--ble", "dot.dot", "../etc", "ü", strings.Repeat("a", 101)} {
		if article.ValidSlug(s) == nil {
			t.Errorf("ValidSlug(%q) accepted it", s)
		} else if article.Code(article.ValidSlug(s)) != article.EINVALID {
			t.Errorf("ValidSlug(%q): code %q, want EINVALID", s, article.Code(article.ValidSlug(s)))
		}
	}
	for _, s := range []string{"a", "a-b", "2026-report", strings.Repeat("a", 100)} {
		if err := article.ValidSlug(s); err != nil {
			t.Errorf("ValidSlug(%q): %v", s, err)
		}
	}
}

func TestValidURL(t *testing.T) {
	for _, s := range []string{"javascript:alert(1)", "data:text/html,x", "ftp://x/y", "//example.com/x", "/relative", "http://", "https://exa mple.com", "vbscript:x",
		"https://user:pass@example.com/", "https://user@example.com/", "https://example.com:99999/", "https://example.com:0/",
		"https://example.com:/", "https://example.com:http/", "https://:80/"} {
		if article.ValidURL(s) == nil {
			t.Errorf("ValidURL(%q) accepted it", s)
		}
	}
	for _, s := range []string{"http://example.com", "https://example.com/a?b=c#d", "HTTPS://EXAMPLE.COM/", "https://example.com:8443/x",
		"http://example.com:1/", "https://example.com:65535/x", "http://[::1]:8080/", "http://a/b@c"} {
		if err := article.ValidURL(s); err != nil {
			t.Errorf("ValidURL(%q): %v", s, err)
		}
	}
}

func TestValidURLUserinfoAndPort(t *testing.T) {
	for _, tt := range []struct {
		url, msg string
	}{
		{"https://user:secret@example.com/a", "user name or password"},
		{"https://user@example.com/a", "user name or password"},
		{"https://@example.com/a", "user name or password"},
		{"http://example.com:99999/", "port"},
		{"http://example.com:65536/", "port"},
		{"http://example.com:0/", "port"},
		{"http://example.com:99999999999999999999999/", "port"},
		{"http://example.com:http/", "port"},
		{"http://user:secret@example.com:x/", "port"},
		{"http://[::1]:70000/", "port"},
		{"http://:80/", "no host"},
		{"http://example.com:/", "port"},
	} {
		t.Run(tt.url, func(t *testing.T) {
			err := article.ValidURL(tt.url)
			if err == nil || article.Code(err) != article.EINVALID || !strings.Contains(article.Message(err), tt.msg) {
				t.Fatalf("ValidURL(%q)=%v, want EINVALID mentioning %q", tt.url, err, tt.msg)
			}
			if strings.Contains(err.Error(), "secret") {
				t.Fatalf("ValidURL(%q)=%v repeats the password", tt.url, err)
			}
		})
	}
}

func TestReadingTime(t *testing.T) {
	en := strings.Repeat("word ", 476) // two minutes at 238 wpm
	if w, m := article.ReadingTime(en, "en"); w != 476 || m != 2 {
		t.Fatalf("English: %d words %d min, want 476 words 2 min", w, m)
	}
	// 1,040 Chinese characters at 260 a minute: four minutes, though they
	// hold no spaces at all.
	zh := strings.Repeat("读书使人充实", 173) + "读书"
	if w, m := article.ReadingTime(zh, "zh-Hans"); w != 1040 || m != 4 {
		t.Fatalf("Chinese: %d chars %d min, want 1040 and 4", w, m)
	}
	// Arabic reads slower per word than English: the same word count takes longer.
	ar := strings.Repeat("كلمة ", 476)
	if _, m := article.ReadingTime(ar, "ar"); m <= 2 {
		t.Fatalf("Arabic: %d min for 476 words, want more than English's 2", m)
	}
	if w, m := article.ReadingTime("", "en"); w != 0 || m != 0 {
		t.Fatalf("empty: %d %d", w, m)
	}
	if _, m := article.ReadingTime("one", "en"); m != 1 {
		t.Fatalf("one word: %d min, want at least 1", m)
	}
	if w, _ := article.ReadingTime("don't well-known e-mail", "en"); w != 3 {
		t.Fatalf("words with apostrophes and hyphens: %d, want 3", w)
	}
}

func valid() *article.Article {
	a := &article.Article{Title: "A title", HTML: "<p>Body text</p>"}
	a.Normalize("Body text", time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC))
	return a
}

func TestNormalize(t *testing.T) {
	a := valid()
	if a.Slug != "a-title" || !a.Published.IsZero() || a.Updated != time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) {
		t.Fatalf("derived: %+v (no date is invented; updated is now)", a)
	}
	if a.Excerpt != "Body text" || a.WordCount != 2 || a.ReadingMinutes != 1 || a.Tags == nil {
		t.Fatalf("derived: %+v", a)
	}
	b := &article.Article{Title: "x", Lang: "ar", Tags: []string{"Go", " go ", "News  Desk", ""}}
	b.Normalize("", time.Now())
	if b.Dir != "rtl" || strings.Join(b.Tags, "|") != "Go|News Desk" {
		t.Fatalf("dir=%q tags=%q", b.Dir, b.Tags)
	}
	if err := valid().Validate(); err != nil {
		t.Fatal(err)
	}
	pub := time.Date(2017, 7, 9, 14, 2, 0, 0, time.FixedZone("CEST", 7200))
	c := &article.Article{Title: "x", Published: pub}
	c.Normalize("", time.Now())
	if !c.Published.Equal(pub) || c.Published.Location() != time.UTC || c.Updated != c.Published {
		t.Fatalf("published=%v updated=%v, want the date in UTC for both", c.Published, c.Updated)
	}
}

func TestFitTags(t *testing.T) {
	long := strings.Repeat("word ", 20) // 100 characters
	many := make([]string, 114)
	for i := range many {
		many[i] = "tag" + strconv.Itoa(i)
	}
	for _, tt := range []struct {
		name string
		in   []string
		want []string
	}{
		{"split at commas", []string{"Security, Ransomware ,Europe", "europe"}, []string{"Security", "Ransomware", "Europe"}},
		{"long tag cut at a word", []string{long}, []string{strings.TrimSpace(strings.Repeat("word ", 11))}},
		{"too many kept first", many, many[:article.MaxTags]},
		{"empty", []string{" ", ","}, []string{}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := article.FitTags(tt.in)
			if !slices.Equal(got, tt.want) {
				t.Fatalf("FitTags(%q)=%q, want %q", tt.in, got, tt.want)
			}
			a := valid()
			a.Tags = got
			if err := a.Validate(); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestValidate(t *testing.T) {
	for _, tt := range []struct {
		name   string
		change func(a *article.Article)
		msg    string
	}{
		{"NoTitle", func(a *article.Article) { a.Title = " " }, "title is required"},
		{"LongTitle", func(a *article.Article) { a.Title = strings.Repeat("é", 301) }, "limit is 300"},
		{"BadSlug", func(a *article.Article) { a.Slug = "No" }, "slug"},
		{"BadURL", func(a *article.Article) { a.URL = "javascript:alert(1)" }, "http or https"},
		{"BadImage", func(a *article.Article) { a.Image = &article.Image{Src: "data:image/png;base64,xx"} }, "image.src"},
		{"URLUserinfo", func(a *article.Article) { a.URL = "https://u:p@example.com/a" }, "url: "},
		{"URLPort", func(a *article.Article) { a.URL = "https://example.com:99999/a" }, "url: the port"},
		{"ImageUserinfo", func(a *article.Article) { a.Image = &article.Image{Src: "https://u:p@example.com/a.png"} }, "image.src: "},
		{"ImagePort", func(a *article.Article) { a.Image = &article.Image{Src: "https://example.com:0/a.png"} }, "image.src: the port"},
		{"EmptyImage", func(a *article.Article) { a.Image = &article.Image{} }, "image needs"},
		{"NegativeWidth", func(a *article.Article) {
			a.Image = &article.Image{Src: "https://example.com/a.png", Width: -1, Height: 10}
		}, "image.width is -1"},
		{"HugeHeight", func(a *article.Article) {
			a.Image = &article.Image{Src: "https://example.com/a.png", Width: 10, Height: 100001}
		}, "image.height is 100001"},
		{"WidthOnly", func(a *article.Article) { a.Image = &article.Image{Src: "https://example.com/a.png", Width: 10} }, "give both or neither"},
		{"SizeNoSrc", func(a *article.Article) { a.Image = &article.Image{Caption: "c", Width: 10, Height: 10} }, "need an image.src"},
		{"SrcsetNoSrc", func(a *article.Article) {
			a.Image = &article.Image{Caption: "c", Srcset: []article.ImageSource{{Src: "https://e.com/a.png", Width: 10}}}
		}, "image.srcset needs an image.src"},
		{"SrcsetScheme", withSrcset(article.ImageSource{Src: "javascript:alert(1)", Width: 10}), "image.srcset[0].src"},
		{"SrcsetSpace", withSrcset(article.ImageSource{Src: "https://e.com/a b.png", Width: 10}), "white space"},
		{"SrcsetComma", withSrcset(article.ImageSource{Src: "https://e.com/a.png,", Width: 10}), "comma"},
		{"SrcsetWidth", withSrcset(article.ImageSource{Src: "https://e.com/a.png", Width: 0}), "image.srcset[0].width is 0"},
		{"SrcsetOrder", withSrcset(article.ImageSource{Src: "https://e.com/b.png", Width: 640}, article.ImageSource{Src: "https://e.com/c.png", Width: 640}), "narrowest first"},
		{"SrcsetMany", func(a *article.Article) {
			a.Image = &article.Image{Src: "https://e.com/a.png"}
			for w := 1; w <= article.MaxSrcset+1; w++ {
				a.Image.Srcset = append(a.Image.Srcset, article.ImageSource{Src: "https://e.com/a.png", Width: w})
			}
		}, "limit is 16"},
		{"BadDir", func(a *article.Article) { a.Dir = "up" }, "dir"},
		{"BadLang", func(a *article.Article) { a.Lang = "<script>" }, "lang"},
		{"ManyTags", func(a *article.Article) { a.Tags = strings.Fields(strings.Repeat("t ", 21)) }, "tags"},
		{"InvalidUTF8", func(a *article.Article) { a.Author = "\xff" }, "UTF-8"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a := valid()
			tt.change(a)
			err := a.Validate()
			if err == nil || article.Code(err) != article.EINVALID || !strings.Contains(err.Error(), tt.msg) {
				t.Fatalf("Validate()=%v, want EINVALID mentioning %q", err, tt.msg)
			}
		})
	}
	a := valid()
	a.Image = &article.Image{Caption: "Only a caption", Credit: "Someone"}
	if err := a.Validate(); err != nil {
		t.Fatalf("caption-only image: %v", err)
	}
	for _, side := range []int{1, article.MaxImageSide} {
		a.Image = &article.Image{Src: "https://example.com/a.png", Width: side, Height: side}
		if err := a.Validate(); err != nil {
			t.Fatalf("%d×%d image: %v", side, side, err)
		}
	}
}

func TestTruncate(t *testing.T) {
	if got := article.Truncate("short  text", 20); got != "short text" {
		t.Fatalf("got %q", got)
	}
	got := article.Truncate("The quick brown fox jumps over the lazy dog", 20)
	if got != "The quick brown fox…" {
		t.Fatalf("got %q", got)
	}
	if utf8.RuneCountInString(article.Truncate(strings.Repeat("日本", 200), 50)) > 51 {
		t.Fatal("truncate of unspaced text too long")
	}
}

func FuzzSlugify(f *testing.F) {
	for _, s := range []string{"Hello, World!", "Crème brûlée", "日本語", "--", "a\x00b", strings.Repeat("ab ", 60)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, title string) {
		s := article.Slugify(title)
		if err := article.ValidSlug(s); err != nil {
			t.Fatalf("Slugify(%q)=%q: %v", title, s, err)
		}
		if err := article.ValidSlug(article.WithSuffix(s, 99)); err != nil {
			t.Fatalf("WithSuffix(%q): %v", s, err)
		}
	})
}

func FuzzValidURL(f *testing.F) {
	for _, s := range []string{"https://example.com/x", "javascript:alert(1)", "HTTP://a", "http://[::1]:80/", "java\tscript:x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if article.ValidURL(s) != nil {
			return
		}
		low := strings.ToLower(s)
		if !strings.HasPrefix(low, "http://") && !strings.HasPrefix(low, "https://") {
			t.Fatalf("ValidURL accepted %q", s)
		}
		u, err := url.Parse(s)
		if err != nil || u.User != nil {
			t.Fatalf("ValidURL accepted %q (userinfo or unparsable)", s)
		}
		if p := u.Port(); p != "" {
			if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
				t.Fatalf("ValidURL accepted port %q in %q", p, s)
			}
		}
	})
}

func TestSrcset(t *testing.T) {
	// ParseSrcset reads HTML's srcset syntax and keeps the width candidates.
	for _, tt := range []struct{ in, want string }{
		{"a.jpg 320w, b.jpg 640w", "a.jpg 320w, b.jpg 640w"},
		{"  a.jpg   320w ,b.jpg 640W ", "a.jpg 320w, b.jpg 640w"},
		{"https://e.com/w_320,c_fill/a.jpg 320w", "https://e.com/w_320,c_fill/a.jpg 320w"}, // a comma inside a URL
		{"a.jpg, b.jpg 2x, c.jpg 640w", "c.jpg 640w"},                                      // "url," ends a candidate
		{"a.jpg 1x, b.jpg 2x", ""},
		{"a.jpg 320w 2x, b.jpg 0w, c.jpg -5w, d.jpg 1.5w, e.jpg +9w, f.jpg 100001w, g.jpg 100000w", "g.jpg 100000w"},
		{"a.jpg (odd, descriptor) 320w, b.jpg 640w", "b.jpg 640w"},
		{"", ""},
		{",,, ,", ""},
	} {
		if got := article.SrcsetString(article.ParseSrcset(tt.in)); got != tt.want {
			t.Errorf("ParseSrcset(%q)=%q, want %q", tt.in, got, tt.want)
		}
	}

	// SrcsetString writes narrowest first, and what it writes parses back.
	set := []article.ImageSource{{Src: "https://e.com/a,b.jpg", Width: 960}, {Src: "https://e.com/c.jpg?w=480", Width: 480}}
	s := article.SrcsetString(set)
	if s != "https://e.com/c.jpg?w=480 480w, https://e.com/a,b.jpg 960w" {
		t.Fatalf("SrcsetString=%q", s)
	}
	if back := article.ParseSrcset(s); !reflect.DeepEqual(back, []article.ImageSource{set[1], set[0]}) {
		t.Fatalf("ParseSrcset(SrcsetString(x))=%+v", back)
	}

	// Fit picks the narrowest candidate at least as wide as the box, the
	// src among them when its width is known.
	img := &article.Image{Src: "https://e.com/full.jpg", Width: 1200, Height: 675, Srcset: []article.ImageSource{
		{Src: "https://e.com/480.jpg", Width: 480}, {Src: "https://e.com/960.jpg", Width: 960}}}
	for _, tt := range []struct {
		box  int
		want string
	}{{1, "https://e.com/480.jpg"}, {480, "https://e.com/480.jpg"}, {481, "https://e.com/960.jpg"}, {1000, "https://e.com/full.jpg"}, {5000, "https://e.com/full.jpg"}} {
		if got := img.Fit(tt.box); got != tt.want {
			t.Errorf("Fit(%d)=%q, want %q", tt.box, got, tt.want)
		}
	}
	if got := len(img.Candidates()); got != 3 {
		t.Errorf("Candidates has %d, want 3 (the src's width is known)", got)
	}
	img.Width, img.Height = 0, 0
	if got := img.Fit(5000); got != "https://e.com/960.jpg" {
		t.Errorf("Fit(5000) without the src's width=%q, want the widest candidate", got)
	}
	if got := (&article.Image{Src: "https://e.com/x.jpg"}).Fit(640); got != "https://e.com/x.jpg" {
		t.Errorf("Fit without a srcset=%q, want the src", got)
	}
}

func FuzzSrcset(f *testing.F) {
	// What ParseSrcset reads, SrcsetString writes so that it reads back the
	// same, narrowest first: the form the stores keep.
	for _, s := range []string{"a.jpg 320w, b.jpg 640w", "https://e.com/w_1,c/a.jpg 1w,b 2w", "a, b 1w", "x (1, 2) 3w, y 4w", ",a 5w,,"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p := article.ParseSrcset(s)
		out := article.SrcsetString(p)
		back := article.ParseSrcset(out)
		sorted := slices.Clone(p)
		slices.SortStableFunc(sorted, func(a, b article.ImageSource) int { return a.Width - b.Width })
		if len(back) != len(sorted) || (len(back) > 0 && !reflect.DeepEqual(back, sorted)) {
			t.Fatalf("ParseSrcset(%q)=%+v; written %q reads back %+v", s, p, out, back)
		}
	})
}

// withSrcset returns an edit giving the article an image with the
// candidates.
func withSrcset(c ...article.ImageSource) func(*article.Article) {
	return func(a *article.Article) { a.Image = &article.Image{Src: "https://e.com/a.png", Srcset: c} }
}
