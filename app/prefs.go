package app

import (
	"encoding/json"
	"slices"

	"github.com/maxence-charriere/go-app/v9/pkg/app"
)

// prefsKey is the localStorage item holding the reader's display
// preferences. web/folio.js reads the same item before the first paint
// and sets the data-theme, data-size and data-width attributes of <html>,
// which web/site.css styles.
const prefsKey = "folio:prefs"

// prefs are the reader's display preferences.
type prefs struct {
	Theme string `json:"theme,omitempty"` // auto, light, dark, sepia
	Size  string `json:"size,omitempty"`  // s, m, l, xl
	Width string `json:"width,omitempty"` // narrow, normal, wide
}

// A choice is one value of a preference and its label.
type choice struct{ value, label string }

var (
	themeChoices = []choice{{"auto", "Automatic"}, {"light", "Light"}, {"dark", "Dark"}, {"sepia", "Sepia"}}
	sizeChoices  = []choice{{"s", "Small"}, {"m", "Medium"}, {"l", "Large"}, {"xl", "Extra large"}}
	widthChoices = []choice{{"narrow", "Narrow"}, {"normal", "Medium"}, {"wide", "Wide"}}
)

func valid(cs []choice, v string) bool {
	return slices.ContainsFunc(cs, func(c choice) bool { return c.value == v })
}

// normalize replaces unknown values by the defaults.
func (p prefs) normalize() prefs {
	if !valid(themeChoices, p.Theme) {
		p.Theme = "auto"
	}
	if !valid(sizeChoices, p.Size) {
		p.Size = "m"
	}
	if !valid(widthChoices, p.Width) {
		p.Width = "normal"
	}
	return p
}

// loadPrefs reads the stored preferences (the defaults outside a browser).
func loadPrefs() prefs {
	var p prefs
	if s := localGet(prefsKey); s != "" {
		_ = json.Unmarshal([]byte(s), &p)
	}
	return p.normalize()
}

// save stores the preferences and applies them to the document.
func (p prefs) save() {
	p = p.normalize()
	if b, err := json.Marshal(p); err == nil {
		_ = localSet(prefsKey, string(b))
	}
	p.apply()
}

// apply sets the attributes of <html> that the style sheet reads.
func (p prefs) apply() {
	if !app.IsClient {
		return
	}
	root := app.Window().Get("document").Get("documentElement")
	root.Call("setAttribute", "data-theme", p.Theme)
	root.Call("setAttribute", "data-size", p.Size)
	root.Call("setAttribute", "data-width", p.Width)
}
