package pg

import (
	"context"
	"errors"
	"testing"
	"time"

	"folio/article"
	"folio/internal/pgtest"
)

// receive waits up to d for a value on ch.
func receive(tb testing.TB, ch <-chan struct{}, d time.Duration, what string) {
	tb.Helper()
	select {
	case _, ok := <-ch:
		if !ok {
			tb.Fatalf("%s: channel closed", what)
		}
	case <-time.After(d):
		tb.Fatalf("%s: no change notified within %v", what, d)
	}
}

// TestChanges writes through one instance and checks that another learns
// of it through Changes, well within the 100 ms the server promises.
func TestChanges(t *testing.T) {
	dsn := pgtest.Start(t).DB(t)
	a, b := mustOpenDSN(t, dsn), mustOpenDSN(t, dsn)
	c, cancel := context.WithCancel(ctx)
	ch := b.Changes(c)
	receive(t, ch, 5*time.Second, "listening")
	for i, write := range []func() error{
		func() error { return a.Create(ctx, newArticle("x")) },
		func() error { return a.Update(ctx, "x", newArticle("y")) },
		func() error { _, err := a.Import(ctx, "src", newArticle("z")); return err },
		func() error { return a.Delete(ctx, "y") },
	} {
		start := time.Now()
		if err := write(); err != nil {
			t.Fatal(err)
		}
		receive(t, ch, time.Second, "write")
		t.Logf("write %d notified after %v", i, time.Since(start))
	}
	// A failed write notifies nothing.
	if err := a.Create(ctx, newArticle("z")); article.Code(err) != article.ECONFLICT {
		t.Fatalf("Create(taken)=%v", err)
	}
	select {
	case <-ch:
		t.Fatalf("a failed write was notified")
	case <-time.After(200 * time.Millisecond):
	}
	cancel()
	select {
	case _, ok := <-ch:
		if ok {
			// a late value is fine; the close must follow
			<-ch
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("channel not closed after the context ended")
	}
	// Close ends the listeners too.
	ch2 := a.Changes(ctx)
	receive(t, ch2, 5*time.Second, "listening")
	a.Close()
	select {
	case <-ch2:
	case <-time.After(5 * time.Second):
		t.Fatalf("channel not closed after Close")
	}
}

// TestRestart stops PostgreSQL under an open store: calls fail quickly
// with ErrUnavailable (an internal error), and once it is back the same
// DB works again, its listener too, without being reopened.
func TestRestart(t *testing.T) {
	cluster := pgtest.New(t)
	db := mustOpenDSN(t, cluster.DB(t))
	if err := db.Create(ctx, newArticle("before")); err != nil {
		t.Fatal(err)
	}
	ch := db.Changes(ctx)
	receive(t, ch, 5*time.Second, "listening")

	if err := cluster.Stop(); err != nil {
		t.Fatal(err)
	}
	for name, call := range map[string]func() error{
		"Get":     func() error { _, err := db.Get(ctx, "before"); return err },
		"List":    func() error { _, err := db.List(ctx, article.ListFilter{Query: "before"}); return err },
		"Count":   func() error { _, err := db.Count(ctx); return err },
		"Version": func() error { _, err := db.Version(ctx); return err },
		"Create":  func() error { return db.Create(ctx, newArticle("during")) },
		"Import":  func() error { _, err := db.Import(ctx, "src", newArticle("during")); return err },
		"Delete":  func() error { return db.Delete(ctx, "before") },
	} {
		start := time.Now()
		err := call()
		if err == nil {
			t.Fatalf("%s with PostgreSQL stopped: err=nil", name)
		}
		if !errors.Is(err, ErrUnavailable) || article.Code(err) != article.EUNAVAILABLE {
			t.Fatalf("%s: err=%v (code %q), want ErrUnavailable, EUNAVAILABLE (a 503)", name, err, article.Code(err))
		}
		if d := time.Since(start); d > 6*time.Second {
			t.Fatalf("%s took %v to fail", name, d)
		}
	}

	if err := cluster.Start(); err != nil {
		t.Fatal(err)
	}
	got, err := db.Get(ctx, "before")
	if err != nil || got.Slug != "before" {
		t.Fatalf("Get after the restart=%v, %v", got, err)
	}
	// The listener reconnects and says so (writes may have been missed).
	receive(t, ch, 10*time.Second, "reconnect")
	if err := db.Create(ctx, newArticle("after")); err != nil {
		t.Fatalf("Create after the restart: %v", err)
	}
	receive(t, ch, time.Second, "write after the restart")

	// A restart while idle: the pooled connections are dead, the next
	// read still works.
	if err := cluster.Restart(); err != nil {
		t.Fatal(err)
	}
	for _, slug := range []string{"before", "after"} {
		if _, err := db.Get(ctx, slug); err != nil {
			t.Fatalf("Get(%q) after an idle restart: %v", slug, err)
		}
	}
	if n, err := db.Count(ctx); err != nil || n != 2 {
		t.Fatalf("Count=%d, %v; want 2", n, err)
	}
}
