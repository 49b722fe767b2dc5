package store

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"folio/article"
)

// benchWords make up the benchmark bodies; "needle" is in one article in
// fifty.
var benchWords = strings.Fields("the a reader of long articles finds that the text flows on a page " +
	"with images and quotes from people who write about science history art and the city at night")

// benchArticle returns an article of about 1,000 words (6 KB of HTML),
// like a long-form piece.
func benchArticle(i int) *article.Article {
	var b strings.Builder
	for p := 0; p < 10; p++ {
		b.WriteString("<p>")
		for w := 0; w < 100; w++ {
			b.WriteString(benchWords[(i+p*7+w*13)%len(benchWords)])
			b.WriteByte(' ')
		}
		if i%50 == 0 && p == 5 {
			b.WriteString("needle ")
		}
		b.WriteString("</p>")
	}
	body := b.String()
	a := &article.Article{
		Slug:      fmt.Sprintf("article-%05d", i),
		Title:     fmt.Sprintf("Article number %d about %s", i, benchWords[i%len(benchWords)]),
		Author:    "Bench Author",
		Published: base.Add(time.Duration(i) * time.Minute),
		Tags:      []string{fmt.Sprintf("tag-%d", i%10), "Bench"},
		HTML:      article.SafeHTML(body),
	}
	a.Normalize(plainText(a.HTML), base)
	return a
}

// benchDB returns a file store holding n benchmark articles.
func benchDB(b *testing.B, n int) *DB {
	b.Helper()
	db := MustOpen(b, filepath.Join(b.TempDir(), "bench.db"))
	for i := 0; i < n; i++ {
		if err := db.Create(ctx, benchArticle(i)); err != nil {
			b.Fatal(err)
		}
	}
	return db
}

func BenchmarkGet(b *testing.B) {
	db := benchDB(b, 1000)
	i := 0
	for b.Loop() {
		if _, err := db.Get(ctx, fmt.Sprintf("article-%05d", i%1000)); err != nil {
			b.Fatal(err)
		}
		i += 7
	}
}

func BenchmarkList(b *testing.B) {
	db := benchDB(b, 1000)
	p, err := db.List(ctx, article.ListFilter{Limit: 20})
	if err != nil {
		b.Fatal(err)
	}
	for _, bb := range []struct {
		name string
		f    article.ListFilter
	}{
		{"First", article.ListFilter{Limit: 20}},
		{"Next", article.ListFilter{Limit: 20, Cursor: p.Next}},
		{"Tag", article.ListFilter{Limit: 20, Tag: "TAG-3"}},
		{"Query", article.ListFilter{Limit: 20, Query: "needle"}},
		{"QueryCommon", article.ListFilter{Limit: 20, Query: "reader articl"}},
	} {
		b.Run(bb.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := db.List(ctx, bb.f); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkCreate(b *testing.B) {
	for _, path := range []string{"file", ":memory:"} {
		b.Run(path, func(b *testing.B) {
			p := path
			if p == "file" {
				p = filepath.Join(b.TempDir(), "bench.db")
			}
			db := MustOpen(b, p)
			arts := make([]*article.Article, 100)
			for i := range arts {
				arts[i] = benchArticle(i)
			}
			i := 0
			for b.Loop() {
				a := *arts[i%len(arts)]
				a.Slug = fmt.Sprintf("create-%d", i)
				if err := db.Create(ctx, &a); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}
