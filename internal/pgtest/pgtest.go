// Package pgtest runs throwaway PostgreSQL clusters for tests.
//
// Start returns the cluster shared by every test of a test binary, started
// on first use on a free loopback port; DB creates a fresh, empty database
// in it for one test. A test that stops or restarts the engine takes a
// cluster of its own from New, so it does not disturb the others. A package
// that uses Start stops the shared cluster at the end through Main:
//
//	func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }
//
// The clusters are made for speed, not durability: initdb --no-sync,
// fsync=off, trust authentication on 127.0.0.1 only.
//
// Without PostgreSQL binaries (initdb and pg_ctl in PATH or in
// /usr/lib/postgresql/*/bin) the tests that need them are skipped, except
// when CI=true: a missing engine in CI is a failure.
package pgtest

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Cluster is a running (or stopped) throwaway PostgreSQL cluster.
type Cluster struct {
	bin  string // directory of initdb, pg_ctl and postgres
	dir  string // data directory, also the socket directory
	port int
	user string // OS user that runs the server; "" for the current one

	mu      sync.Mutex
	running bool
	dbs     atomic.Int64 // databases created so far, for unique names
}

var (
	shared    *Cluster
	sharedErr error
	sharedMu  sync.Mutex
)

// Start returns the cluster shared by the tests of this binary, starting it
// on first use. Without PostgreSQL it skips tb (fails it when CI=true).
func Start(tb testing.TB) *Cluster {
	tb.Helper()
	sharedMu.Lock()
	defer sharedMu.Unlock()
	if shared == nil && sharedErr == nil {
		shared, sharedErr = newCluster()
	}
	if sharedErr != nil {
		unavailable(tb, sharedErr)
	}
	return shared
}

// New starts a cluster of its own for tb, stopped and removed when tb ends.
// Use it for tests that stop or restart the engine.
func New(tb testing.TB) *Cluster {
	tb.Helper()
	c, err := newCluster()
	if err != nil {
		unavailable(tb, err)
	}
	tb.Cleanup(func() {
		if err := c.remove(); err != nil {
			tb.Errorf("pgtest: %v", err)
		}
	})
	return c
}

// Main runs the tests and then stops and removes the shared cluster, if
// one was started. Call it from TestMain.
func Main(m *testing.M) int {
	code := m.Run()
	sharedMu.Lock()
	defer sharedMu.Unlock()
	if shared != nil {
		if err := shared.remove(); err != nil {
			fmt.Fprintf(os.Stderr, "pgtest: %v\n", err)
		}
		shared = nil
	}
	return code
}

// unavailable skips tb, or fails it in CI, because there is no cluster.
func unavailable(tb testing.TB, err error) {
	tb.Helper()
	if os.Getenv("CI") == "true" {
		tb.Fatalf("pgtest: PostgreSQL is required in CI (CI=true): %v", err)
	}
	tb.Skipf("pgtest: no PostgreSQL: %v", err)
}

// Binaries returns the directory holding initdb, pg_ctl and postgres: the
// one of initdb in PATH, or else the newest /usr/lib/postgresql/*/bin.
func Binaries() (string, error) {
	if p, err := exec.LookPath("initdb"); err == nil {
		if r, err := filepath.EvalSymlinks(p); err == nil {
			p = r
		}
		dir := filepath.Dir(p)
		if exists(filepath.Join(dir, "pg_ctl")) && exists(filepath.Join(dir, "postgres")) {
			return dir, nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return version(dirs[i]) > version(dirs[j]) })
	for _, dir := range dirs {
		if exists(filepath.Join(dir, "initdb")) && exists(filepath.Join(dir, "pg_ctl")) && exists(filepath.Join(dir, "postgres")) {
			return dir, nil
		}
	}
	return "", fmt.Errorf("initdb and pg_ctl found neither in PATH nor in /usr/lib/postgresql/*/bin")
}

func version(binDir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return n
}

func exists(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && !fi.IsDir()
}

// newCluster creates and starts a cluster in a new temporary directory.
func newCluster() (*Cluster, error) {
	bin, err := Binaries()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "folio-pgtest-")
	if err != nil {
		return nil, fmt.Errorf("pgtest: %w", err)
	}
	c := &Cluster{bin: bin, dir: dir}
	if os.Geteuid() == 0 {
		// initdb and postgres refuse to run as root.
		u, err := user.Lookup("postgres")
		if err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("pgtest: running as root and no postgres user to run the server as: %w", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("pgtest: %w", err)
		}
		c.user = "postgres"
	}
	data := filepath.Join(dir, "data")
	if err := c.run("initdb", "-D", data, "-A", "trust", "-U", "folio", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	c.port, err = freePort()
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	if err := c.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	return c, nil
}

// freePort returns a loopback TCP port that was free a moment ago.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("pgtest: find a free port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// run runs one of the PostgreSQL programs as the cluster's user.
func (c *Cluster) run(prog string, args ...string) error {
	name := filepath.Join(c.bin, prog)
	if c.user != "" {
		args = append([]string{"-u", c.user, "--", name}, args...)
		name = "runuser"
	}
	cmd := exec.Command(name, args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("pgtest: %s: %w\n%s", prog, err, out.String())
	}
	return nil
}

// Port returns the TCP port the cluster listens on (127.0.0.1).
func (c *Cluster) Port() int { return c.port }

// Start starts the stopped cluster on its port and waits until it accepts
// connections.
func (c *Cluster) Start() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.running {
		return nil
	}
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200", c.port, c.dir)
	if err := c.run("pg_ctl", "-D", filepath.Join(c.dir, "data"), "-l", filepath.Join(c.dir, "log"), "-o", opts, "-w", "-t", "60", "start"); err != nil {
		log, _ := os.ReadFile(filepath.Join(c.dir, "log"))
		return fmt.Errorf("%w\nserver log:\n%s", err, log)
	}
	c.running = true
	return nil
}

// Stop stops the cluster (fast shutdown: sessions are ended).
func (c *Cluster) Stop() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.running {
		return nil
	}
	if err := c.run("pg_ctl", "-D", filepath.Join(c.dir, "data"), "-m", "fast", "-w", "stop"); err != nil {
		return err
	}
	c.running = false
	return nil
}

// Restart stops and starts the cluster on the same port.
func (c *Cluster) Restart() error {
	if err := c.Stop(); err != nil {
		return err
	}
	return c.Start()
}

// remove stops the cluster and deletes its directory.
func (c *Cluster) remove() error {
	err := c.Stop()
	if err2 := os.RemoveAll(c.dir); err == nil {
		err = err2
	}
	return err
}

// DSN returns the connection string of the database named db.
func (c *Cluster) DSN(db string) string {
	u := url.URL{
		Scheme:   "postgres",
		User:     url.User("folio"),
		Host:     net.JoinHostPort("127.0.0.1", strconv.Itoa(c.port)),
		Path:     "/" + db,
		RawQuery: "sslmode=disable",
	}
	return u.String()
}

// DB creates a fresh, empty database for tb and returns its DSN. The
// database is dropped when tb ends (if the cluster is running then).
func (c *Cluster) DB(tb testing.TB) string {
	tb.Helper()
	name := fmt.Sprintf("test_%d_%d", os.Getpid(), c.dbs.Add(1))
	if err := c.exec(fmt.Sprintf("CREATE DATABASE %s TEMPLATE template0", name)); err != nil {
		tb.Fatalf("pgtest: create database: %v", err)
	}
	tb.Cleanup(func() {
		c.mu.Lock()
		running := c.running
		c.mu.Unlock()
		if !running {
			return
		}
		if err := c.exec(fmt.Sprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", name)); err != nil {
			tb.Errorf("pgtest: drop database: %v", err)
		}
	})
	return c.DSN(name)
}

// exec runs one statement in the postgres database.
func (c *Cluster) exec(sql string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, c.DSN("postgres"))
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, sql); err != nil {
		return fmt.Errorf("%s: %w", strings.Fields(sql)[0], err)
	}
	return nil
}
