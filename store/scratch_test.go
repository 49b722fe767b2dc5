package store

import ("testing";"time")

func TestScratchFTS(t *testing.T) {
	db := MustOpen(t, ":memory:")
	for i := 0; i < 1000; i++ { if err := db.Create(ctx, benchArticle(i)); err != nil { t.Fatal(err) } }
	for _, q := range []string{`"reader" "articl"*`, `"reader" "articles"`, `"reader"*`, `"needle"*`} {
		for _, sqlq := range []string{"SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?",
			"SELECT count(*) FROM (SELECT id FROM articles WHERE id IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?) ORDER BY published DESC, id DESC LIMIT 21)"} {
			start := time.Now()
			var n int
			for i := 0; i < 20; i++ { db.r.QueryRow(sqlq, q).Scan(&n) }
			t.Logf("%-25s n=%d %v  %.40s", q, n, time.Since(start)/20, sqlq)
		}
	}
}
