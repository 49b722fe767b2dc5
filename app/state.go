package app

import (
	"encoding/json"

	"folio/article"

	"github.com/maxence-charriere/go-app/v9/pkg/app"
)

// stateID is the id of the script element that hands the prerendered
// page's data to the WebAssembly app, so that its first render needs no
// second fetch (go-app v9 does not hydrate: it renders afresh).
const stateID = "folio-state"

// pageState is the data a prerendered page was built from.
type pageState struct {
	Page    string           `json:"page"` // "home" or "reader"
	Key     string           `json:"key"`  // the slug, or the list's query string
	Article *article.Article `json:"article,omitempty"`
	List    *article.Page    `json:"list,omitempty"`
}

// jsonScript returns a non-executable script element holding v as JSON.
// json.Marshal escapes '<', '>' and '&', so nothing in v can end the
// element or open a comment; CSP does not apply to data blocks.
func jsonScript(id, typ string, v any) app.UI {
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	return app.Raw(`<script type="` + typ + `" id="` + id + `">` + string(b) + `</script>`)
}

// stateScript returns the state element on the server and nothing in the
// browser.
func stateScript(s pageState) app.UI {
	if !app.IsServer {
		return nil
	}
	return jsonScript(stateID, "application/json", s)
}

// stateTaken records that the prerendered state was read: it describes the
// first page only.
var stateTaken bool

// takeState returns the prerendered state if the page being mounted is the
// one it was rendered for. It must be called from OnInit, while the
// prerendered DOM is still in the document.
func takeState(page, key string) *pageState {
	if !app.IsClient || stateTaken {
		return nil
	}
	stateTaken = true
	el := app.Window().GetElementByID(stateID)
	if !el.Truthy() {
		return nil
	}
	var s pageState
	if err := json.Unmarshal([]byte(el.Get("textContent").String()), &s); err != nil || s.Page != page || s.Key != key {
		return nil
	}
	return &s
}
