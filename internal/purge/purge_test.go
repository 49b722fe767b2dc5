package purge

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct{ spec, want string }{
		{"varnish=http://127.0.0.1:6081/", "varnish=http://127.0.0.1:6081/"},
		{"webhook=https://purger.example/hook", "webhook=https://purger.example/hook"},
		{"webhook=https://:s3cret@purger.example/hook", "webhook=https://purger.example/hook"},
	} {
		e, err := Parse(tc.spec)
		if err != nil || e.String() != tc.want {
			t.Fatalf("Parse(%q)=%v, %v; want %s", tc.spec, e, err, tc.want)
		}
	}
	if e, _ := Parse("webhook=https://:s3cret@purger.example/hook"); e.(*Webhook).Token != "s3cret" {
		t.Fatal("the webhook's password is not its bearer token")
	}
	for _, bad := range []string{"http://x", "varnish=ftp://x", "varnish=//x", "cdn=http://x", "varnish=http://u:p@x", "webhook="} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) accepted it", bad)
		}
	}
}

// TestEndpoints checks what each endpoint sends.
func TestEndpoints(t *testing.T) {
	var mu sync.Mutex
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		switch r.Method {
		case "PURGE":
			got = append(got, "PURGE xkey="+r.Header.Get("xkey"))
		case http.MethodPost:
			var b struct{ Keys []string }
			json.NewDecoder(r.Body).Decode(&b)
			got = append(got, "POST "+r.Header.Get("Authorization")+" "+strings.Join(b.Keys, ","))
		}
	}))
	defer srv.Close()
	v, _ := Parse("varnish=" + srv.URL)
	h, _ := Parse("webhook=http://:tok@" + strings.TrimPrefix(srv.URL, "http://"))
	q := NewQueue([]Endpoint{v, h}, nil)
	defer q.Close()
	q.Purge(Article("a"), List)
	q.Wait()
	slices.Sort(got)
	if want := []string{"POST Bearer tok a:a,list", "PURGE xkey=a:a list"}; !slices.Equal(got, want) {
		t.Fatalf("sent %q, want %q", got, want)
	}
}

// TestQueueRetries checks that a failing endpoint is retried until it
// works, and that Purge never blocks meanwhile.
func TestQueueRetries(t *testing.T) {
	var calls atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) < 3 {
			http.Error(w, "busy", http.StatusServiceUnavailable)
		}
	}))
	defer srv.Close()
	v, _ := Parse("varnish=" + srv.URL)
	q := NewQueue([]Endpoint{v}, nil)
	q.Backoff = time.Millisecond
	defer q.Close()
	q.Purge("a:x")
	q.Wait()
	if n := calls.Load(); n != 3 {
		t.Fatalf("%d calls, want 3: two failures, then success", n)
	}
	// An endpoint that never works is given up after Attempts.
	srv.Close()
	q.Attempts = 2
	q.Purge("a:y")
	q.Wait()
	if (&Queue{}).Enabled() || NewQueue(nil, nil).Enabled() {
		t.Fatal("a queue without endpoints is enabled")
	}
}
