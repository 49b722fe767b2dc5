package preview

import (
	folio "folio/app"

	"context"
	"encoding/json"
	"fmt"
	"time"

	"folio/internal/wire"

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
	body, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return folio.BrowserRequest(ctx, method, path, token, body, out)
}

// draftFromPage makes a new HTML draft of an extracted page.
func draftFromPage(p wire.Extracted) *previewDraft {
	d := newPreviewDraft(formatHTML)
	d.Body = p.HTML
	d.Meta = draftMeta{
		Title: p.Title, Author: p.Author, Site: p.Site, URL: p.URL, Image: p.Image, ImageAlt: p.ImageAlt,
		Excerpt: p.Excerpt, Lang: p.Lang, Dir: p.Dir,
	}
	if p.Published != nil {
		d.Meta.Published = p.Published.UTC().Format(time.RFC3339)
	}
	if p.Updated != nil {
		d.Meta.Updated = p.Updated.UTC().Format(time.RFC3339)
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
		return "", folio.ErrNoBrowser
	}
	p, err := folio.Call(app.Window(), "fetch", path, map[string]any{"credentials": "same-origin"})
	if err != nil {
		return "", err
	}
	res, err := folio.AwaitCtx(ctx, p)
	if err != nil {
		return "", err
	}
	if !res.Get("ok").Bool() {
		return "", fmt.Errorf("app: GET %s: status %d", path, res.Get("status").Int())
	}
	textP, err := folio.Call(res, "text")
	if err != nil {
		return "", err
	}
	text, err := folio.AwaitCtx(ctx, textP)
	if err != nil {
		return "", err
	}
	return text.String(), nil
}
