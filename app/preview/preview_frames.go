package preview

import (
	folio "folio/app"

	"context"
	"errors"
	"fmt"
	"math"
	"strconv"

	"github.com/maxence-charriere/go-app/v9/pkg/app"
)

// The preview shows each output in frames, one per theme, so that the
// card, the reader and the embed look exactly as they will: each frame is
// a document of its own with the production style sheet (site.css for the
// card and the reader, embed.css for the embed card page) and the theme on
// its root element, as on the site and on a partner's page.
//
// The components render, as in production, into a hidden staging area of
// the page (preview.stage); after each render that markup is cloned into
// the frames. The frames are sandboxed without allow-scripts
// (frameSandbox), so no script runs in them whatever the markup holds, and
// have no src, so their documents are the page's own about:blank, written
// by the page.
//
// Such frames are not controlled by the service worker, and the page's
// CSP (style-src 'self') forbids inline <style> in them. So the page
// fetches each style sheet's text once, through the service worker (which
// works offline), and gives every frame a constructed style sheet
// (adoptedStyleSheets, which CSP does not govern) made from it: the frames
// never touch the network for their styles.

// frameSandbox are the frames' permissions: the page may write their
// documents (allow-same-origin), and a click on a link opens it in a new
// tab (every link gets target=_blank from the frame's <base>), unsandboxed
// there; nothing else, and above all no script.
const frameSandbox = "allow-same-origin allow-popups allow-popups-to-escape-sandbox"

// A previewFrame is one output frame.
type previewFrame struct {
	id    string // element id of the iframe
	stage string // element id of the staged markup it shows
	css   string // style sheet: its name in web/ (folio.Asset)
	theme string // data-theme of its root
	embed bool   // an embed card page (data-layout too)
}

// Element ids of the staged outputs.
const (
	stageCard   = "pv-stage-card"
	stageEmbed  = "pv-stage-embed"
	stageReader = "pv-stage-reader"
)

var previewFrames = []previewFrame{
	{"pv-frame-card-light", stageCard, "site.css", "light", false},
	{"pv-frame-card-dark", stageCard, "site.css", "dark", false},
	{"pv-frame-embed-light", stageEmbed, "embed.css", "light", true},
	{"pv-frame-embed-dark", stageEmbed, "embed.css", "dark", true},
	{"pv-frame-reader-light", stageReader, "site.css", "light", false},
	{"pv-frame-reader-dark", stageReader, "site.css", "dark", false},
}

// frameWriter copies the staged markup into the frames and keeps each
// frame as tall as its document.
type frameWriter struct {
	styles   map[string]string // style sheet name → its text; nil until fetched
	written  map[string]int    // frame id → version of the outputs it shows
	observer app.Value         // ResizeObserver of the frames' documents
	onResize app.Func
}

// paint copies the staged outputs into every frame that does not show
// version yet, preparing frames it has not seen (or that go-app has
// replaced). The copy is a deep clone of the staged nodes into the frame's
// document (importNode): no serialising and no parsing. Event listeners
// are not cloned, and no script runs in the frames anyway.
func (fw *frameWriter) paint(version int) {
	if !app.IsClient || fw.styles == nil {
		return
	}
	if fw.written == nil {
		fw.written = map[string]int{}
	}
	doc := app.Window().Get("document")
	origin := app.Window().Get("location").Get("origin").String()
	for _, f := range previewFrames {
		el := doc.Call("getElementById", f.id)
		if !el.Truthy() {
			continue
		}
		fd := el.Get("contentDocument")
		if !fd.Truthy() || !fd.Get("body").Truthy() {
			continue
		}
		root := fd.Get("documentElement")
		if folio.JSString(root.Call("getAttribute", "data-pv")) != "1" {
			fw.prepare(fd, f, origin)
			delete(fw.written, f.id)
		}
		if v, ok := fw.written[f.id]; ok && v == version {
			continue
		}
		st := doc.Call("getElementById", f.stage)
		if !st.Truthy() {
			continue
		}
		clone := fd.Call("importNode", st, true)
		body := fd.Get("body")
		body.Call("replaceChildren")
		for c := clone.Get("firstChild"); c.Truthy(); c = clone.Get("firstChild") {
			body.Call("appendChild", c)
		}
		fw.written[f.id] = version
	}
}

// prepare sets up a frame's document: theme, style sheet, and the
// observer that resizes the frame with its content.
func (fw *frameWriter) prepare(fd app.Value, f previewFrame, origin string) {
	root := fd.Get("documentElement")
	root.Call("setAttribute", "data-theme", f.theme)
	if f.embed {
		root.Call("setAttribute", "data-layout", "auto")
	}
	head := `<meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><base target="_blank">`
	css, ok := fw.styles[f.css]
	if !ok {
		// The text could not be fetched: link the sheet instead.
		head += `<link rel="stylesheet" href="` + origin + folio.Asset(f.css) + `">`
	}
	fd.Get("head").Set("innerHTML", head)
	if ok {
		if err := adoptStyles(fd, css); err != nil {
			fd.Get("head").Set("innerHTML", head+`<link rel="stylesheet" href="`+origin+folio.Asset(f.css)+`">`)
		}
	}
	root.Call("setAttribute", "data-pv", "1")
	if fw.observer == nil {
		ro := app.Window().Get("ResizeObserver")
		if !ro.Truthy() {
			return
		}
		fw.onResize = app.FuncOf(func(this app.Value, args []app.Value) any {
			entries := args[0]
			for i := 0; i < entries.Length(); i++ {
				if frame := entries.Index(i).Get("target").Get("ownerDocument").Get("defaultView"); frame.Truthy() {
					if el := frame.Get("frameElement"); el.Truthy() {
						fitFrame(el)
					}
				}
			}
			return nil
		})
		fw.observer = ro.New(fw.onResize)
	}
	fw.observer.Call("observe", root)
}

// fitFrame makes a frame as tall as its document.
func fitFrame(el app.Value) {
	fd := el.Get("contentDocument")
	if !fd.Truthy() {
		return
	}
	h := fd.Get("documentElement").Call("getBoundingClientRect").Get("height").Float()
	if h <= 0 || math.IsNaN(h) {
		return
	}
	el.Get("style").Set("height", strconv.Itoa(int(math.Ceil(h)))+"px")
}

// release stops observing the frames.
func (fw *frameWriter) release() {
	if fw.observer != nil {
		fw.observer.Call("disconnect")
		fw.observer = nil
	}
	if fw.onResize != nil {
		fw.onResize.Release()
		fw.onResize = nil
	}
	fw.written = nil
}

// adoptStyles gives the frame's document a style sheet made, in the
// frame's own realm, from the text css.
func adoptStyles(fd app.Value, css string) error {
	sheet, err := newInstance(fd.Get("defaultView").Get("CSSStyleSheet"))
	if err != nil {
		return err
	}
	if _, err := folio.Call(sheet, "replaceSync", css); err != nil {
		return err
	}
	arr := app.Window().Get("Array").New()
	arr.Call("push", sheet)
	fd.Set("adoptedStyleSheets", arr)
	return nil
}

// newInstance calls a JavaScript constructor, turning an exception into an
// error.
func newInstance(ctor app.Value, args ...any) (v app.Value, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = errors.New("app: new: " + fmt.Sprint(r))
		}
	}()
	if ctor == nil || !ctor.Truthy() {
		return nil, errors.New("app: no such constructor")
	}
	return ctor.New(args...), nil
}

// frameStyles are the style sheets the frames use.
var frameStyles = []string{"site.css", "embed.css"}

// loadFrameStyles fetches the frames' style sheets (through the service
// worker when it controls the page). A sheet that cannot be fetched is
// left out and linked instead. It blocks: call it inside ctx.Async.
func loadFrameStyles() map[string]string {
	out := map[string]string{}
	for _, name := range frameStyles {
		c, cancel := context.WithTimeout(context.Background(), requestTimeout)
		text, err := fetchText(c, folio.Asset(name))
		cancel()
		if err == nil {
			out[name] = text
		}
	}
	return out
}
