// Package samples holds the articles Folio loads into an empty database:
// the user's scraped seed article (plain text, as a scraper saved it) and
// short introductions to Folio in Markdown. importer.LoadSamples imports
// them.
package samples

import (
	"embed"
	"io/fs"
	"sort"
)

// FS holds the sample files at its root.
//
//go:embed *.txt *.md
var FS embed.FS

// Files returns the names of the sample files in FS, sorted.
func Files() []string {
	entries, err := fs.ReadDir(FS, ".")
	if err != nil {
		return nil // cannot happen: the root of an embed.FS is always readable
	}
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		if !e.IsDir() {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	return names
}
