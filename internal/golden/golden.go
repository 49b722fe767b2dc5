// Package golden compares test output with golden files, which
// `go test PKG -update` rewrites (as go/printer's tests do).
package golden

import (
	"bytes"
	"os"
	"testing"
)

// Check compares got with the file at path, or writes got there when update
// is set. pkg names the package for the hint on how to regenerate it.
func Check(t testing.TB, path string, got []byte, update bool, pkg string) {
	t.Helper()
	if update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test %s -update to create it)", err, pkg)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("output differs from %s (run go test %s -update if the change is meant):\n%s", path, pkg, got)
	}
}
