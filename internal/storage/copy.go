package storage

import (
	"context"
	"errors"
	"fmt"

	"folio/article"
)

// CopyStats counts what Copy did.
type CopyStats struct {
	Read      int // articles read from the source store
	Created   int // new in the target
	Updated   int // replaced in place in the target
	Unchanged int // already equal in the target
	Failed    int // refused by the target (see the error)
}

func (s CopyStats) String() string {
	return fmt.Sprintf("%d read: %d created, %d updated, %d unchanged, %d failed",
		s.Read, s.Created, s.Updated, s.Unchanged, s.Failed)
}

// maxCopyErrors bounds the per-article errors that Copy's error lists.
const maxCopyErrors = 20

// Copy copies every article of from into to, with its slug, import source
// and dates exactly as stored, one atomic Put per article. An article of
// the same source (or, without a source, of the same slug) in to is
// updated in place, so running Copy again is safe: it creates no
// duplicates, renames nothing and rewrites only what changed. Articles of
// to that from lacks are left alone.
//
// An article that to refuses (its slug belongs to another article there,
// ECONFLICT) is counted as failed and the copy goes on; the error returned
// then lists the first failures. Any other error (a store that fails, ctx
// canceled) stops the copy and is returned with the counts so far.
func Copy(ctx context.Context, from, to Store) (CopyStats, error) {
	var st CopyStats
	var failures []error
	err := from.Export(ctx, func(source string, a *article.Article) error {
		st.Read++
		created, changed, err := to.Put(ctx, source, a)
		switch {
		case err != nil && article.Code(err) != article.EINTERNAL:
			st.Failed++
			if len(failures) < maxCopyErrors {
				failures = append(failures, fmt.Errorf("%q: %s", a.Slug, article.Message(err)))
			}
		case err != nil:
			return fmt.Errorf("storage: copy %q: %w", a.Slug, err)
		case created:
			st.Created++
		case changed:
			st.Updated++
		default:
			st.Unchanged++
		}
		return ctx.Err()
	})
	if err != nil {
		return st, err
	}
	if st.Failed > 0 {
		return st, fmt.Errorf("storage: copy: %d articles failed: %w", st.Failed, errors.Join(failures...))
	}
	return st, nil
}
