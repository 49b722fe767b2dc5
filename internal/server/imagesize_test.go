package server

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/png"
	"io"
	"net/http"
	"reflect"
	"testing"
	"time"

	"folio/article"
	"folio/internal/fetch"
)

// pngOf returns a w×h PNG.
func pngOf(t *testing.T, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, w, h))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// imageSite serves /lead.png (640×360), /slow.png (answers after the
// request is given up) and /page (HTML).
func imageSite(t *testing.T) *pageServer {
	lead := pngOf(t, 640, 360)
	return newPageServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/lead.png":
			w.Header().Set("Content-Type", "image/png")
			w.Write(lead)
		case "/slow.png":
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
		case "/page":
			w.Header().Set("Content-Type", "text/html")
			io.WriteString(w, "<!DOCTYPE html><p>not an image</p>")
		default:
			http.NotFound(w, r)
		}
	}))
}

// writeArticle sends the article to h (POST, or PUT to slug) and returns
// the stored article's image.
func writeArticle(t *testing.T, h http.Handler, st article.Store, method, slug string, in map[string]any) *article.Image {
	t.Helper()
	b, _ := json.Marshal(in)
	path := "/api/articles"
	if method == "PUT" {
		path += "/" + slug
	}
	rec := serve(h, method, path, string(b), map[string]string{"Content-Type": "application/json", "Authorization": "Bearer tok"})
	if rec.Code != http.StatusCreated && rec.Code != http.StatusOK {
		t.Fatalf("%s %s: %d %s", method, path, rec.Code, rec.Body)
	}
	var resp article.Article
	if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
		t.Fatal(err)
	}
	a, err := st.Get(context.Background(), resp.Slug)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a.Image, resp.Image) {
		t.Fatalf("response image %+v, stored %+v", resp.Image, a.Image)
	}
	return a.Image
}

func TestWriteReadsImageSize(t *testing.T) {
	site := imageSite(t)
	h, st := newTestHandler(t, &Config{Token: "tok", MaxBody: 1 << 20, BaseURL: "http://example.test",
		ExtractAllow: fetch.HostList{site.host()}, ImageSizes: true, ImageTimeout: 300 * time.Millisecond})
	defer st.Close()
	art := func(slug, src string, size ...int) map[string]any {
		img := map[string]any{"src": src}
		if len(size) == 2 {
			img["width"], img["height"] = size[0], size[1]
		}
		return map[string]any{"slug": slug, "title": "T " + slug, "html": "<p>Body.</p>", "image": img}
	}
	size := func(img *article.Image) [2]int { return [2]int{img.Width, img.Height} }

	// Created without a size: read from the image, once, and stored.
	img := writeArticle(t, h, st, "POST", "lead", art("lead", site.URL+"/lead.png"))
	if size(img) != [2]int{640, 360} || site.hits.Load() != 1 {
		t.Fatalf("created: %v after %d fetches, want [640 360] after 1", size(img), site.hits.Load())
	}
	// Updated with the same image and no size: the stored size stays,
	// and the image is not fetched again.
	img = writeArticle(t, h, st, "PUT", "lead", art("lead", site.URL+"/lead.png"))
	if size(img) != [2]int{640, 360} || site.hits.Load() != 1 {
		t.Fatalf("updated: %v after %d fetches, want [640 360] after 1", size(img), site.hits.Load())
	}
	// A size the client gives is kept as given, without a fetch.
	img = writeArticle(t, h, st, "POST", "given", art("given", site.URL+"/lead.png", 1200, 675))
	if size(img) != [2]int{1200, 675} || site.hits.Load() != 1 {
		t.Fatalf("given: %v after %d fetches, want [1200 675] after 1", size(img), site.hits.Load())
	}
	// A slow image or one that is not an image: the write goes on, in
	// about the timeout, with the size unknown.
	start := time.Now()
	img = writeArticle(t, h, st, "POST", "slow", art("slow", site.URL+"/slow.png"))
	if d := time.Since(start); size(img) != [2]int{0, 0} || d > 2*time.Second {
		t.Fatalf("slow: %v in %v, want [0 0] within the timeout", size(img), d)
	}
	for _, p := range []string{"/page", "/missing.png"} {
		if img = writeArticle(t, h, st, "POST", "bad"+p[1:2], art("bad"+p[1:2], site.URL+p)); size(img) != [2]int{0, 0} {
			t.Fatalf("%s: %v, want [0 0]", p, size(img))
		}
	}
	// A client's bad size is refused.
	b, _ := json.Marshal(art("bad-size", site.URL+"/lead.png", 0, 10))
	if rec := serve(h, "POST", "/api/articles", string(b), map[string]string{"Content-Type": "application/json", "Authorization": "Bearer tok"}); rec.Code != http.StatusBadRequest {
		t.Fatalf("bad size: %d %s, want 400", rec.Code, rec.Body)
	}
}

func TestWriteImageSizeFenced(t *testing.T) {
	// A loopback image host the operator did not allow is never reached.
	site := imageSite(t)
	h, st := newTestHandler(t, &Config{Token: "tok", MaxBody: 1 << 20, BaseURL: "http://example.test", ImageSizes: true})
	defer st.Close()
	img := writeArticle(t, h, st, "POST", "fenced", map[string]any{"title": "Fenced", "html": "<p>B.</p>", "image": map[string]any{"src": site.URL + "/lead.png"}})
	if img.Width != 0 || img.Height != 0 || site.hits.Load() != 0 {
		t.Fatalf("fenced: %d×%d after %d requests, want 0×0 and none", img.Width, img.Height, site.hits.Load())
	}
	// Without ImageSizes nothing is fetched at all.
	h, st2 := newTestHandler(t, &Config{Token: "tok", MaxBody: 1 << 20, BaseURL: "http://example.test", ExtractAllow: fetch.HostList{site.host()}})
	defer st2.Close()
	img = writeArticle(t, h, st2, "POST", "off", map[string]any{"title": "Off", "html": "<p>B.</p>", "image": map[string]any{"src": site.URL + "/lead.png"}})
	if img.Width != 0 || site.hits.Load() != 0 {
		t.Fatalf("off: %d×%d after %d requests, want 0×0 and none", img.Width, img.Height, site.hits.Load())
	}
}
