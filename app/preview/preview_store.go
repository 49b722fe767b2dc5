package preview

import (
	folio "folio/app"

	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"slices"
	"time"

	"github.com/maxence-charriere/go-app/v9/pkg/app"
)

// The preview keeps its drafts in localStorage, so that they survive a
// reload and never leave the browser until they are published, and the
// API token in sessionStorage, so that it is forgotten with the tab.
const (
	draftsKey       = "folio:drafts"
	currentDraftKey = "folio:drafts:current"
	tokenKey        = "folio:token"
)

// newDraftID returns a random draft id.
func newDraftID() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// newPreviewDraft returns an empty draft in the format.
func newPreviewDraft(format string) *previewDraft {
	return &previewDraft{ID: newDraftID(), Format: format, Updated: time.Now().UTC()}
}

// decodeDrafts reads the stored list of drafts, dropping entries that are
// not drafts, most recently edited first.
func decodeDrafts(s string) []*previewDraft {
	var list []*previewDraft
	if s == "" || json.Unmarshal([]byte(s), &list) != nil {
		return nil
	}
	out := list[:0]
	seen := map[string]bool{}
	for _, d := range list {
		if d == nil || d.ID == "" || seen[d.ID] {
			continue
		}
		seen[d.ID] = true
		if !slices.Contains([]string{formatHTML, formatMarkdown, formatText}, d.Format) {
			d.Format = formatHTML
		}
		out = append(out, d)
	}
	sortDrafts(out)
	return out
}

// sortDrafts orders drafts most recently edited first.
func sortDrafts(list []*previewDraft) {
	slices.SortStableFunc(list, func(a, b *previewDraft) int { return b.Updated.Compare(a.Updated) })
}

// mergeDrafts returns the stored drafts with cur in place of its stored
// version (or added), without the deleted ones, most recently edited first.
// cur may be nil.
func mergeDrafts(stored []*previewDraft, cur *previewDraft, deleted map[string]bool) []*previewDraft {
	out := make([]*previewDraft, 0, len(stored)+1)
	for _, d := range stored {
		if !deleted[d.ID] && (cur == nil || d.ID != cur.ID) {
			out = append(out, d)
		}
	}
	if cur != nil && !deleted[cur.ID] {
		out = append(out, cur)
	}
	sortDrafts(out)
	return out
}

// loadDrafts returns the stored drafts and the id of the one last open.
func loadDrafts() ([]*previewDraft, string) {
	return decodeDrafts(folio.LocalGet(draftsKey)), folio.LocalGet(currentDraftKey)
}

// storeDrafts saves the drafts and the id of the open one. It fails when
// the browser's storage is full or disabled.
func storeDrafts(list []*previewDraft, current string) error {
	b, err := json.Marshal(list)
	if err != nil {
		return err
	}
	if err := folio.LocalSet(draftsKey, string(b)); err != nil {
		return err
	}
	return folio.LocalSet(currentDraftKey, current)
}

// sessionGet returns the sessionStorage item, or "".
func sessionGet(key string) string {
	if !app.IsClient {
		return ""
	}
	v, err := folio.Call(app.Window().Get("sessionStorage"), "getItem", key)
	if err != nil || v == nil || !v.Truthy() {
		return ""
	}
	return v.String()
}

// sessionSet stores the sessionStorage item; "" removes it.
func sessionSet(key, value string) {
	if !app.IsClient {
		return
	}
	ss := app.Window().Get("sessionStorage")
	if value == "" {
		folio.Call(ss, "removeItem", key)
		return
	}
	folio.Call(ss, "setItem", key, value)
}
