package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"reflect"
	"strings"

	"folio/article"
)

// Export calls fn with every article and its import source ("" for none),
// in the order they were first stored, for copying to another store. It
// stops at fn's first error and returns it.
func (db *DB) Export(ctx context.Context, fn func(source string, a *article.Article) error) error {
	rows, err := db.r.QueryContext(ctx, "SELECT source, "+summaryColumns+", html FROM articles ORDER BY id")
	if err != nil {
		return fmt.Errorf("store: export: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var source sql.NullString
		a, err := scanArticle(rows, &source)
		if err != nil {
			return fmt.Errorf("store: export: %w", err)
		}
		if err := fn(source.String, a); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: export: %w", err)
	}
	return nil
}

// errUnchanged tells write to roll back a write that would change nothing.
var errUnchanged = errors.New("store: unchanged")

// Put stores a exactly as given, slug included, for copying between
// stores. The article with the same import source (or, when source is "",
// the article with a.Slug and no source) is replaced in place, renamed to
// a.Slug if need be; if there is none, a is created with that source. When
// the stored article already equals a, nothing is written and the version
// stays. It reports whether the article was created and whether anything
// changed. EINVALID if a does not validate, ECONFLICT if a.Slug belongs to
// another article.
func (db *DB) Put(ctx context.Context, source string, a *article.Article) (created, changed bool, err error) {
	if source != "" && strings.TrimSpace(source) == "" {
		return false, false, article.Errorf(article.EINVALID, "import source must not be blank")
	}
	if err := validate(a); err != nil {
		return false, false, err
	}
	err = db.write(ctx, fmt.Sprintf("put %q", a.Slug), func(tx *sql.Tx, rev int64) error {
		var id int64
		found := false
		if source != "" {
			var err error
			if id, found, err = lookup(ctx, tx, "source", source); err != nil {
				return err
			}
		} else {
			var src sql.NullString
			err := tx.QueryRowContext(ctx, "SELECT id, source FROM articles WHERE slug = ?", a.Slug).Scan(&id, &src)
			if err == nil {
				if src.Valid {
					return article.Errorf(article.ECONFLICT, "slug %q is taken by an article imported from %q", a.Slug, src.String)
				}
				found = true
			} else if !errors.Is(err, sql.ErrNoRows) {
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
			_, err := insert(ctx, tx, a, a.Slug, sql.NullString{String: source, Valid: source != ""}, rev)
			return err
		}
		old, err := scanArticle(tx.QueryRowContext(ctx, "SELECT "+summaryColumns+", html FROM articles WHERE id = ?", id))
		if err != nil {
			return err
		}
		if sameArticle(old, a) {
			return errUnchanged
		}
		changed = true
		return update(ctx, tx, id, a, a.Slug, rev)
	})
	if errors.Is(err, errUnchanged) {
		return false, false, nil
	}
	if err != nil {
		return false, false, err
	}
	return created, changed, nil
}

// scanArticle reads a row of extra columns, then summaryColumns and html.
func scanArticle(row interface{ Scan(...any) error }, extra ...any) (*article.Article, error) {
	var s summaryRow
	var html article.SafeHTML // stored only after the sanitiser made it
	if err := row.Scan(append(append(extra, s.dest()...), &html)...); err != nil {
		return nil, err
	}
	sum, err := s.summary()
	if err != nil {
		return nil, err
	}
	return &article.Article{
		Slug: sum.Slug, Title: sum.Title, Subtitle: sum.Subtitle, Author: sum.Author, Site: sum.Site, URL: sum.URL,
		Published: sum.Published, Updated: sum.Updated, Tags: sum.Tags, Image: sum.Image, Excerpt: sum.Excerpt,
		HTML: html, Lang: sum.Lang, Dir: sum.Dir, WordCount: sum.WordCount, ReadingMinutes: sum.ReadingMinutes,
	}, nil
}

// sameArticle reports whether a and b store the same: the same fields,
// times as instants.
func sameArticle(a, b *article.Article) bool {
	norm := func(x *article.Article) article.Article {
		c := *x
		c.Published, c.Updated = c.Published.UTC(), c.Updated.UTC()
		if c.Tags == nil {
			c.Tags = []string{}
		}
		return c
	}
	return reflect.DeepEqual(norm(a), norm(b))
}
