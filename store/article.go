package store

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"folio/article"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// timeLayout is how times are stored: UTC, fixed width, so that text order
// is time order, with every nanosecond kept.
const timeLayout = "2006-01-02T15:04:05.000000000Z"

// Limits of a listing (see article.ListFilter).
const (
	defaultLimit = 20
	maxLimit     = 100
)

// maxSuffix bounds the search for a free slug in Import.
const maxSuffix = 1000

const summaryColumns = `slug, title, subtitle, author, site, url, published, updated, tags,
	image_src, image_alt, image_caption, image_credit, image_width, image_height, image_srcset, excerpt, lang, dir, word_count, reading_minutes`

// Get returns the article with the slug, or ENOTFOUND.
func (db *DB) Get(ctx context.Context, slug string) (*article.Article, error) {
	a, err := scanArticle(db.r.QueryRowContext(ctx, `SELECT `+summaryColumns+`, html FROM articles WHERE slug = ?`, slug))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, article.Errorf(article.ENOTFOUND, "article %q not found", slug)
	} else if err != nil {
		return nil, fmt.Errorf("store: get %q: %w", slug, err)
	}
	return a, nil
}

// List returns a page of summaries, newest published first (ties broken by
// the newest insertion). Tag keeps the articles with that tag, compared
// case-insensitively; Query keeps those whose text holds every word of it,
// the last word as a prefix. Results stay in date order, not by rank. A
// malformed cursor or a limit outside 0–100 gives EINVALID.
func (db *DB) List(ctx context.Context, f article.ListFilter) (*article.Page, error) {
	limit := f.Limit
	if limit == 0 {
		limit = defaultLimit
	}
	if limit < 1 || limit > maxLimit {
		return nil, article.Errorf(article.EINVALID, "limit must be between 1 and %d, not %d", maxLimit, f.Limit)
	}
	var where []string
	var args []any
	filtered := false
	if f.Cursor != "" {
		published, id, err := decodeCursor(f.Cursor)
		if err != nil {
			return nil, err
		}
		where = append(where, "(published, id) < (?, ?)")
		args = append(args, published, id)
	}
	if tag := tagKey(f.Tag); tag != "" {
		where = append(where, "id IN (SELECT article_id FROM article_tags WHERE tag = ?)")
		args = append(args, tag)
		filtered = true
	}
	if strings.TrimSpace(f.Query) != "" {
		match := ftsQuery(f.Query)
		if match == "" {
			// Nothing searchable (only punctuation): nothing matches.
			return &article.Page{Articles: []article.Summary{}}, nil
		}
		where = append(where, "id IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)")
		args = append(args, match)
		filtered = true
	}
	const order = " ORDER BY published DESC, id DESC"
	rest := " FROM articles"
	if len(where) > 0 {
		rest += " WHERE " + strings.Join(where, " AND ")
	}
	rest += order + " LIMIT ?"
	args = append(args, limit+1)
	q := "SELECT id, " + summaryColumns + rest
	if filtered {
		// The matches are sorted in a temporary b-tree: sort their ids
		// alone, then read the columns of one page only.
		q = "SELECT id, " + summaryColumns + " FROM articles WHERE id IN (SELECT id" + rest + ")" + order
	}

	rows, err := db.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: list: %w", err)
	}
	defer rows.Close()
	page := &article.Page{Articles: make([]article.Summary, 0, limit)}
	var lastID int64
	var lastPublished string
	for rows.Next() {
		if len(page.Articles) == limit {
			page.Next = encodeCursor(lastPublished, lastID)
			break
		}
		var s summaryRow
		if err := rows.Scan(append([]any{&lastID}, s.dest()...)...); err != nil {
			return nil, fmt.Errorf("store: list: %w", err)
		}
		lastPublished = s.published
		sum, err := s.summary()
		if err != nil {
			return nil, fmt.Errorf("store: list: %w", err)
		}
		page.Articles = append(page.Articles, sum)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list: %w", err)
	}
	return page, nil
}

// Count returns the number of articles.
func (db *DB) Count(ctx context.Context) (int, error) {
	var n int
	if err := db.r.QueryRowContext(ctx, "SELECT count(*) FROM articles").Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count: %w", err)
	}
	return n, nil
}

// Create stores a new article: EINVALID if it does not validate, ECONFLICT
// if the slug is taken.
func (db *DB) Create(ctx context.Context, a *article.Article) error {
	if err := article.Storable(a); err != nil {
		return err
	}
	return db.write(ctx, fmt.Sprintf("create %q", a.Slug), func(tx *sql.Tx, rev int64) error {
		if _, ok, err := lookup(ctx, tx, "slug", a.Slug); err != nil {
			return err
		} else if ok {
			return article.Errorf(article.ECONFLICT, "slug %q is taken", a.Slug)
		}
		_, err := insert(ctx, tx, a, a.Slug, sql.NullString{}, rev)
		return err
	})
}

// Update replaces the article with the slug, keeping its import source;
// a.Slug may name a new slug. EINVALID if a does not validate, ENOTFOUND if
// there is no such article, ECONFLICT if the new slug is taken.
func (db *DB) Update(ctx context.Context, slug string, a *article.Article) error {
	if err := article.Storable(a); err != nil {
		return err
	}
	return db.write(ctx, fmt.Sprintf("update %q", slug), func(tx *sql.Tx, rev int64) error {
		id, ok, err := lookup(ctx, tx, "slug", slug)
		if err != nil {
			return err
		} else if !ok {
			return article.Errorf(article.ENOTFOUND, "article %q not found", slug)
		}
		if a.Slug != slug {
			if _, ok, err := lookup(ctx, tx, "slug", a.Slug); err != nil {
				return err
			} else if ok {
				return article.Errorf(article.ECONFLICT, "slug %q is taken", a.Slug)
			}
		}
		return update(ctx, tx, id, a, a.Slug, rev)
	})
}

// Delete removes the article with the slug, or returns ENOTFOUND.
func (db *DB) Delete(ctx context.Context, slug string) error {
	return db.write(ctx, fmt.Sprintf("delete %q", slug), func(tx *sql.Tx, rev int64) error {
		var id int64
		err := tx.QueryRowContext(ctx, "DELETE FROM articles WHERE slug = ? RETURNING id", slug).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return article.Errorf(article.ENOTFOUND, "article %q not found", slug)
		} else if err != nil {
			return err
		}
		return deleteIndex(ctx, tx, id)
	})
}

// Import stores an article read from a source (a file path, a feed item's
// id, a URL). If an article from the same source exists it is updated in
// place and keeps its slug; otherwise a taken slug gets the first free
// numeric suffix ("slug-2", "slug-3", …). It reports whether the article was
// created and, on success, sets a.Slug to the slug used. EINVALID if a does
// not validate or source is empty.
func (db *DB) Import(ctx context.Context, source string, a *article.Article) (created bool, err error) {
	if strings.TrimSpace(source) == "" {
		return false, article.Errorf(article.EINVALID, "import source is required")
	}
	if err := article.Storable(a); err != nil {
		return false, err
	}
	var slug string
	err = db.write(ctx, fmt.Sprintf("import %q", source), func(tx *sql.Tx, rev int64) error {
		var id int64
		var ok bool
		err := tx.QueryRowContext(ctx, "SELECT id, slug FROM articles WHERE source = ?", source).Scan(&id, &slug)
		if err == nil {
			ok = true
		} else if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if ok {
			created = false
			return update(ctx, tx, id, a, slug, rev)
		}
		slug = ""
		for n := 1; n <= maxSuffix && slug == ""; n++ {
			try := a.Slug
			if n > 1 {
				try = article.WithSuffix(a.Slug, n)
			}
			if _, taken, err := lookup(ctx, tx, "slug", try); err != nil {
				return err
			} else if !taken {
				slug = try
			}
		}
		if slug == "" {
			return article.Errorf(article.ECONFLICT, "no free slug for %q up to suffix %d", a.Slug, maxSuffix)
		}
		created = true
		_, err = insert(ctx, tx, a, slug, sql.NullString{String: source, Valid: true}, rev)
		return err
	})
	if err != nil {
		return false, err
	}
	a.Slug = slug
	return created, nil
}

// write runs fn in one write transaction (BEGIN IMMEDIATE on the writer
// connection) after incrementing the store version, which fn receives as
// the row revision. An error from fn rolls everything back; application
// errors and errUnchanged are returned as they are, others wrapped with
// "store: op:".
func (db *DB) write(ctx context.Context, op string, fn func(tx *sql.Tx, rev int64) error) error {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: %s: begin: %w", op, err)
	}
	defer tx.Rollback()
	var rev int64
	if err := tx.QueryRowContext(ctx, "UPDATE meta SET version = version + 1 WHERE id = 1 RETURNING version").Scan(&rev); err != nil {
		return fmt.Errorf("store: %s: bump version: %w", op, err)
	}
	if err := fn(tx, rev); err != nil {
		var ae *article.Error
		if errors.As(err, &ae) || errors.Is(err, errUnchanged) {
			return err
		}
		if isUnique(err) {
			return article.Errorf(article.ECONFLICT, "slug is taken")
		}
		return fmt.Errorf("store: %s: %w", op, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: %s: commit: %w", op, err)
	}
	return nil
}

// isUnique reports whether err is a UNIQUE constraint failure, which the
// explicit checks inside the write transaction should already have caught.
func isUnique(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE
}

// lookup returns the id of the article whose column (slug or source)
// equals v.
func lookup(ctx context.Context, tx *sql.Tx, column, v string) (id int64, ok bool, err error) {
	err = tx.QueryRowContext(ctx, "SELECT id FROM articles WHERE "+column+" = ?", v).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	} else if err != nil {
		return 0, false, fmt.Errorf("lookup %s: %w", column, err)
	}
	return id, true, nil
}

// row returns the values of the article's columns, slug to rev, in the
// order of columnList.
func row(a *article.Article, slug string, rev int64) ([]any, error) {
	tags := a.Tags
	if tags == nil {
		tags = []string{}
	}
	tagsJSON, err := json.Marshal(tags)
	if err != nil {
		return nil, fmt.Errorf("encode tags: %w", err)
	}
	var img article.Image
	var src sql.NullString
	if a.Image != nil {
		img = *a.Image
		src = sql.NullString{String: img.Src, Valid: true}
	}
	return []any{
		slug, a.Title, a.Subtitle, a.Author, a.Site, a.URL,
		formatTime(a.Published), formatTime(a.Updated), string(tagsJSON),
		src, img.Alt, img.Caption, img.Credit, img.Width, img.Height, article.SrcsetString(img.Srcset), a.Excerpt, a.Lang, a.Dir,
		a.WordCount, a.ReadingMinutes, rev, string(a.HTML),
	}, nil
}

const columnList = `slug, title, subtitle, author, site, url, published, updated, tags,
	image_src, image_alt, image_caption, image_credit, image_width, image_height, image_srcset, excerpt, lang, dir,
	word_count, reading_minutes, rev, html`

// insert adds the article's row, tags and index entry under slug.
func insert(ctx context.Context, tx *sql.Tx, a *article.Article, slug string, source sql.NullString, rev int64) (int64, error) {
	vals, err := row(a, slug, rev)
	if err != nil {
		return 0, err
	}
	var id int64
	q := "INSERT INTO articles (source, " + columnList + ") VALUES (?" + strings.Repeat(", ?", len(vals)) + ") RETURNING id"
	if err := tx.QueryRowContext(ctx, q, append([]any{source}, vals...)...).Scan(&id); err != nil {
		return 0, fmt.Errorf("insert article: %w", err)
	}
	return id, writeIndex(ctx, tx, id, a)
}

// update replaces the row with the id, its tags and its index entry; the
// source is kept.
func update(ctx context.Context, tx *sql.Tx, id int64, a *article.Article, slug string, rev int64) error {
	vals, err := row(a, slug, rev)
	if err != nil {
		return err
	}
	cols := strings.Fields(strings.ReplaceAll(columnList, ",", " "))
	q := "UPDATE articles SET " + strings.Join(cols, " = ?, ") + " = ? WHERE id = ?"
	if _, err := tx.ExecContext(ctx, q, append(vals, id)...); err != nil {
		return fmt.Errorf("update article: %w", err)
	}
	if err := deleteIndex(ctx, tx, id); err != nil {
		return err
	}
	return writeIndex(ctx, tx, id, a)
}

// writeIndex adds the article's tag rows and full-text entry.
func writeIndex(ctx context.Context, tx *sql.Tx, id int64, a *article.Article) error {
	for _, t := range a.Tags {
		if k := tagKey(t); k != "" {
			if _, err := tx.ExecContext(ctx, "INSERT OR IGNORE INTO article_tags (article_id, tag) VALUES (?, ?)", id, k); err != nil {
				return fmt.Errorf("insert tag: %w", err)
			}
		}
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO articles_fts (rowid, title, subtitle, author, excerpt, tags, body)
		VALUES (?, ?, ?, ?, ?, ?, ?)`,
		id, a.Title, a.Subtitle, a.Author, a.Excerpt, strings.Join(a.Tags, " "), plainText(a.HTML))
	if err != nil {
		return fmt.Errorf("index article: %w", err)
	}
	return nil
}

// deleteIndex removes the article's tag rows and full-text entry.
func deleteIndex(ctx context.Context, tx *sql.Tx, id int64) error {
	if _, err := tx.ExecContext(ctx, "DELETE FROM article_tags WHERE article_id = ?", id); err != nil {
		return fmt.Errorf("delete tags: %w", err)
	}
	if _, err := tx.ExecContext(ctx, "DELETE FROM articles_fts WHERE rowid = ?", id); err != nil {
		return fmt.Errorf("unindex article: %w", err)
	}
	return nil
}

// tagKey is the form of a tag that the filter compares: lower case, inner
// spaces collapsed.
func tagKey(t string) string {
	return strings.ToLower(strings.Join(strings.Fields(t), " "))
}

func formatTime(t time.Time) string { return t.UTC().Format(timeLayout) }

// summaryRow receives the summary columns of a row.
type summaryRow struct {
	slug, title, subtitle, author, site, url string
	published, updated, tags                 string
	imgSrc                                   sql.NullString
	imgAlt, imgCaption, imgCredit, imgSrcset string
	imgWidth, imgHeight                      int64
	excerpt, lang, dir                       string
	wordCount, readingMinutes                int64
}

// dest returns scan destinations in the order of summaryColumns.
func (s *summaryRow) dest() []any {
	return []any{&s.slug, &s.title, &s.subtitle, &s.author, &s.site, &s.url, &s.published, &s.updated, &s.tags,
		&s.imgSrc, &s.imgAlt, &s.imgCaption, &s.imgCredit, &s.imgWidth, &s.imgHeight, &s.imgSrcset, &s.excerpt, &s.lang, &s.dir, &s.wordCount, &s.readingMinutes}
}

func (s *summaryRow) summary() (article.Summary, error) {
	pub, err := time.Parse(timeLayout, s.published)
	if err != nil {
		return article.Summary{}, fmt.Errorf("article %q: published: %w", s.slug, err)
	}
	upd, err := time.Parse(timeLayout, s.updated)
	if err != nil {
		return article.Summary{}, fmt.Errorf("article %q: updated: %w", s.slug, err)
	}
	tags := []string{}
	if err := json.Unmarshal([]byte(s.tags), &tags); err != nil {
		return article.Summary{}, fmt.Errorf("article %q: tags: %w", s.slug, err)
	}
	if tags == nil {
		tags = []string{}
	}
	var img *article.Image
	if s.imgSrc.Valid {
		img = &article.Image{Src: s.imgSrc.String, Alt: s.imgAlt, Caption: s.imgCaption, Credit: s.imgCredit,
			Width: int(s.imgWidth), Height: int(s.imgHeight), Srcset: article.ParseSrcset(s.imgSrcset)}
	}
	return article.Summary{
		Slug: s.slug, Title: s.title, Subtitle: s.subtitle, Author: s.author, Site: s.site, URL: s.url,
		Published: pub, Updated: upd, Tags: tags, Image: img, Excerpt: s.excerpt, Lang: s.lang, Dir: s.dir,
		WordCount: int(s.wordCount), ReadingMinutes: int(s.readingMinutes),
	}, nil
}

// A cursor is the unpadded base64url form of "published,id" of the last
// article on the page before.

func encodeCursor(published string, id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(published + "," + strconv.FormatInt(id, 10)))
}

func decodeCursor(c string) (published string, id int64, err error) {
	bad := article.Errorf(article.EINVALID, "invalid cursor")
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return "", 0, bad
	}
	p, i, ok := strings.Cut(string(b), ",")
	if !ok {
		return "", 0, bad
	}
	t, err := time.Parse(timeLayout, p)
	if err != nil || formatTime(t) != p {
		return "", 0, bad
	}
	id, err = strconv.ParseInt(i, 10, 64)
	if err != nil || id < 1 || strconv.FormatInt(id, 10) != i {
		return "", 0, bad
	}
	return p, id, nil
}
