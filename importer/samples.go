package importer

import (
	"context"
	"fmt"
	"time"

	"folio/article"
	"folio/samples"
)

// LoadSamples imports the bundled sample articles (package samples) when
// the store is empty, and returns how many it imported: none if the store
// already holds articles. Each sample's source key is "sample:" + its file
// name. A sample that fails to import is a bug in Folio, and an error.
func LoadSamples(ctx context.Context, st article.Store, now func() time.Time) (int, error) {
	n, err := st.Count(ctx)
	if err != nil {
		return 0, fmt.Errorf("importer: count articles: %w", err)
	}
	if n > 0 {
		return 0, nil
	}
	count := 0
	for _, name := range samples.Files() {
		data, err := samples.FS.ReadFile(name)
		if err != nil {
			return count, fmt.Errorf("importer: read sample %s: %w", name, err)
		}
		items, _, err := parse(name, data, "sample:"+name)
		if err != nil {
			return count, fmt.Errorf("importer: sample %s: %w", name, err)
		}
		for _, it := range items {
			a, _, err := it.Draft.Article(now())
			if err != nil {
				return count, fmt.Errorf("importer: sample %s: %w", name, err)
			}
			if _, err := st.Import(ctx, it.Source, a); err != nil {
				return count, fmt.Errorf("importer: store sample %s: %w", name, err)
			}
			count++
		}
	}
	return count, nil
}
