package app

import (
	"errors"
	"fmt"

	"github.com/maxence-charriere/go-app/v9/pkg/app"
)

// Small bridges to browser APIs. They run in the browser only; on the
// server go-app's JS values are inert stubs.

// errNoBrowser is returned by the bridges outside a browser.
var errNoBrowser = errors.New("app: not in a browser")

// await blocks until the JavaScript promise p settles and returns its value
// or its rejection as an error. It must not run on the UI goroutine: call it
// inside ctx.Async.
func await(p app.Value) (app.Value, error) {
	if !app.IsClient {
		return nil, errNoBrowser
	}
	type result struct {
		v   app.Value
		err error
	}
	done := make(chan result, 1)
	send := func(r result) {
		select {
		case done <- r:
		default:
		}
	}
	onOK := app.FuncOf(func(this app.Value, args []app.Value) any {
		var v app.Value
		if len(args) > 0 {
			v = args[0]
		}
		send(result{v: v})
		return nil
	})
	onErr := app.FuncOf(func(this app.Value, args []app.Value) any {
		err := errors.New("app: promise rejected")
		if len(args) > 0 {
			err = jsError{name: jsString(args[0].Get("name")), msg: jsString(args[0].Get("message"))}
		}
		send(result{err: err})
		return nil
	})
	p.Call("then", onOK, onErr)
	r := <-done
	onOK.Release()
	onErr.Release()
	return r.v, r.err
}

// jsError is a rejected promise's Error.
type jsError struct{ name, msg string }

func (e jsError) Error() string { return fmt.Sprintf("app: %s: %s", e.name, e.msg) }

func jsString(v app.Value) string {
	if v == nil || !v.Truthy() {
		return ""
	}
	return v.String()
}

// call invokes method m of v and turns a JavaScript exception into an error.
func call(v app.Value, m string, args ...any) (out app.Value, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("app: %s: %v", m, r)
		}
	}()
	return v.Call(m, args...), nil
}

// onDocument listens to a DOM event on the document in the capture phase
// and runs fn synchronously, so fn may cancel the event before go-app's own
// window handlers see it (go-app's element handlers run later, on its UI
// goroutine, too late for preventDefault). fn must not block. The returned
// func removes the listener.
func onDocument(event string, fn func(e app.Value)) func() {
	if !app.IsClient {
		return func() {}
	}
	f := app.FuncOf(func(this app.Value, args []app.Value) any {
		fn(args[0])
		return nil
	})
	doc := app.Window().Get("document")
	doc.Call("addEventListener", event, f, true)
	return func() {
		doc.Call("removeEventListener", event, f, true)
		f.Release()
	}
}

// onWindow listens to a window event (scroll, online, offline) and runs fn
// synchronously. The listener is passive. The returned func removes it.
func onWindow(event string, fn func(e app.Value)) func() {
	if !app.IsClient {
		return func() {}
	}
	f := app.FuncOf(func(this app.Value, args []app.Value) any {
		fn(args[0])
		return nil
	})
	opts := map[string]any{"passive": true}
	app.Window().Call("addEventListener", event, f, opts)
	return func() {
		app.Window().Call("removeEventListener", event, f, opts)
		f.Release()
	}
}

// closest returns the nearest ancestor-or-self of the event's target that
// matches the CSS selector, or nil.
func closest(e app.Value, selector string) app.Value {
	t := e.Get("target")
	if !t.Truthy() || t.Get("closest").Type() != app.TypeFunction {
		return nil
	}
	el := t.Call("closest", selector)
	if !el.Truthy() {
		return nil
	}
	return el
}

// localGet returns the localStorage item, or "" when there is none or
// storage is unavailable.
func localGet(key string) string {
	if !app.IsClient {
		return ""
	}
	v, err := call(app.Window().Get("localStorage"), "getItem", key)
	if err != nil || v == nil || !v.Truthy() {
		return ""
	}
	return v.String()
}

// localSet stores the localStorage item; "" removes it. Storage errors (a
// full quota, storage disabled) are returned.
func localSet(key, value string) error {
	if !app.IsClient {
		return errNoBrowser
	}
	ls := app.Window().Get("localStorage")
	if value == "" {
		_, err := call(ls, "removeItem", key)
		return err
	}
	_, err := call(ls, "setItem", key, value)
	return err
}
