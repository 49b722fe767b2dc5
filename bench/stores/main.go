// Command stores compares the SQLite and the PostgreSQL article stores on
// one corpus: it loads N generated articles into each (in batches of one
// transaction), then times Get, the first page of List, the tag filter and
// full-text search from one client, and prints p50 and p99 side by side.
//
//	go run ./bench/stores -pg postgres://folio@127.0.0.1:5432/bench -n 100000
//
// bench/stores.sh starts a throwaway PostgreSQL cluster and runs it.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"folio/article"
	"folio/internal/storage"
	"folio/sanitize"
	"folio/store/searchtext"

	"github.com/jackc/pgx/v5"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "stores:", err)
		os.Exit(1)
	}
}

// words make up the bodies; the rare words are in few articles each.
var words = strings.Fields("the a reader of long articles finds that the text flows on a page " +
	"with images and quotes from people who write about science history art and the city at night " +
	"running runners ran gardens museum harbour bridges winter summer")

const wordsPerArticle = 300

// newArticle returns the i-th article of the corpus: about 300 words of
// English, two tags of which one ("tag-N") is on a tenth of the corpus and
// one ("topic-N") on a thousandth, "needle" in one article in fifty and
// "rareN" in one in a thousand.
func newArticle(i int, base time.Time) *article.Article {
	var b strings.Builder
	for p := 0; p < 5; p++ {
		b.WriteString("<p>")
		for w := 0; w < wordsPerArticle/5; w++ {
			b.WriteString(words[(i+p*7+w*13)%len(words)])
			b.WriteByte(' ')
		}
		if i%50 == 0 && p == 2 {
			b.WriteString("needle ")
		}
		if p == 3 {
			fmt.Fprintf(&b, "rare%d ", i%1000)
		}
		b.WriteString("</p>")
	}
	body, _ := sanitize.HTML(b.String(), nil) // only the sanitiser makes SafeHTML
	a := &article.Article{
		Slug:      fmt.Sprintf("article-%06d", i),
		Title:     fmt.Sprintf("Article number %d about %s", i, words[i%len(words)]),
		Author:    "Bench Author",
		Published: base.Add(time.Duration(i) * time.Minute),
		Tags:      []string{fmt.Sprintf("tag-%d", i%10), fmt.Sprintf("topic-%d", i%1000)},
		HTML:      body,
		Lang:      "en",
	}
	a.Normalize(searchtext.Plain(a.HTML), base)
	return a
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("stores", flag.ContinueOnError)
	n := fs.Int("n", 100000, "articles to load")
	pgDSN := fs.String("pg", "", "PostgreSQL database `URL` (an empty database)")
	sqlitePath := fs.String("sqlite", "", "SQLite `file` (default: a new one in a temporary directory)")
	iters := fs.Int("iters", 2000, "timed calls per operation and store, at most")
	budget := fs.Duration("budget", 10*time.Second, "time per operation and store, at most (but at least 100 calls)")
	batch := fs.Int("batch", 1000, "articles per load transaction")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *pgDSN == "" {
		return fmt.Errorf("-pg is required")
	}
	if *sqlitePath == "" {
		dir, err := os.MkdirTemp("", "folio-bench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		*sqlitePath = filepath.Join(dir, "bench.db")
	}
	stores := []struct {
		name, dsn string
		s         storage.Store
	}{{name: "SQLite", dsn: *sqlitePath}, {name: "PostgreSQL", dsn: *pgDSN}}
	base := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range stores {
		s, err := storage.Open(ctx, stores[i].dsn)
		if err != nil {
			return err
		}
		defer s.Close()
		stores[i].s = s
		have, err := s.Count(ctx)
		if err != nil {
			return err
		}
		start := time.Now()
		for lo := have; lo < *n; lo += *batch {
			as := make([]*article.Article, 0, *batch)
			for j := lo; j < min(lo+*batch, *n); j++ {
				as = append(as, newArticle(j, base))
			}
			if err := s.CreateMany(ctx, as); err != nil {
				return fmt.Errorf("%s: load: %w", stores[i].name, err)
			}
		}
		fmt.Fprintf(stderr, "%s: %d articles loaded in %v\n", stores[i].name, *n-have, time.Since(start).Round(time.Millisecond))
	}
	// Fresh planner statistics and visibility map, as autovacuum would
	// leave them after a while.
	conn, err := pgx.Connect(ctx, *pgDSN)
	if err != nil {
		return err
	}
	_, err = conn.Exec(ctx, "VACUUM ANALYZE articles")
	conn.Close(ctx)
	if err != nil {
		return fmt.Errorf("vacuum analyze: %w", err)
	}

	ops := []struct {
		name string
		call func(s storage.Store, r *rand.Rand) error
	}{
		{"Get", func(s storage.Store, r *rand.Rand) error {
			_, err := s.Get(ctx, fmt.Sprintf("article-%06d", r.IntN(*n)))
			return err
		}},
		{"List first page (20)", list(ctx, func(r *rand.Rand) article.ListFilter { return article.ListFilter{} })},
		{"List page 50 (cursor)", nil},
		{"Tag, 10% of articles", list(ctx, func(r *rand.Rand) article.ListFilter {
			return article.ListFilter{Tag: fmt.Sprintf("TAG-%d", r.IntN(10))}
		})},
		{"Tag, 0.1% of articles", list(ctx, func(r *rand.Rand) article.ListFilter {
			return article.ListFilter{Tag: fmt.Sprintf("topic-%d", r.IntN(1000))}
		})},
		{"Search, 2% (needle)", list(ctx, func(r *rand.Rand) article.ListFilter { return article.ListFilter{Query: "needle"} })},
		{"Search, 0.1% (rareN)", list(ctx, func(r *rand.Rand) article.ListFilter {
			return article.ListFilter{Query: fmt.Sprintf("rare%d", r.IntN(1000))}
		})},
		{"Search, common prefix", list(ctx, func(r *rand.Rand) article.ListFilter {
			return article.ListFilter{Query: "museum harb"}
		})},
		{"Search + tag", list(ctx, func(r *rand.Rand) article.ListFilter {
			return article.ListFilter{Query: "needle", Tag: "tag-0"} // every needle is in tag-0
		})},
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "operation (%d articles)\tSQLite p50\tp99\tPostgreSQL p50\tp99\ttimed calls\t\n", *n)
	for _, op := range ops {
		var calls []string
		fmt.Fprintf(tw, "%s\t", op.name)
		for _, st := range stores {
			call := op.call
			if call == nil {
				c, err := cursorAt(ctx, st.s, 50)
				if err != nil {
					return err
				}
				call = list(ctx, func(r *rand.Rand) article.ListFilter { return article.ListFilter{Cursor: c} })
			}
			r := rand.New(rand.NewPCG(1, 2))
			for range min(*iters/10, 20) { // warm up
				if err := call(st.s, r); err != nil {
					return fmt.Errorf("%s: %s: %w", st.name, op.name, err)
				}
			}
			d := make([]time.Duration, 0, *iters)
			for opStart := time.Now(); len(d) < *iters && (len(d) < 100 || time.Since(opStart) < *budget); {
				start := time.Now()
				if err := call(st.s, r); err != nil {
					return fmt.Errorf("%s: %s: %w", st.name, op.name, err)
				}
				d = append(d, time.Since(start))
			}
			slices.Sort(d)
			fmt.Fprintf(tw, "%s\t%s\t", fmtDur(d[len(d)/2]), fmtDur(d[len(d)*99/100]))
			calls = append(calls, fmt.Sprintf("%s %d", st.name, len(d)))
		}
		fmt.Fprintf(tw, "%s\t\n", strings.Join(calls, ", "))
		fmt.Fprintf(stderr, "%s: done\n", op.name)
	}
	return tw.Flush()
}

// list returns an operation that lists the first page of a filter.
func list(ctx context.Context, f func(*rand.Rand) article.ListFilter) func(storage.Store, *rand.Rand) error {
	return func(s storage.Store, r *rand.Rand) error {
		p, err := s.List(ctx, f(r))
		if err == nil && len(p.Articles) == 0 {
			err = fmt.Errorf("no articles")
		}
		return err
	}
}

// cursorAt returns the cursor of the page'th page of 20.
func cursorAt(ctx context.Context, s storage.Store, page int) (string, error) {
	var c string
	for range page {
		p, err := s.List(ctx, article.ListFilter{Cursor: c})
		if err != nil {
			return "", err
		}
		c = p.Next
	}
	return c, nil
}

func fmtDur(d time.Duration) string {
	return fmt.Sprintf("%.3f ms", float64(d.Microseconds())/1000)
}
