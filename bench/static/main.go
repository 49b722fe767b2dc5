// Command static serves the files of a directory, held in memory, with
// net/http and nothing else: no middleware, no logging, no lookups. In
// bench/load.sh it shows the ceiling a Go handler can reach on the machine,
// beside Folio and nginx serving the same bytes.
//
//	static DIR
//
// It listens on a free 127.0.0.1 port and prints "listening on http://ADDR".
// A file NAME.gz is served for NAME to clients that accept gzip, like
// nginx's gzip_static. Paths under /embed/ are HTML, the rest JSON.
package main

import (
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

type file struct {
	body, gz []byte
	ctype    []string
	length   []string
	gzLength []string
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: static DIR")
		os.Exit(2)
	}
	files, err := load(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "static:", err)
		os.Exit(1)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, "static:", err)
		os.Exit(1)
	}
	fmt.Printf("listening on http://%s\n", ln.Addr())
	gzip := []string{"gzip"}
	err = http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f, ok := files[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		h := w.Header()
		h["Content-Type"] = f.ctype
		if f.gz != nil && strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			h["Content-Encoding"] = gzip
			h["Content-Length"] = f.gzLength
			w.Write(f.gz)
			return
		}
		h["Content-Length"] = f.length
		w.Write(f.body)
	}))
	fmt.Fprintln(os.Stderr, "static:", err)
	os.Exit(1)
}

// load reads every file under dir, keyed by its URL path.
func load(dir string) (map[string]*file, error) {
	files := map[string]*file{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(p, ".gz") {
			return err
		}
		body, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		path := "/" + filepath.ToSlash(rel)
		f := &file{body: body, length: []string{strconv.Itoa(len(body))}, ctype: []string{"application/json; charset=utf-8"}}
		if strings.HasPrefix(path, "/embed/") {
			f.ctype = []string{"text/html; charset=utf-8"}
		}
		if gz, err := os.ReadFile(p + ".gz"); err == nil {
			f.gz, f.gzLength = gz, []string{strconv.Itoa(len(gz))}
		}
		files[path] = f
		return nil
	})
	return files, err
}
