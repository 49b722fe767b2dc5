package server

import "testing"

// testSite returns the default site identity with the name given.
func testSite(t testing.TB, name string) *Site {
	t.Helper()
	s := &Site{Name: name}
	if err := CheckSite(s); err != nil {
		t.Fatal(err)
	}
	return s
}
