package samples

import (
	"strings"
	"testing"
)

func TestFiles(t *testing.T) {
	names := Files()
	if len(names) != 4 {
		t.Fatalf("Files()=%q, want the seed and three introductions", names)
	}
	if names[0] != "000_bf3c0d247e44f2ef.txt" {
		t.Fatalf("Files()[0]=%q, want the seed article first", names[0])
	}
	for _, n := range names {
		b, err := FS.ReadFile(n)
		if err != nil || len(b) == 0 {
			t.Fatalf("ReadFile(%q)=%d bytes, %v", n, len(b), err)
		}
		if strings.HasSuffix(n, ".md") && !strings.HasPrefix(string(b), "---\n") {
			t.Fatalf("%s has no front matter", n)
		}
	}
}
