package app

import (
	"encoding/json"
	"errors"
	"strings"
	"time"

	"folio/article"

	"github.com/maxence-charriere/go-app/v9/pkg/app"
)

// Saving for offline. The service worker (web/worker.js.tmpl) keeps a saved
// article's page, its JSON and its images in the cache "folio-saved", which
// new versions of the app keep; the list of saved articles lives in
// localStorage so that /saved can show it without the network.

// savedKey is the localStorage item listing the saved articles.
const savedKey = "folio:saved"

// maxImages bounds the images kept per saved article.
const maxImages = 50

// savedEntry is one saved article in the list.
type savedEntry struct {
	article.Summary
	Images  []string  `json:"images,omitempty"`
	SavedAt time.Time `json:"saved_at"`
}

// loadSaved returns the saved articles, the most recently saved first.
func loadSaved() []savedEntry {
	var list []savedEntry
	if s := localGet(savedKey); s != "" {
		if err := json.Unmarshal([]byte(s), &list); err != nil {
			return nil
		}
	}
	out := list[:0]
	for _, e := range list {
		if article.ValidSlug(e.Slug) == nil {
			out = append(out, e)
		}
	}
	return out
}

func storeSaved(list []savedEntry) error {
	if len(list) == 0 {
		return localSet(savedKey, "")
	}
	b, err := json.Marshal(list)
	if err != nil {
		return err
	}
	return localSet(savedKey, string(b))
}

// isSaved reports whether the article is in the saved list.
func isSaved(slug string) bool {
	for _, e := range loadSaved() {
		if e.Slug == slug {
			return true
		}
	}
	return false
}

// workerCall posts a message to the service worker through the helper in
// web/folio.js and waits for its answer. It blocks: call it in ctx.Async.
func workerCall(msg map[string]any) error {
	if !app.IsClient {
		return errNoBrowser
	}
	f := app.Window().Get("folio")
	if !f.Truthy() {
		return errors.New("app: folio.js is not loaded")
	}
	p, err := call(f, "worker", msg)
	if err != nil {
		return err
	}
	_, err = await(p)
	return err
}

func jsStrings(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// saveForOffline asks the service worker to keep the article and its
// images, then adds it to the saved list. It blocks.
func saveForOffline(a *article.Article, images []string) error {
	err := workerCall(map[string]any{"type": "folio-save", "slug": a.Slug, "images": jsStrings(images)})
	if err != nil {
		return err
	}
	list := loadSaved()
	out := []savedEntry{{Summary: a.Summary(), Images: images, SavedAt: time.Now().UTC()}}
	for _, e := range list {
		if e.Slug != a.Slug {
			out = append(out, e)
		}
	}
	return storeSaved(out)
}

// removeSaved drops the article from the saved list and asks the service
// worker to forget its copies. The list is updated even if the worker
// cannot be reached. It blocks.
func removeSaved(slug string) error {
	list := loadSaved()
	var images []string
	out := list[:0]
	for _, e := range list {
		if e.Slug == slug {
			images = e.Images
			continue
		}
		out = append(out, e)
	}
	if err := storeSaved(out); err != nil {
		return err
	}
	return workerCall(map[string]any{"type": "folio-remove", "slug": slug, "images": jsStrings(images)})
}

// articleImages returns the absolute http(s) URLs of the lead image (its
// src, a card's and the one shown) and the images in the rendered article
// body.
func articleImages(a *article.Article) []string {
	seen := map[string]bool{}
	var out []string
	add := func(u string) {
		if (strings.HasPrefix(u, "https://") || strings.HasPrefix(u, "http://")) && !seen[u] && len(out) < maxImages {
			seen[u] = true
			out = append(out, u)
		}
	}
	if a.Image != nil {
		add(a.Image.Src)
		add(a.Image.Fit(cardImageWidth)) // a card's src: the saved list shows it
	}
	if !app.IsClient {
		return out
	}
	// The width this screen chose for the lead image: offline, the browser
	// chooses it again (or falls back to src: web/folio.js).
	if lead := app.Window().Get("document").Call("querySelector", ".lead-img"); lead.Truthy() {
		add(jsString(lead.Get("currentSrc")))
	}
	imgs := app.Window().Get("document").Call("querySelectorAll", ".article-body img")
	for i := 0; i < imgs.Length(); i++ {
		add(jsString(imgs.Index(i).Get("src")))
	}
	return out
}
