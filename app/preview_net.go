package app

import (
	"context"
	"encoding/json"
	"fmt"

	"folio/article"

	"github.com/maxence-charriere/go-app/v9/pkg/app"
)

// The preview talks to the server only when the author asks: to import a
// page (POST /api/extract) and to publish (POST or PUT /api/articles).
// Both go through the browser's fetch, like fetchJSON, so no net/http
// client is linked into the WebAssembly bundle.

// sendJSON sends v as JSON with the method to a path of the site's API,
// with the bearer token when there is one, and decodes a 2xx answer into
// out. Any other answer is an *article.Error carrying the API's message
// and the code for its status. It is a variable so that tests can replace
// it; it blocks: call it inside ctx.Async.
var sendJSON = browserSendJSON

func browserSendJSON(ctx context.Context, method, path, token string, v, out any) error {
	if !app.IsClient {
		return errNoBrowser
	}
	body, err := json.Marshal(v)
	if err != nil {
		return err
	}
	headers := map[string]any{"Accept": "application/json", "Content-Type": "application/json"}
	if token != "" {
		headers["Authorization"] = "Bearer " + token
	}
	p, err := call(app.Window(), "fetch", path, map[string]any{
		"method":      method,
		"headers":     headers,
		"body":        string(body),
		"credentials": "same-origin",
		"cache":       "no-store",
	})
	if err != nil {
		return err
	}
	res, err := awaitCtx(ctx, p)
	if err == ctx.Err() && err != nil {
		return err
	}
	if err != nil {
		return errOffline // fetch rejects only when there is no answer at all
	}
	status := res.Get("status").Int()
	textP, err := call(res, "text")
	if err != nil {
		return err
	}
	text, err := awaitCtx(ctx, textP)
	if err != nil {
		return errOffline
	}
	data := []byte(text.String())
	if status < 200 || status > 299 {
		var e struct {
			Error string `json:"error"`
		}
		msg := fmt.Sprintf("the server answered %d", status)
		if json.Unmarshal(data, &e) == nil && e.Error != "" {
			msg = e.Error
		}
		return article.Errorf(codeOf(status), "%s", msg)
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("app: decode the answer of %s %s: %w", method, path, err)
	}
	return nil
}

// codeOf maps an HTTP status of the API to its error code.
func codeOf(status int) string {
	switch status {
	case 400, 422:
		return article.EINVALID
	case 401:
		return article.EUNAUTH
	case 403:
		return article.EFORBIDDEN
	case 404:
		return article.ENOTFOUND
	case 409:
		return article.ECONFLICT
	case 413:
		return article.ETOOLARGE
	case 415:
		return article.EUNSUPPORTED
	case 429:
		return article.ETOOMANY
	}
	return article.EINTERNAL
}

// extractedPage is the answer of POST /api/extract.
type extractedPage struct {
	URL       string   `json:"url"`
	Title     string   `json:"title"`
	Author    string   `json:"author"`
	Site      string   `json:"site"`
	Image     string   `json:"image"`
	ImageAlt  string   `json:"image_alt"`
	Excerpt   string   `json:"excerpt"`
	Lang      string   `json:"lang"`
	Published string   `json:"published"`
	Tags      []string `json:"tags"`
	HTML      string   `json:"html"`
}

// draftFromPage makes a new HTML draft of an extracted page.
func draftFromPage(p extractedPage) *previewDraft {
	d := newPreviewDraft(formatHTML)
	d.Body = p.HTML
	d.Meta = draftMeta{
		Title: p.Title, Author: p.Author, Site: p.Site, URL: p.URL, Image: p.Image, ImageAlt: p.ImageAlt,
		Excerpt: p.Excerpt, Lang: p.Lang, Published: p.Published,
	}
	for i, t := range p.Tags {
		if i > 0 {
			d.Meta.Tags += ", "
		}
		d.Meta.Tags += t
	}
	return d
}

// fetchText GETs a file of the site and returns its text. It blocks.
func fetchText(ctx context.Context, path string) (string, error) {
	if !app.IsClient {
		return "", errNoBrowser
	}
	p, err := call(app.Window(), "fetch", path, map[string]any{"credentials": "same-origin"})
	if err != nil {
		return "", err
	}
	res, err := awaitCtx(ctx, p)
	if err != nil {
		return "", err
	}
	if !res.Get("ok").Bool() {
		return "", fmt.Errorf("app: GET %s: status %d", path, res.Get("status").Int())
	}
	textP, err := call(res, "text")
	if err != nil {
		return "", err
	}
	text, err := awaitCtx(ctx, textP)
	if err != nil {
		return "", err
	}
	return text.String(), nil
}

// awaitCtx is await that gives up when ctx is done.
func awaitCtx(ctx context.Context, p app.Value) (app.Value, error) {
	type result struct {
		v   app.Value
		err error
	}
	done := make(chan result, 1)
	go func() {
		v, err := await(p)
		done <- result{v, err}
	}()
	select {
	case r := <-done:
		return r.v, r.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
