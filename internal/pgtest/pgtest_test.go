package pgtest

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

func TestMain(m *testing.M) { os.Exit(Main(m)) }

func query(tb testing.TB, dsn string) int {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		tb.Fatalf("Connect: %v", err)
	}
	defer conn.Close(ctx)
	var n int
	if err := conn.QueryRow(ctx, "SELECT 1 + 1").Scan(&n); err != nil {
		tb.Fatalf("SELECT: %v", err)
	}
	return n
}

func TestShared(t *testing.T) {
	c := Start(t)
	a, b := c.DB(t), c.DB(t)
	if a == b {
		t.Fatalf("DB returned %q twice", a)
	}
	if got := query(t, a); got != 2 {
		t.Fatalf("SELECT 1 + 1=%d", got)
	}
	if Start(t) != c {
		t.Fatalf("Start returned a second cluster")
	}
}

func TestRestart(t *testing.T) {
	c := New(t)
	dsn := c.DB(t)
	query(t, dsn)
	if err := c.Stop(); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if conn, err := pgx.Connect(ctx, dsn); err == nil {
		conn.Close(ctx)
		t.Fatalf("Connect to a stopped cluster: err=nil")
	}
	if err := c.Start(); err != nil {
		t.Fatalf("Start: %v", err)
	}
	query(t, dsn)
	if err := c.Restart(); err != nil {
		t.Fatalf("Restart: %v", err)
	}
	query(t, dsn)
}
