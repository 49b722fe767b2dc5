// Command static serves files held in memory with net/http and nothing
// else: no middleware, no logging, no lookups. In bench/load.sh (CEILING=1)
// it shows the ceiling a Go handler can reach on the machine, beside Folio
// and nginx serving the same bytes.
//
//	static MAPFILE
//
// Each line of MAPFILE is "URL-PATH<TAB>FILE<TAB>CONTENT-TYPE". FILE.gz,
// when it exists, is served to clients that accept gzip, like nginx's
// gzip_static. It listens on a free 127.0.0.1 port and prints
// "listening on http://ADDR".
package main

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
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
		fmt.Fprintln(os.Stderr, "usage: static MAPFILE")
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

// load reads the files the map names, keyed by their URL path.
func load(mapFile string) (map[string]*file, error) {
	m, err := os.Open(mapFile)
	if err != nil {
		return nil, err
	}
	defer m.Close()
	files := map[string]*file{}
	sc := bufio.NewScanner(m)
	for sc.Scan() {
		fields := strings.Split(sc.Text(), "\t")
		if len(fields) != 3 {
			return nil, fmt.Errorf("static: bad map line %q", sc.Text())
		}
		body, err := os.ReadFile(fields[1])
		if err != nil {
			return nil, err
		}
		f := &file{body: body, length: []string{strconv.Itoa(len(body))}, ctype: []string{fields[2]}}
		gz, err := os.ReadFile(fields[1] + ".gz")
		switch {
		case err == nil:
			f.gz, f.gzLength = gz, []string{strconv.Itoa(len(gz))}
		case !errors.Is(err, os.ErrNotExist):
			return nil, err
		}
		files[fields[0]] = f
	}
	return files, sc.Err()
}
