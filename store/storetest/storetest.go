// Package storetest is the conformance suite for article.Store
// implementations. A store package runs it from its tests:
//
//	func TestStore(t *testing.T) {
//		storetest.Run(t, func(tb testing.TB) article.Store { return MustOpen(tb) })
//	}
package storetest

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"folio/article"
)

// base is the publication time the fixtures count from.
var base = time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)

// Bodies of the fixtures. They are constants: these are trusted test
// fixtures, not untrusted input, so no conversion to SafeHTML is needed.
const (
	plainHTML = `<p>A plain body: nothing much happens in it.</p>`
	plainText = `A plain body: nothing much happens in it.`
)

// Run runs the conformance suite. open must return a new, empty store
// each time it is called and close it when tb's test ends (tb.Cleanup).
func Run(t *testing.T, open func(testing.TB) article.Store) {
	t.Run("Create", func(t *testing.T) { testCreate(t, open) })
	t.Run("Get", func(t *testing.T) { testGet(t, open) })
	t.Run("Update", func(t *testing.T) { testUpdate(t, open) })
	t.Run("Delete", func(t *testing.T) { testDelete(t, open) })
	t.Run("Import", func(t *testing.T) { testImport(t, open) })
	t.Run("List", func(t *testing.T) { testList(t, open) })
	t.Run("Search", func(t *testing.T) { testSearch(t, open) })
	t.Run("Atomic", func(t *testing.T) { testAtomic(t, open) })
	t.Run("Concurrent", func(t *testing.T) { testConcurrent(t, open) })
	t.Run("Context", func(t *testing.T) { testContext(t, open) })
}

// New returns a valid, normalised article with a plain body, published
// hours after the suite's base time.
func New(slug, title string, hours int, tags ...string) *article.Article {
	a := &article.Article{
		Slug:      slug,
		Title:     title,
		Published: base.Add(time.Duration(hours) * time.Hour),
		Tags:      tags,
		HTML:      plainHTML,
	}
	a.Normalize(plainText, base)
	return a
}

// full returns an article with every field set.
func full() *article.Article {
	a := &article.Article{
		Slug:      "every-field",
		Title:     "Every field — «set» & <escaped>",
		Subtitle:  "A subtitle with ünïcödé",
		Author:    "Ada Lovelace",
		Site:      "Example Site",
		URL:       "https://example.com/articles/every-field?x=1&y=2",
		Published: base,
		Updated:   base.Add(36 * time.Hour),
		Tags:      []string{"Zeta", "alpha", "Mixed Case"},
		Image: &article.Image{
			Src:     "https://example.com/img/lead.jpg",
			Alt:     "A lead image",
			Caption: "The caption",
			Credit:  "Photo: someone",
			Width:   1600,
			Height:  900,
		},
		Excerpt: "A hand-written excerpt.",
		HTML:    `<h2>Heading</h2><p>Text with <a href="https://example.com/">a link</a> &amp; an entity.</p>`,
		Lang:    "ar-EG",
		Dir:     "rtl",
	}
	a.Normalize("Heading Text with a link & an entity.", base)
	return a
}

func ctx() context.Context { return context.Background() }

// code checks that err has the application error code want ("" for nil).
func code(tb testing.TB, what string, err error, want string) {
	tb.Helper()
	if got := article.Code(err); got != want {
		tb.Fatalf("%s: Code=%q (err %v), want %q", what, got, err, want)
	}
}

func mustCreate(tb testing.TB, s article.Store, a *article.Article) {
	tb.Helper()
	if err := s.Create(ctx(), a); err != nil {
		tb.Fatalf("Create(%q): %v", a.Slug, err)
	}
}

func mustGet(tb testing.TB, s article.Store, slug string) *article.Article {
	tb.Helper()
	a, err := s.Get(ctx(), slug)
	if err != nil {
		tb.Fatalf("Get(%q): %v", slug, err)
	}
	return a
}

// mustRoundTripImage creates a (the only article in s) and checks that Get
// and List give its image back as written.
func mustRoundTripImage(tb testing.TB, s article.Store, a *article.Article) {
	tb.Helper()
	mustCreate(tb, s, a)
	mustEqual(tb, mustGet(tb, s, a.Slug), a)
	p, err := s.List(ctx(), article.ListFilter{})
	if err != nil {
		tb.Fatalf("List: %v", err)
	}
	if len(p.Articles) != 1 || !reflect.DeepEqual(p.Articles[0].Image, a.Image) {
		tb.Fatalf("List image=%+v, want %+v", p.Articles[0].Image, a.Image)
	}
}

// mustUpdate replaces the article at slug with a.
func mustUpdate(tb testing.TB, s article.Store, slug string, a *article.Article) {
	tb.Helper()
	if err := s.Update(ctx(), slug, a); err != nil {
		tb.Fatalf("Update: %v", err)
	}
}

func mustCount(tb testing.TB, s article.Store, want int) {
	tb.Helper()
	n, err := s.Count(ctx())
	if err != nil {
		tb.Fatalf("Count: %v", err)
	}
	if n != want {
		tb.Fatalf("Count=%d, want %d", n, want)
	}
}

func mustEqual(tb testing.TB, got, want *article.Article) {
	tb.Helper()
	if !reflect.DeepEqual(got, want) {
		tb.Fatalf("article=\n%#v\nwant\n%#v", got, want)
	}
}

// listAll pages through the listing with the filter and returns every
// summary, checking that only the last page has no Next.
func listAll(tb testing.TB, s article.Store, f article.ListFilter) []article.Summary {
	tb.Helper()
	var all []article.Summary
	for i := 0; ; i++ {
		if i > 1000 {
			tb.Fatalf("List: more than 1000 pages")
		}
		p, err := s.List(ctx(), f)
		if err != nil {
			tb.Fatalf("List(%+v): %v", f, err)
		}
		if p.Articles == nil {
			tb.Fatalf("List(%+v): Articles is nil, want a non-nil slice", f)
		}
		all = append(all, p.Articles...)
		if p.Next == "" {
			return all
		}
		if len(p.Articles) == 0 {
			tb.Fatalf("List(%+v): empty page with Next %q", f, p.Next)
		}
		f.Cursor = p.Next
	}
}

func slugs(ss []article.Summary) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = s.Slug
	}
	return out
}

func sorted(s []string) []string {
	s = append([]string(nil), s...)
	sort.Strings(s)
	return s
}

func testCreate(t *testing.T, open func(testing.TB) article.Store) {
	t.Run("OK", func(t *testing.T) {
		s := open(t)
		a := New("hello", "Hello", 0, "Go")
		mustCreate(t, s, a)
		mustEqual(t, mustGet(t, s, "hello"), a)
		mustCount(t, s, 1)
	})
	t.Run("ErrConflict", func(t *testing.T) {
		s := open(t)
		mustCreate(t, s, New("hello", "First", 0))
		err := s.Create(ctx(), New("hello", "Second", 1))
		code(t, "Create(duplicate)", err, article.ECONFLICT)
		mustCount(t, s, 1)
		if got, want := mustGet(t, s, "hello").Title, "First"; got != want {
			t.Fatalf("Title=%q, want %q", got, want)
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		s := open(t)
		for name, mutate := range map[string]func(*article.Article){
			"NoTitle":  func(a *article.Article) { a.Title = " " },
			"BadSlug":  func(a *article.Article) { a.Slug = "Bad Slug" },
			"NoSlug":   func(a *article.Article) { a.Slug = "" },
			"BadURL":   func(a *article.Article) { a.URL = "javascript:alert(1)" },
			"BadImage": func(a *article.Article) { a.Image = &article.Image{} },
			"BadImageSize": func(a *article.Article) {
				a.Image = &article.Image{Src: "https://example.com/a.png", Width: 100001, Height: 1}
			},
			"BadUTF8": func(a *article.Article) { a.Title = "bad \xff" },
		} {
			t.Run(name, func(t *testing.T) {
				a := New("valid", "Valid", 0)
				mutate(a)
				code(t, "Create", s.Create(ctx(), a), article.EINVALID)
				mustCount(t, s, 0)
			})
		}
	})
	t.Run("Copies", func(t *testing.T) {
		// The store keeps its own copy: changing the article afterwards
		// changes nothing stored.
		s := open(t)
		a := New("hello", "Hello", 0, "Go", "Web")
		want := New("hello", "Hello", 0, "Go", "Web")
		mustCreate(t, s, a)
		a.Title = "Changed"
		a.Tags[0] = "changed"
		mustEqual(t, mustGet(t, s, "hello"), want)
	})
}

func testGet(t *testing.T, open func(testing.TB) article.Store) {
	t.Run("ErrNotFound", func(t *testing.T) {
		s := open(t)
		mustCreate(t, s, New("hello", "Hello", 0))
		for _, slug := range []string{"missing", "", "HELLO", "hello-", "' OR 1=1 --"} {
			_, err := s.Get(ctx(), slug)
			code(t, fmt.Sprintf("Get(%q)", slug), err, article.ENOTFOUND)
		}
	})
	t.Run("RoundTrip", func(t *testing.T) {
		s := open(t)
		a := full()
		mustCreate(t, s, a)
		mustEqual(t, mustGet(t, s, a.Slug), a)
	})
	t.Run("RoundTripEmpty", func(t *testing.T) {
		// No image stays nil, no tags stay an empty non-nil list.
		s := open(t)
		a := New("bare", "Bare", 0)
		if a.Image != nil || a.Tags == nil || len(a.Tags) != 0 {
			t.Fatalf("fixture: Image=%v Tags=%#v", a.Image, a.Tags)
		}
		mustCreate(t, s, a)
		got := mustGet(t, s, "bare")
		mustEqual(t, got, a)
		if got.Tags == nil {
			t.Fatalf("Tags=nil, want []string{}")
		}
	})
	t.Run("RoundTripImageSize", func(t *testing.T) {
		// The lead image's width and height come back from Get and List,
		// an update changes them, and an unknown size stays 0×0.
		s := open(t)
		a := New("sized", "Sized", 0)
		a.Image = &article.Image{Src: "https://example.com/a.webp", Width: 100000, Height: 1}
		mustRoundTripImage(t, s, a)
		b := New("sized", "Sized", 0)
		b.Image = &article.Image{Src: "https://example.com/b.png", Width: 640, Height: 480}
		mustUpdate(t, s, "sized", b)
		mustEqual(t, mustGet(t, s, "sized"), b)
		c := New("sized", "Sized", 0)
		c.Image = &article.Image{Src: "https://example.com/c.png"}
		mustUpdate(t, s, "sized", c)
		if got := mustGet(t, s, "sized").Image; got.Width != 0 || got.Height != 0 {
			t.Fatalf("Image=%dx%d after an update without a size, want 0x0", got.Width, got.Height)
		}
	})
	t.Run("RoundTripImageSrcset", func(t *testing.T) {
		// The lead image's srcset comes back from Get and List as written
		// (URLs with commas, query strings and the longest kept), an update
		// replaces it, and an update without one clears it.
		s := open(t)
		long := "https://example.com/" + strings.Repeat("x", article.MaxURLLen-len("https://example.com/"))
		a := New("srcset", "Srcset", 0)
		a.Image = &article.Image{Src: "https://example.com/a.jpg", Width: 1200, Height: 675}
		for w := 1; w <= article.MaxSrcset; w++ {
			a.Image.Srcset = append(a.Image.Srcset, article.ImageSource{Src: long, Width: w})
		}
		a.Image.Srcset[0].Src = "https://cdn.example.com/w_100,c_fill/a.jpg?v=2&x=(1)"
		mustRoundTripImage(t, s, a)
		b := New("srcset", "Srcset", 0)
		b.Image = &article.Image{Src: "https://example.com/b.jpg", Srcset: []article.ImageSource{{Src: "https://example.com/b-480.jpg", Width: 480}}}
		mustUpdate(t, s, "srcset", b)
		mustEqual(t, mustGet(t, s, "srcset"), b)
		c := New("srcset", "Srcset", 0)
		c.Image = &article.Image{Src: "https://example.com/c.jpg"}
		mustUpdate(t, s, "srcset", c)
		if got := mustGet(t, s, "srcset").Image; len(got.Srcset) != 0 {
			t.Fatalf("Srcset=%+v after an update without one, want none", got.Srcset)
		}
	})
	t.Run("RoundTripZone", func(t *testing.T) {
		// Times in another zone come back as the same instant.
		s := open(t)
		a := New("zoned", "Zoned", 0)
		zone := time.FixedZone("UTC+5:30", 5*3600+1800)
		a.Published = time.Date(2023, 7, 9, 23, 30, 15, 0, zone)
		a.Updated = a.Published.Add(time.Minute)
		mustCreate(t, s, a)
		got := mustGet(t, s, "zoned")
		if !got.Published.Equal(a.Published) || !got.Updated.Equal(a.Updated) {
			t.Fatalf("Published, Updated=%v, %v, want %v, %v", got.Published, got.Updated, a.Published, a.Updated)
		}
	})
	t.Run("Copies", func(t *testing.T) {
		s := open(t)
		mustCreate(t, s, full())
		got := mustGet(t, s, "every-field")
		got.Tags[0] = "changed"
		got.Image.Src = "https://changed.example/"
		mustEqual(t, mustGet(t, s, "every-field"), full())
	})
}

func testUpdate(t *testing.T, open func(testing.TB) article.Store) {
	t.Run("OK", func(t *testing.T) {
		s := open(t)
		mustCreate(t, s, New("hello", "Hello", 0, "Go"))
		b := full()
		b.Slug = "hello"
		mustUpdate(t, s, "hello", b)
		mustEqual(t, mustGet(t, s, "hello"), b)
		mustCount(t, s, 1)
		p, err := s.List(ctx(), article.ListFilter{Tag: "go"})
		if err != nil {
			t.Fatalf("List: %v", err)
		}
		if len(p.Articles) != 0 {
			t.Fatalf("List(tag=go)=%v, want none: the old tags must be gone", slugs(p.Articles))
		}
	})
	t.Run("Rename", func(t *testing.T) {
		s := open(t)
		mustCreate(t, s, New("old", "Old", 0))
		mustCreate(t, s, New("other", "Other", 1))
		b := New("new", "New", 0)
		mustUpdate(t, s, "old", b)
		_, err := s.Get(ctx(), "old")
		code(t, "Get(old)", err, article.ENOTFOUND)
		mustEqual(t, mustGet(t, s, "new"), b)
		mustCount(t, s, 2)
		if got, want := sorted(slugs(listAll(t, s, article.ListFilter{}))), []string{"new", "other"}; !reflect.DeepEqual(got, want) {
			t.Fatalf("List=%v, want %v", got, want)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		s := open(t)
		code(t, "Update", s.Update(ctx(), "missing", New("missing", "Missing", 0)), article.ENOTFOUND)
		mustCount(t, s, 0)
	})
	t.Run("ErrConflict", func(t *testing.T) {
		s := open(t)
		a, b := New("a", "A", 0), New("b", "B", 1)
		mustCreate(t, s, a)
		mustCreate(t, s, b)
		code(t, "Update(a→b)", s.Update(ctx(), "a", New("b", "Changed", 2)), article.ECONFLICT)
		mustEqual(t, mustGet(t, s, "a"), a)
		mustEqual(t, mustGet(t, s, "b"), b)
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		s := open(t)
		a := New("a", "A", 0)
		mustCreate(t, s, a)
		bad := New("a", "", 0)
		code(t, "Update", s.Update(ctx(), "a", bad), article.EINVALID)
		mustEqual(t, mustGet(t, s, "a"), a)
	})
	t.Run("KeepsSource", func(t *testing.T) {
		// An imported article renamed through Update is still the one its
		// source updates.
		s := open(t)
		a := New("imported", "Imported", 0)
		if _, err := s.Import(ctx(), "feed:item-1", a); err != nil {
			t.Fatalf("Import: %v", err)
		}
		mustUpdate(t, s, "imported", New("renamed", "Renamed", 0))
		again := New("imported", "Imported again", 0)
		created, err := s.Import(ctx(), "feed:item-1", again)
		if err != nil {
			t.Fatalf("Import again: %v", err)
		}
		if created || again.Slug != "renamed" {
			t.Fatalf("Import again: created=%v Slug=%q, want false, %q", created, again.Slug, "renamed")
		}
		if got, want := mustGet(t, s, "renamed").Title, "Imported again"; got != want {
			t.Fatalf("Title=%q, want %q", got, want)
		}
		mustCount(t, s, 1)
	})
}

func testDelete(t *testing.T, open func(testing.TB) article.Store) {
	t.Run("OK", func(t *testing.T) {
		s := open(t)
		mustCreate(t, s, New("keep", "Keep", 0, "shared"))
		gone := New("gone", "Gone zanzibar", 1, "shared")
		mustCreate(t, s, gone)
		if err := s.Delete(ctx(), "gone"); err != nil {
			t.Fatalf("Delete: %v", err)
		}
		_, err := s.Get(ctx(), "gone")
		code(t, "Get", err, article.ENOTFOUND)
		mustCount(t, s, 1)
		for _, f := range []article.ListFilter{{}, {Tag: "shared"}, {Query: "zanzibar"}} {
			got := slugs(listAll(t, s, f))
			for _, slug := range got {
				if slug == "gone" {
					t.Fatalf("List(%+v)=%v still lists the deleted article", f, got)
				}
			}
		}
		// The slug is free again.
		mustCreate(t, s, gone)
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		s := open(t)
		mustCreate(t, s, New("keep", "Keep", 0))
		code(t, "Delete", s.Delete(ctx(), "missing"), article.ENOTFOUND)
		mustCount(t, s, 1)
	})
}

func testImport(t *testing.T, open func(testing.TB) article.Store) {
	t.Run("Create", func(t *testing.T) {
		s := open(t)
		a := New("hello", "Hello", 0)
		created, err := s.Import(ctx(), "/data/hello.md", a)
		if err != nil || !created || a.Slug != "hello" {
			t.Fatalf("Import=%v, %v, Slug %q, want true, nil, %q", created, err, a.Slug, "hello")
		}
		mustEqual(t, mustGet(t, s, "hello"), a)
	})
	t.Run("UpdateInPlace", func(t *testing.T) {
		s := open(t)
		if _, err := s.Import(ctx(), "/data/hello.md", New("hello", "Hello", 0)); err != nil {
			t.Fatalf("Import: %v", err)
		}
		b := New("hello-world", "Hello, world", 1, "New")
		created, err := s.Import(ctx(), "/data/hello.md", b)
		if err != nil || created || b.Slug != "hello" {
			t.Fatalf("Import=%v, %v, Slug %q, want false, nil, %q", created, err, b.Slug, "hello")
		}
		mustEqual(t, mustGet(t, s, "hello"), b)
		_, err = s.Get(ctx(), "hello-world")
		code(t, "Get(hello-world)", err, article.ENOTFOUND)
		mustCount(t, s, 1)
	})
	t.Run("Suffix", func(t *testing.T) {
		s := open(t)
		mustCreate(t, s, New("hello", "Hello", 0))
		for i, want := range []string{"hello-2", "hello-3"} {
			a := New("hello", "Hello again", i+1)
			created, err := s.Import(ctx(), fmt.Sprintf("/data/%d.md", i), a)
			if err != nil || !created || a.Slug != want {
				t.Fatalf("Import %d=%v, %v, Slug %q, want true, nil, %q", i, created, err, a.Slug, want)
			}
			mustEqual(t, mustGet(t, s, want), a)
		}
		if got, want := mustGet(t, s, "hello").Title, "Hello"; got != want {
			t.Fatalf("Title=%q, want %q", got, want)
		}
		mustCount(t, s, 3)
		// Re-importing the second source updates hello-3, not a new one.
		a := New("hello", "Hello a third time", 5)
		created, err := s.Import(ctx(), "/data/1.md", a)
		if err != nil || created || a.Slug != "hello-3" {
			t.Fatalf("re-Import=%v, %v, Slug %q, want false, nil, %q", created, err, a.Slug, "hello-3")
		}
		mustCount(t, s, 3)
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		s := open(t)
		a := New("bad", "", 0)
		_, err := s.Import(ctx(), "/data/bad.md", a)
		code(t, "Import", err, article.EINVALID)
		if a.Slug != "bad" {
			t.Fatalf("Slug=%q after a failed Import, want %q", a.Slug, "bad")
		}
		mustCount(t, s, 0)
	})
}

func testList(t *testing.T, open func(testing.TB) article.Store) {
	t.Run("Empty", func(t *testing.T) {
		s := open(t)
		p, err := s.List(ctx(), article.ListFilter{})
		if err != nil {
			t.Fatalf("List: %v", err)
		}
		if p.Articles == nil || len(p.Articles) != 0 || p.Next != "" {
			t.Fatalf("List=%#v, want an empty non-nil page without Next", p)
		}
	})
	t.Run("Undated", func(t *testing.T) {
		// Articles whose source named no date keep a zero Published and
		// are listed after the dated ones, newest stored first, across
		// pages.
		s := open(t)
		for i, slug := range []string{"undated-1", "dated-old", "undated-2", "dated-new", "undated-3"} {
			a := New(slug, "Article "+slug, i)
			if strings.HasPrefix(slug, "undated") {
				a.Published = time.Time{}
			}
			mustCreate(t, s, a)
		}
		if got := mustGet(t, s, "undated-2"); !got.Published.IsZero() {
			t.Fatalf("Published=%v, want zero", got.Published)
		}
		got := slugs(listAll(t, s, article.ListFilter{Limit: 2}))
		want := []string{"dated-new", "dated-old", "undated-3", "undated-2", "undated-1"}
		if !slices.Equal(got, want) {
			t.Fatalf("List=%q, want %q", got, want)
		}
	})
	t.Run("Pagination", func(t *testing.T) {
		// 45 articles, in groups of three with the same publication time,
		// created in an order unrelated to it.
		s := open(t)
		const n = 45
		want := map[string]time.Time{}
		for i := 0; i < n; i++ {
			j := (i * 17) % n // a permutation of 0..44
			a := New(fmt.Sprintf("article-%02d", j), fmt.Sprintf("Article %d", j), j/3)
			mustCreate(t, s, a)
			want[a.Slug] = a.Published
		}
		var sizes []int
		var all []article.Summary
		f := article.ListFilter{Limit: 10}
		for {
			p, err := s.List(ctx(), f)
			if err != nil {
				t.Fatalf("List: %v", err)
			}
			sizes = append(sizes, len(p.Articles))
			all = append(all, p.Articles...)
			if p.Next == "" {
				break
			}
			if len(sizes) > n {
				t.Fatalf("List: too many pages")
			}
			f.Cursor = p.Next
		}
		if got, wantSizes := sizes, []int{10, 10, 10, 10, 5}; !reflect.DeepEqual(got, wantSizes) {
			t.Fatalf("page sizes=%v, want %v", got, wantSizes)
		}
		seen := map[string]bool{}
		for i, sum := range all {
			if seen[sum.Slug] {
				t.Fatalf("%q listed twice", sum.Slug)
			}
			seen[sum.Slug] = true
			if p, ok := want[sum.Slug]; !ok || !p.Equal(sum.Published) {
				t.Fatalf("%q: Published=%v, want %v", sum.Slug, sum.Published, p)
			}
			if i > 0 && sum.Published.After(all[i-1].Published) {
				t.Fatalf("%q (%v) listed after %q (%v): not newest first", sum.Slug, sum.Published, all[i-1].Slug, all[i-1].Published)
			}
		}
		if len(seen) != n {
			t.Fatalf("listed %d articles, want %d", len(seen), n)
		}
	})
	t.Run("ExactPages", func(t *testing.T) {
		// A last page that is exactly full has no Next.
		s := open(t)
		for i := 0; i < 20; i++ {
			mustCreate(t, s, New(fmt.Sprintf("a-%d", i), "A", i))
		}
		p, err := s.List(ctx(), article.ListFilter{Limit: 20})
		if err != nil || len(p.Articles) != 20 || p.Next != "" {
			t.Fatalf("List(limit 20)=%d articles, Next %q, err %v; want 20, \"\", nil", len(p.Articles), p.Next, err)
		}
		p, err = s.List(ctx(), article.ListFilter{Limit: 10})
		if err != nil || len(p.Articles) != 10 || p.Next == "" {
			t.Fatalf("List(limit 10)=%d articles, Next %q, err %v; want 10, a cursor, nil", len(p.Articles), p.Next, err)
		}
		p, err = s.List(ctx(), article.ListFilter{Limit: 10, Cursor: p.Next})
		if err != nil || len(p.Articles) != 10 || p.Next != "" {
			t.Fatalf("List(page 2)=%d articles, Next %q, err %v; want 10, \"\", nil", len(p.Articles), p.Next, err)
		}
	})
	t.Run("Order", func(t *testing.T) {
		s := open(t)
		mustCreate(t, s, New("middle", "Middle", 5))
		mustCreate(t, s, New("newest", "Newest", 9))
		mustCreate(t, s, New("oldest", "Oldest", -3))
		got := slugs(listAll(t, s, article.ListFilter{Limit: 2}))
		if want := []string{"newest", "middle", "oldest"}; !reflect.DeepEqual(got, want) {
			t.Fatalf("List=%v, want %v", got, want)
		}
	})
	t.Run("Summary", func(t *testing.T) {
		s := open(t)
		a := full()
		mustCreate(t, s, a)
		mustCreate(t, s, New("bare", "Bare", -1))
		p, err := s.List(ctx(), article.ListFilter{})
		if err != nil {
			t.Fatalf("List: %v", err)
		}
		if len(p.Articles) != 2 {
			t.Fatalf("List=%v, want 2 articles", slugs(p.Articles))
		}
		if got, want := p.Articles[0], a.Summary(); !reflect.DeepEqual(got, want) {
			t.Fatalf("summary=\n%#v\nwant\n%#v", got, want)
		}
		if got := p.Articles[1]; got.Image != nil || got.Tags == nil {
			t.Fatalf("bare summary: Image=%v Tags=%#v, want nil and []", got.Image, got.Tags)
		}
	})
	t.Run("StableCursor", func(t *testing.T) {
		// Writes between pages neither repeat nor skip the articles that
		// were there all along.
		s := open(t)
		for i := 0; i < 12; i++ {
			mustCreate(t, s, New(fmt.Sprintf("a-%02d", i), "A", i))
		}
		p, err := s.List(ctx(), article.ListFilter{Limit: 5})
		if err != nil {
			t.Fatalf("List: %v", err)
		}
		got := slugs(p.Articles)
		mustCreate(t, s, New("newer", "Newer", 100))
		if err := s.Delete(ctx(), got[0]); err != nil {
			t.Fatalf("Delete: %v", err)
		}
		got = append(got, slugs(listAll(t, s, article.ListFilter{Limit: 5, Cursor: p.Next}))...)
		var want []string
		for i := 11; i >= 0; i-- {
			want = append(want, fmt.Sprintf("a-%02d", i))
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("List=%v, want %v", got, want)
		}
	})
	t.Run("Limit", func(t *testing.T) {
		s := open(t)
		for i := 0; i < 105; i++ {
			mustCreate(t, s, New(fmt.Sprintf("a-%03d", i), "A", i))
		}
		for _, tt := range []struct{ limit, want int }{{0, 20}, {1, 1}, {37, 37}, {100, 100}} {
			p, err := s.List(ctx(), article.ListFilter{Limit: tt.limit})
			if err != nil {
				t.Fatalf("List(limit %d): %v", tt.limit, err)
			}
			if len(p.Articles) != tt.want || p.Next == "" {
				t.Fatalf("List(limit %d)=%d articles, Next %q; want %d and a cursor", tt.limit, len(p.Articles), p.Next, tt.want)
			}
		}
	})
	t.Run("ErrLimit", func(t *testing.T) {
		s := open(t)
		for _, limit := range []int{-1, -100, 101, 1 << 30} {
			_, err := s.List(ctx(), article.ListFilter{Limit: limit})
			code(t, fmt.Sprintf("List(limit %d)", limit), err, article.EINVALID)
		}
	})
	t.Run("ErrCursor", func(t *testing.T) {
		s := open(t)
		mustCreate(t, s, New("a", "A", 0))
		for _, c := range []string{"!", "not a cursor", "%%", "====", "bm90LWEtY3Vyc29y", "eA", "AAAA", "\x00", "MjAyNCwx"} {
			_, err := s.List(ctx(), article.ListFilter{Cursor: c})
			code(t, fmt.Sprintf("List(cursor %q)", c), err, article.EINVALID)
		}
	})
	t.Run("Tag", func(t *testing.T) {
		s := open(t)
		mustCreate(t, s, New("go-web", "Go on the web", 4, "Go", "Web"))
		mustCreate(t, s, New("go", "Go", 3, "go"))
		mustCreate(t, s, New("golang", "Golang", 2, "golang"))
		mustCreate(t, s, New("rust", "Rust", 1, "Rust", "Systems Programming"))
		mustCreate(t, s, New("none", "None", 0))
		for _, tt := range []struct {
			tag  string
			want []string
		}{
			{"go", []string{"go-web", "go"}},
			{"GO", []string{"go-web", "go"}},
			{"Web", []string{"go-web"}},
			{"systems programming", []string{"rust"}},
			{"systems", nil},
			{"gol", nil},
			{"nope", nil},
			{"' OR 1=1 --", nil},
		} {
			got := slugs(listAll(t, s, article.ListFilter{Tag: tt.tag, Limit: 1}))
			if len(got) == 0 && len(tt.want) == 0 {
				continue
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("List(tag %q)=%v, want %v", tt.tag, got, tt.want)
			}
		}
	})
}

// Bodies for the search tests.
const (
	gopherHTML = `<p>Gophers at work build a burrow.</p>`
	gopherText = `Gophers at work build a burrow.`
	birdHTML   = `<p>The <em>pelican</em> eats fish. See <a href="https://example.com/zebra">the link</a>.</p>`
	birdText   = `The pelican eats fish. See the link.`
)

func searchFixture(t *testing.T, open func(testing.TB) article.Store) article.Store {
	s := open(t)
	a := &article.Article{Slug: "gophers", Title: "Underground life", Published: base.Add(5 * time.Hour), HTML: gopherHTML, Tags: []string{"Animals"}}
	a.Normalize(gopherText, base)
	b := &article.Article{Slug: "birds", Title: "Coastal birds", Published: base.Add(4 * time.Hour), HTML: birdHTML, Tags: []string{"Animals", "Sea"}}
	b.Normalize(birdText, base)
	c := New("by-ada", "Notes on an engine", 3)
	c.Author = "Ada Lovelace"
	d := New("stars", "Night sky", 2, "Astronomy")
	e := New("sub", "Plain title", 1)
	e.Subtitle = "Quixotic subtitles"
	f := New("excerpt", "Another title", 0)
	f.Excerpt = "A marmalade excerpt."
	for _, x := range []*article.Article{a, b, c, d, e, f} {
		mustCreate(t, s, x)
	}
	return s
}

func testSearch(t *testing.T, open func(testing.TB) article.Store) {
	t.Run("OK", func(t *testing.T) {
		s := searchFixture(t, open)
		for _, tt := range []struct {
			q, tag string
			want   []string
		}{
			{q: "gophers", want: []string{"gophers"}},
			{q: "GOPHERS", want: []string{"gophers"}},
			{q: "gophers work", want: []string{"gophers"}},
			{q: "  work   gophers ", want: []string{"gophers"}},
			{q: "underground", want: []string{"gophers"}},
			{q: "pelican", want: []string{"birds"}},
			{q: "lovelace", want: []string{"by-ada"}},
			{q: "astronomy", want: []string{"stars"}},
			{q: "quixotic", want: []string{"sub"}},
			{q: "marmalade", want: []string{"excerpt"}},
			{q: "animals", want: []string{"gophers", "birds"}},
			{q: "animals", tag: "sea", want: []string{"birds"}},
			{q: "gophers", tag: "sea", want: nil},
			{q: "pelican gophers", want: nil},
			{q: "zebra", want: nil}, // in an attribute, not in the text
			{q: "href", want: nil},
			{q: "nonexistentword", want: nil},
		} {
			got := slugs(listAll(t, s, article.ListFilter{Query: tt.q, Tag: tt.tag, Limit: 1}))
			if len(got) == 0 && len(tt.want) == 0 {
				continue
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("List(q %q, tag %q)=%v, want %v", tt.q, tt.tag, got, tt.want)
			}
		}
	})
	t.Run("Prefix", func(t *testing.T) {
		// The last word of a query matches as a prefix, for search as you
		// type.
		s := searchFixture(t, open)
		got := slugs(listAll(t, s, article.ListFilter{Query: "burrow pelic"}))
		if len(got) != 0 {
			t.Fatalf("List(q %q)=%v, want none", "burrow pelic", got)
		}
		got = slugs(listAll(t, s, article.ListFilter{Query: "eats pelic"}))
		if want := []string{"birds"}; !reflect.DeepEqual(got, want) {
			t.Fatalf("List(q %q)=%v, want %v", "eats pelic", got, want)
		}
	})
	t.Run("Hostile", func(t *testing.T) {
		// Query syntax typed by a user is never an error.
		s := searchFixture(t, open)
		for _, q := range []string{
			`"`, `""`, `"""`, `AND(`, `AND`, `OR`, `NOT`, `NEAR(a b)`, `NEAR`, `*`, `a*b`, `^`, `^gophers`, `-`, `+`,
			`:`, `title:`, `title:gophers`, `{title body}: x`, `(`, `)`, `((((`, `'`, `\`, `%`, `_`,
			`;DROP TABLE articles;--`, `' OR 1=1 --`, "\x00", "go\x00phers", "\xff\xfe", "🦫", "日本語",
			`col:"x" AND NOT y*`, `gophers"`, `"gophers`, `gophers OR`, `-gophers`, `(gophers)`,
			strings.Repeat("a ", 5000), strings.Repeat("(", 1000), strings.Repeat(`"`, 999),
		} {
			p, err := s.List(ctx(), article.ListFilter{Query: q})
			if err != nil {
				t.Fatalf("List(q %.40q): %v", q, err)
			}
			if p.Articles == nil {
				t.Fatalf("List(q %.40q): Articles is nil", q)
			}
		}
		for _, q := range []string{`"gophers"`, `gophers"`, `(gophers)`, `-gophers`, `gophers*`, `^gophers`} {
			got := slugs(listAll(t, s, article.ListFilter{Query: q}))
			if want := []string{"gophers"}; !reflect.DeepEqual(got, want) {
				t.Fatalf("List(q %q)=%v, want %v", q, got, want)
			}
		}
		mustCount(t, s, 6)
	})
	t.Run("AfterUpdate", func(t *testing.T) {
		s := searchFixture(t, open)
		b := New("gophers", "Moles instead", 5)
		mustUpdate(t, s, "gophers", b)
		if got := slugs(listAll(t, s, article.ListFilter{Query: "burrow"})); len(got) != 0 {
			t.Fatalf("List(q burrow)=%v after the update, want none", got)
		}
		got := slugs(listAll(t, s, article.ListFilter{Query: "moles"}))
		if want := []string{"gophers"}; !reflect.DeepEqual(got, want) {
			t.Fatalf("List(q moles)=%v, want %v", got, want)
		}
	})
}

func testAtomic(t *testing.T, open func(testing.TB) article.Store) {
	// A write that fails leaves no trace: not in Get, Count, the tag filter
	// or the search.
	check := func(t *testing.T, s article.Store, count int) {
		t.Helper()
		mustCount(t, s, count)
		for _, f := range []article.ListFilter{{Query: "xylophone"}, {Tag: "failed-write"}} {
			if got := slugs(listAll(t, s, f)); len(got) != 0 {
				t.Fatalf("List(%+v)=%v, want none", f, got)
			}
		}
	}
	failing := func(slug string) *article.Article {
		a := New(slug, "Xylophone", 7, "failed-write")
		return a
	}
	t.Run("Conflict", func(t *testing.T) {
		s := open(t)
		orig := New("taken", "Taken", 0)
		mustCreate(t, s, orig)
		code(t, "Create", s.Create(ctx(), failing("taken")), article.ECONFLICT)
		check(t, s, 1)
		mustEqual(t, mustGet(t, s, "taken"), orig)
	})
	t.Run("Invalid", func(t *testing.T) {
		s := open(t)
		mustCreate(t, s, New("taken", "Taken", 0))
		a := failing("fresh")
		a.Lang = "not a language"
		code(t, "Create", s.Create(ctx(), a), article.EINVALID)
		_, err := s.Import(ctx(), "src", a)
		code(t, "Import", err, article.EINVALID)
		check(t, s, 1)
		_, err = s.Get(ctx(), "fresh")
		code(t, "Get", err, article.ENOTFOUND)
	})
	t.Run("UpdateConflict", func(t *testing.T) {
		s := open(t)
		a, b := New("a", "A", 0), New("b", "B", 1)
		mustCreate(t, s, a)
		mustCreate(t, s, b)
		code(t, "Update", s.Update(ctx(), "a", failing("b")), article.ECONFLICT)
		check(t, s, 2)
		mustEqual(t, mustGet(t, s, "a"), a)
		mustEqual(t, mustGet(t, s, "b"), b)
	})
}

func testConcurrent(t *testing.T, open func(testing.TB) article.Store) {
	// 8 writers create 25 articles each while 2 readers list: every call
	// succeeds and every article is there once.
	s := open(t)
	const writers, each = 8, 25
	var wg sync.WaitGroup
	errs := make(chan error, writers+2)
	done := make(chan struct{})
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				a := New(fmt.Sprintf("w%d-%02d", w, i), fmt.Sprintf("Writer %d article %d", w, i), i, fmt.Sprintf("writer-%d", w))
				if err := s.Create(ctx(), a); err != nil {
					errs <- fmt.Errorf("Create(%q): %w", a.Slug, err)
					return
				}
			}
		}()
	}
	var rg sync.WaitGroup
	for r := 0; r < 2; r++ {
		rg.Add(1)
		go func() {
			defer rg.Done()
			for {
				select {
				case <-done:
					return
				default:
				}
				if _, err := s.List(ctx(), article.ListFilter{Limit: 10, Query: "writer"}); err != nil {
					errs <- fmt.Errorf("List: %w", err)
					return
				}
				if _, err := s.Count(ctx()); err != nil {
					errs <- fmt.Errorf("Count: %w", err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(done)
	rg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	mustCount(t, s, writers*each)
	all := listAll(t, s, article.ListFilter{Limit: 100})
	seen := map[string]bool{}
	for _, sum := range all {
		if seen[sum.Slug] {
			t.Fatalf("%q listed twice", sum.Slug)
		}
		seen[sum.Slug] = true
	}
	if len(seen) != writers*each {
		t.Fatalf("listed %d articles, want %d", len(seen), writers*each)
	}
	if got := len(listAll(t, s, article.ListFilter{Tag: "writer-3"})); got != each {
		t.Fatalf("List(tag writer-3)=%d articles, want %d", got, each)
	}
}

func testContext(t *testing.T, open func(testing.TB) article.Store) {
	t.Run("Canceled", func(t *testing.T) {
		s := open(t)
		mustCreate(t, s, New("there", "There", 0))
		c, cancel := context.WithCancel(ctx())
		cancel()
		if err := s.Create(c, New("hello", "Hello", 0)); err == nil {
			t.Fatalf("Create with a canceled context: err=nil")
		}
		if _, err := s.Import(c, "src", New("hello", "Hello", 0)); err == nil {
			t.Fatalf("Import with a canceled context: err=nil")
		}
		if err := s.Delete(c, "there"); err == nil {
			t.Fatalf("Delete with a canceled context: err=nil")
		}
		if _, err := s.Get(c, "there"); err == nil {
			t.Fatalf("Get with a canceled context: err=nil")
		}
		if _, err := s.List(c, article.ListFilter{}); err == nil {
			t.Fatalf("List with a canceled context: err=nil")
		}
		mustCount(t, s, 1)
		mustGet(t, s, "there")
	})
}
