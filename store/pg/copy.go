package pg

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"folio/article"

	"github.com/jackc/pgx/v5"
)

// Export calls fn with every article and its import source ("" for none),
// in the order they were first stored, for copying to another store. It
// stops at fn's first error and returns it.
func (db *DB) Export(ctx context.Context, fn func(source string, a *article.Article) error) error {
	rows, err := db.pool.Query(ctx, "SELECT source, "+summaryColumns+", html FROM articles ORDER BY id")
	if err != nil {
		return fmt.Errorf("pg: export: %w", wrapErr(err))
	}
	defer rows.Close()
	for rows.Next() {
		var source *string
		a, err := scanArticle(rows, &source)
		if err != nil {
			return fmt.Errorf("pg: export: %w", wrapErr(err))
		}
		src := ""
		if source != nil {
			src = *source
		}
		if err := fn(src, a); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("pg: export: %w", wrapErr(err))
	}
	return nil
}

// Put stores a exactly as given, slug included, for copying between
// stores. The article with the same import source (or, when source is "",
// the article with a.Slug and no source) is replaced in place, renamed to
// a.Slug if need be; if there is none, a is created with that source. When
// the stored article already equals a, nothing is written, nothing is
// notified and the version stays. It reports whether the article was
// created and whether anything changed. EINVALID if a does not validate,
// ECONFLICT if a.Slug belongs to another article.
func (db *DB) Put(ctx context.Context, source string, a *article.Article) (created, changed bool, err error) {
	if source != "" && strings.TrimSpace(source) == "" {
		return false, false, article.Errorf(article.EINVALID, "import source must not be blank")
	}
	if err := validate(a); err != nil {
		return false, false, err
	}
	err = db.write(ctx, fmt.Sprintf("put %q", a.Slug), func(tx pgx.Tx, rev int64) error {
		var id int64
		found := false
		if source != "" {
			var err error
			if id, found, err = lookup(ctx, tx, "source", source); err != nil {
				return err
			}
		} else {
			var src *string
			err := tx.QueryRow(ctx, "SELECT id, source FROM articles WHERE slug = $1", a.Slug).Scan(&id, &src)
			if err == nil {
				if src != nil {
					return article.Errorf(article.ECONFLICT, "slug %q is taken by an article imported from %q", a.Slug, *src)
				}
				found = true
			} else if !errors.Is(err, pgx.ErrNoRows) {
				return err
			}
		}
		if other, taken, err := lookup(ctx, tx, "slug", a.Slug); err != nil {
			return err
		} else if taken && (!found || other != id) {
			return article.Errorf(article.ECONFLICT, "slug %q is taken by another article", a.Slug)
		}
		if !found {
			created, changed = true, true
			var src *string
			if source != "" {
				src = &source
			}
			return db.insert(ctx, tx, a, a.Slug, src, rev)
		}
		old, err := scanArticle(tx.QueryRow(ctx, "SELECT "+summaryColumns+", html FROM articles WHERE id = $1", id))
		if err != nil {
			return err
		}
		if sameArticle(old, a) {
			return errUnchanged
		}
		changed = true
		return db.update(ctx, tx, id, a, a.Slug, rev)
	})
	if errors.Is(err, errUnchanged) {
		return false, false, nil
	}
	if err != nil {
		return false, false, err
	}
	return created, changed, nil
}
