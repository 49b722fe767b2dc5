package httpcache

import "testing"

func TestAcceptEncoding(t *testing.T) {
	tests := []struct{ header, want string }{
		{"", ""},
		{"gzip", "gzip"},
		{"gzip, deflate, br", "br"},
		{"br;q=0, gzip", "gzip"},
		{"br; q=0.5", "br"},
		{"identity", ""},
		{"GZIP;q=0", ""},
	}
	for _, tt := range tests {
		if got := AcceptEncoding(tt.header); got != tt.want {
			t.Fatalf("AcceptEncoding(%q)=%q, want %q", tt.header, got, tt.want)
		}
	}
}
