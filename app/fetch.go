package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"folio/article"

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
	if !app.IsClient {
		return errNoBrowser
	}
	opts := map[string]any{
		"headers":     map[string]any{"Accept": "application/json"},
		"credentials": "same-origin",
	}
	p, err := call(app.Window(), "fetch", path, opts)
	if err != nil {
		return err
	}
	type result struct {
		res app.Value
		err error
	}
	done := make(chan result, 1)
	go func() {
		res, err := await(p)
		done <- result{res, err}
	}()
	var r result
	select {
	case r = <-done:
	case <-ctx.Done():
		return ctx.Err()
	}
	if r.err != nil {
		return errOffline // fetch rejects only when there is no response at all
	}
	status := r.res.Get("status").Int()
	textP, err := call(r.res, "text")
	if err != nil {
		return err
	}
	body, err := await(textP)
	if err != nil {
		return errOffline
	}
	data := []byte(body.String())
	if status < 200 || status > 299 {
		var e struct {
			Error string `json:"error"`
		}
		msg := fmt.Sprintf("the server answered %d", status)
		if json.Unmarshal(data, &e) == nil && e.Error != "" {
			msg = e.Error
		}
		code := article.EINTERNAL
		switch status {
		case 400:
			code = article.EINVALID
		case 404:
			code = article.ENOTFOUND
		}
		return article.Errorf(code, "%s", msg)
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("app: decode %s: %w", path, err)
	}
	return nil
}
