package app

import (
	"context"

	"folio/article"

	"github.com/maxence-charriere/go-app/v9/pkg/app"
)

// The helpers below are what the preview workbench (package app/preview)
// shares with the reader app. The preview lives in its own package so that
// the reader's WebAssembly bundle (../wasm/reader) links none of the
// draft pipeline, the sanitiser, goldmark or yaml: only ../wasm/preview
// and the server import it.

// ErrOffline is returned by BrowserRequest when the network is gone.
var ErrOffline = errOffline

// ErrNoBrowser is returned by the browser bridges outside a browser.
var ErrNoBrowser = errNoBrowser

// Attr makes untrusted text safe for an attribute (see attr).
func Attr(s string) string { return attr(s) }

// SafeURL returns raw if it is an http(s) or relative URL (see safeURL).
func SafeURL(raw string) string { return safeURL(raw) }

// Minutes formats a reading time.
func Minutes(n int) string { return minutes(n) }

// JSString returns a JavaScript value as a string (see jsString).
func JSString(v app.Value) string { return jsString(v) }

// Call calls a JavaScript method, turning a thrown exception into an error.
func Call(v app.Value, m string, args ...any) (app.Value, error) { return call(v, m, args...) }

// OnWindow adds a listener on window; the returned func removes it.
func OnWindow(event string, fn func(e app.Value)) func() { return onWindow(event, fn) }

// LocalGet reads localStorage.
func LocalGet(key string) string { return localGet(key) }

// LocalSet writes localStorage.
func LocalSet(key, value string) error { return localSet(key, value) }

// AwaitCtx waits for a promise or the end of ctx.
func AwaitCtx(ctx context.Context, p app.Value) (app.Value, error) { return awaitCtx(ctx, p) }

// BrowserRequest sends a JSON request to the API through the browser's fetch.
func BrowserRequest(ctx context.Context, method, path, token string, body []byte, out any) error {
	return browserRequest(ctx, method, path, token, body, out)
}

// Shell lays out a page (see shell).
func Shell(page string, status int, content ...app.UI) app.HTMLDiv {
	return shell(page, status, content...)
}

// Navigated reports whether the current navigation happens inside the app.
func Navigated() bool { return navigated() }

// FocusMain moves the focus to the main landmark.
func FocusMain(ctx app.Context) { focusMain(ctx) }

// ArticleView renders an article as the reader shows it.
func ArticleView(a *article.Article) app.UI { return (&reader{}).article(a) }

// PageSiteName is the publisher's name the page carries (see siteName).
func PageSiteName() string { return siteName() }
