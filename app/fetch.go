package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"folio/article"
	"folio/internal/wire"

	"github.com/maxence-charriere/go-app/v9/pkg/app"
)

// errOffline means the request never got an answer: no network, or the
// server is down, and the service worker had no copy.
var errOffline = errors.New("app: offline")

// fetchJSON GETs a path of the site's JSON API and decodes the body into v.
// An API error comes back as an *article.Error with the API's message (and
// ENOTFOUND for 404). It is a variable so that tests can replace it: the
// browser implementation never returns outside a browser.
var fetchJSON = browserFetchJSON

// browserFetchJSON fetches through the browser's fetch, which keeps
// net/http's client (about 5 MB) out of the WebAssembly bundle and lets the
// service worker answer offline. It blocks: call it inside ctx.Async.
func browserFetchJSON(ctx context.Context, path string, v any) error {
	return browserRequest(ctx, "GET", path, "", nil, v)
}

// browserRequest is the one call of the browser's fetch for the API: it
// sends body (nil for none) with the method and the bearer token when there
// is one, and decodes a 2xx answer's JSON into out (nil to ignore it). Any
// other answer is an *article.Error with the API's message and the code of
// its status; no answer at all is errOffline. Reads may be answered by the
// service worker; writes never are. It blocks: call it inside ctx.Async.
func browserRequest(ctx context.Context, method, path, token string, body []byte, out any) error {
	if !app.IsClient {
		return errNoBrowser
	}
	headers := map[string]any{"Accept": "application/json"}
	opts := map[string]any{"method": method, "headers": headers, "credentials": "same-origin"}
	if body != nil {
		headers["Content-Type"] = "application/json"
		opts["body"] = string(body)
		opts["cache"] = "no-store"
	}
	if token != "" {
		headers["Authorization"] = "Bearer " + token
	}
	p, err := call(app.Window(), "fetch", path, opts)
	if err != nil {
		return err
	}
	res, err := awaitCtx(ctx, p)
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return ctxErr
		}
		return errOffline // fetch rejects only when there is no response at all
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
		var e wire.Error
		msg := fmt.Sprintf("the server answered %d", status)
		if json.Unmarshal(data, &e) == nil && e.Error != "" {
			msg = e.Error
		}
		return article.Errorf(wire.Code(status), "%s", msg)
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("app: decode the answer of %s %s: %w", method, path, err)
	}
	return nil
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
