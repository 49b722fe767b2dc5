package article_test

import (
	"net/url"
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
