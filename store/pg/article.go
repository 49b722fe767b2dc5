package pg

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"folio/article"
	"folio/store/searchtext"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// timeLayout is the form of a time in a cursor: UTC, fixed width, every
// nanosecond kept (the same as the SQLite store's).
const timeLayout = "2006-01-02T15:04:05.000000000Z"

// Limits of a listing (see article.ListFilter).
const (
	defaultLimit = 20
	maxLimit     = 100
)

// maxSuffix bounds the search for a free slug in Import.
const maxSuffix = 1000

// Search limits: words of a query (the rest are ignored), tokens of one
// word, and bytes of an article's text that are indexed (PostgreSQL caps a
// tsvector at 1 MB).
const (
	maxQueryTerms = 32
	maxWordTokens = 16
	maxIndexBytes = 256 << 10
)

// langConfigs maps the primary subtag of an article's lang to the
// PostgreSQL text search configuration that stems it. Languages without
// one, and configurations the server lacks, use 'simple' alone.
var langConfigs = map[string]string{
	"ar": "arabic", "hy": "armenian", "eu": "basque", "ca": "catalan", "da": "danish", "nl": "dutch",
	"en": "english", "fi": "finnish", "fr": "french", "de": "german", "el": "greek", "hi": "hindi",
	"hu": "hungarian", "id": "indonesian", "ga": "irish", "it": "italian", "lt": "lithuanian",
	"ne": "nepali", "no": "norwegian", "nb": "norwegian", "nn": "norwegian", "pt": "portuguese",
	"ro": "romanian", "ru": "russian", "sr": "serbian", "es": "spanish", "sv": "swedish",
	"ta": "tamil", "tr": "turkish", "yi": "yiddish",
}

// loadConfigs learns which of langConfigs the server has and builds the
// search condition: the query under 'simple' or under any of them.
func (db *DB) loadConfigs(ctx context.Context) error {
	rows, err := db.pool.Query(ctx, "SELECT cfgname::text FROM pg_ts_config WHERE cfgnamespace = 'pg_catalog'::regnamespace")
	if err != nil {
		return fmt.Errorf("text search configurations: %w", err)
	}
	have, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return fmt.Errorf("text search configurations: %w", err)
	}
	db.configs = map[string]bool{}
	for _, c := range have {
		db.configs[c] = true
	}
	used := map[string]bool{}
	for _, c := range langConfigs {
		if db.configs[c] {
			used[c] = true
		}
	}
	db.stemConfigs = db.stemConfigs[:0]
	for c := range used {
		db.stemConfigs = append(db.stemConfigs, c)
	}
	sort.Strings(db.stemConfigs)
	parts := []string{"to_tsquery('simple', $1)::text", "to_tsquery('simple', $2)::text"}
	for _, c := range db.stemConfigs {
		parts = append(parts, fmt.Sprintf("to_tsquery('%s', $2)::text", c))
	}
	db.stemSQL = "SELECT " + strings.Join(parts, ", ")
	return nil
}

// searchCondition returns the WHERE condition of a search and its
// arguments, numbered from $n. It asks PostgreSQL for the query under
// 'simple' (as a prefix) and under each language configuration (exact)
// first, and passes them as constants: the planner then knows how rare the
// words are, and each tsquery is built once rather than once per row. A
// stemmed query only matches articles of its language, and is left out
// where it says no more than the words as written.
func (db *DB) searchCondition(ctx context.Context, prefix, exact string, n int) (string, []any, error) {
	texts := make([]string, 2+len(db.stemConfigs))
	dest := make([]any, len(texts))
	for i := range texts {
		dest[i] = &texts[i]
	}
	err := db.read(ctx, func() error { return db.pool.QueryRow(ctx, db.stemSQL, prefix, exact).Scan(dest...) })
	if err != nil {
		return "", nil, err
	}
	cond := []string{fmt.Sprintf("search @@ $%d::tsquery", n)}
	args := []any{texts[0]}
	groups := map[string][]string{}
	var order []string
	for i, c := range db.stemConfigs {
		q := texts[2+i]
		if q == "" || q == texts[1] {
			continue
		}
		if groups[q] == nil {
			order = append(order, q)
		}
		groups[q] = append(groups[q], c)
	}
	for _, q := range order {
		cond = append(cond, fmt.Sprintf("(search @@ $%d::tsquery AND cfg = ANY ($%d::text[]))", n+len(args), n+len(args)+1))
		args = append(args, q, groups[q])
	}
	return "(" + strings.Join(cond, " OR ") + ")", args, nil
}

// config returns the text search configuration for a language tag.
func (db *DB) config(lang string) string {
	primary, _, _ := strings.Cut(strings.ToLower(lang), "-")
	if c, ok := langConfigs[primary]; ok && db.configs[c] {
		return c
	}
	return "simple"
}

// tsQuery turns free text into to_tsquery strings that cannot be a syntax
// error, as the SQLite store's query: each whitespace-separated word
// becomes the phrase of its tokens (searchtext.Tokens: letters and digits
// only, so never an operator) and the words are ANDed. In prefix, for the
// words as written, the last token is a prefix; exact, for stemming, has
// none (the stem of a prefix can match far too much). "" means nothing is
// left to search for.
func tsQuery(q string) (prefix, exact string) {
	var words []string
	for _, w := range strings.Fields(strings.ToValidUTF8(q, " ")) {
		toks := searchtext.Tokens(w)
		if len(toks) == 0 {
			continue
		}
		if len(toks) > maxWordTokens {
			toks = toks[:maxWordTokens]
		}
		words = append(words, strings.Join(toks, " <-> "))
		if len(words) == maxQueryTerms {
			break
		}
	}
	if len(words) == 0 {
		return "", ""
	}
	exact = strings.Join(words, " & ")
	return exact + ":*", exact
}

// indexText returns the searchable text of an article, as tokens.
func indexText(a *article.Article) string {
	body := searchtext.Plain(a.HTML)
	if len(body) > maxIndexBytes {
		body = strings.ToValidUTF8(body[:maxIndexBytes], "")
	}
	return searchtext.Text(strings.Join([]string{a.Title, a.Subtitle, a.Author, a.Excerpt, strings.Join(a.Tags, " "), body}, " \n "))
}

const summaryColumns = `slug, title, subtitle, author, site, url, published, published_ns, updated, updated_ns,
	tags, image_src, image_alt, image_caption, image_credit, image_width, image_height, image_srcset, excerpt, lang, dir,
	word_count, reading_minutes`

// Get returns the article with the slug, or ENOTFOUND.
func (db *DB) Get(ctx context.Context, slug string) (*article.Article, error) {
	var a *article.Article
	err := db.read(ctx, func() error {
		var err error
		a, err = scanArticle(db.pool.QueryRow(ctx, `SELECT `+summaryColumns+`, html FROM articles WHERE slug = $1`, slug))
		return err
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, article.Errorf(article.ENOTFOUND, "article %q not found", slug)
	} else if err != nil {
		return nil, fmt.Errorf("pg: get %q: %w", slug, err)
	}
	return a, nil
}

// List returns a page of summaries, newest published first (ties broken by
// the newest insertion). Tag keeps the articles with that tag, compared
// case-insensitively. Query keeps those whose text holds every word of it,
// the last word as a prefix: a word matches as written (diacritics of Latin
// letters and case ignored) or by its stem in any language the server has
// a configuration for, which finds an English article's "gophers" for
// "gopher". A word of Chinese, Japanese, Korean or Thai matches as the
// phrase of its characters, inside longer runs too. Results stay in date
// order, not by rank. A malformed cursor or a limit outside 0–100 gives
// EINVALID.
func (db *DB) List(ctx context.Context, f article.ListFilter) (*article.Page, error) {
	limit := f.Limit
	if limit == 0 {
		limit = defaultLimit
	}
	if limit < 1 || limit > maxLimit {
		return nil, article.Errorf(article.EINVALID, "limit must be between 1 and %d, not %d", maxLimit, f.Limit)
	}
	// The cursor and tag conditions, on arguments numbered from $n.
	rest := func(n int) (where []string, args []any, err error) {
		if f.Cursor != "" {
			published, ns, id, err := decodeCursor(f.Cursor)
			if err != nil {
				return nil, nil, err
			}
			where = append(where, fmt.Sprintf("(published, published_ns, id) < ($%d, $%d, $%d)", n, n+1, n+2))
			args = append(args, published, ns, id)
		}
		if tag := tagKey(f.Tag); tag != "" {
			where = append(where, fmt.Sprintf("tag_keys @> ARRAY[$%d::text]", n+len(args)))
			args = append(args, tag)
		}
		return where, args, nil
	}
	const order = " ORDER BY published DESC, published_ns DESC, id DESC"
	limitArg := func(args []any) string { return fmt.Sprintf(" LIMIT $%d", len(args)+1) }
	sel := "SELECT id, " + summaryColumns + " FROM "

	if strings.TrimSpace(f.Query) == "" {
		where, args, err := rest(1)
		if err != nil {
			return nil, err
		}
		sql := sel + "articles"
		if len(where) > 0 {
			sql += " WHERE " + strings.Join(where, " AND ")
		}
		return db.page(ctx, sql+order+limitArg(args), append(args, limit+1), limit)
	}

	prefix, exact := tsQuery(f.Query)
	if prefix == "" {
		// Nothing searchable (only punctuation): nothing matches.
		if _, _, err := rest(1); err != nil {
			return nil, err
		}
		return &article.Page{Articles: []article.Summary{}}, nil
	}
	cond, args, err := db.searchCondition(ctx, prefix, exact, 1)
	if err != nil {
		return nil, fmt.Errorf("pg: list: %w", err)
	}
	// A search runs in up to three steps, because the planner cannot tell
	// how many rows a prefix query matches and checking a row's vector
	// costs tens of microseconds. First, the next searchWindow articles in
	// date order: a common word fills the page among them.
	rw, rargs, err := rest(len(args) + 1)
	if err != nil {
		return nil, err
	}
	inner := "articles"
	var tagCond []string
	for _, w := range rw {
		if strings.HasPrefix(w, "(published") {
			inner += " WHERE " + w
		} else {
			tagCond = append(tagCond, w)
		}
	}
	wargs := append(append([]any{}, args...), rargs...)
	sql := sel + fmt.Sprintf("(SELECT * FROM %s%s LIMIT %d) w WHERE ", inner, order, searchWindow) +
		strings.Join(append([]string{cond}, tagCond...), " AND ") + order + limitArg(wargs)
	page, err := db.page(ctx, sql, append(wargs, limit+1), limit)
	if err != nil || page.Next != "" {
		return page, err
	}
	// Then the matches through the full-text index, if they are few.
	ids, err := db.matches(ctx, cond, args)
	if err != nil {
		return nil, fmt.Errorf("pg: list: %w", err)
	}
	if ids != nil {
		rw, rargs, _ := rest(2)
		sql := sel + "articles JOIN unnest($1::bigint[]) AS m (id) USING (id)"
		if len(rw) > 0 {
			sql += " WHERE " + strings.Join(rw, " AND ")
		}
		args := append([]any{ids}, rargs...)
		return db.page(ctx, sql+order+limitArg(args), append(args, limit+1), limit)
	}
	// Else walk the date index: with so many matches, not for long.
	sql = sel + "articles WHERE " + strings.Join(append([]string{cond}, rw...), " AND ")
	return db.page(ctx, sql+order+limitArg(wargs), append(wargs, limit+1), limit)
}

// searchWindow is how many articles, in date order, a search checks
// before it turns to the full-text index.
const searchWindow = 200

// page runs a listing query whose last argument is limit+1 and reads the
// page it selects.
func (db *DB) page(ctx context.Context, sql string, args []any, limit int) (*article.Page, error) {
	var page *article.Page
	err := db.read(ctx, func() error {
		page = &article.Page{Articles: make([]article.Summary, 0, limit)}
		// Planned for these arguments every time (an unnamed statement),
		// never a generic plan: how many rows a tag or a word selects
		// decides between walking the date index and the GIN indexes.
		rows, err := db.pool.Query(ctx, sql, append([]any{pgx.QueryExecModeExec}, args...)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		var lastID int64
		var last time.Time
		for rows.Next() {
			if len(page.Articles) == limit {
				page.Next = encodeCursor(last, lastID)
				break
			}
			var s summaryRow
			if err := rows.Scan(append([]any{&lastID}, s.dest()...)...); err != nil {
				return err
			}
			sum := s.summary()
			last = sum.Published
			page.Articles = append(page.Articles, sum)
		}
		rows.Close()
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("pg: list: %w", err)
	}
	return page, nil
}

// maxMatches bounds the matches of a search that List collects through
// the full-text index before it pages through them; a search with more is
// answered by walking the date index instead, where matches are common
// enough to fill a page soon.
const maxMatches = 2000

// matches returns the ids of the articles that the search condition (on
// args from $1) selects, found through the GIN index, or nil when there
// are more than maxMatches. The planner cannot tell how many rows a prefix
// query matches (it assumes a few percent) and would walk the date index
// for a rare word, reading the whole table; counting first avoids that.
func (db *DB) matches(ctx context.Context, cond string, args []any) ([]int64, error) {
	sql := fmt.Sprintf("SELECT id FROM articles WHERE %s LIMIT %d", cond, maxMatches+1)
	var ids []int64
	err := db.read(ctx, func() error {
		rows, err := db.pool.Query(ctx, sql, append([]any{pgx.QueryExecModeExec}, args...)...)
		if err != nil {
			return err
		}
		ids, err = pgx.CollectRows(rows, pgx.RowTo[int64])
		return err
	})
	if err != nil {
		return nil, err
	}
	if len(ids) > maxMatches {
		return nil, nil
	}
	if ids == nil {
		ids = []int64{}
	}
	return ids, nil
}

// Count returns the number of articles.
func (db *DB) Count(ctx context.Context) (int, error) {
	var n int
	err := db.read(ctx, func() error {
		return db.pool.QueryRow(ctx, "SELECT count(*) FROM articles").Scan(&n)
	})
	if err != nil {
		return 0, fmt.Errorf("pg: count: %w", err)
	}
	return n, nil
}

// Create stores a new article: EINVALID if it does not validate, ECONFLICT
// if the slug is taken.
func (db *DB) Create(ctx context.Context, a *article.Article) error {
	if err := article.Storable(a); err != nil {
		return err
	}
	return db.write(ctx, fmt.Sprintf("create %q", a.Slug), func(tx pgx.Tx, rev int64) error {
		if _, ok, err := lookup(ctx, tx, "slug", a.Slug); err != nil {
			return err
		} else if ok {
			return article.Errorf(article.ECONFLICT, "slug %q is taken", a.Slug)
		}
		return db.insert(ctx, tx, a, a.Slug, nil, rev)
	})
}

// Update replaces the article with the slug, keeping its import source;
// a.Slug may name a new slug. EINVALID if a does not validate, ENOTFOUND if
// there is no such article, ECONFLICT if the new slug is taken.
func (db *DB) Update(ctx context.Context, slug string, a *article.Article) error {
	if err := article.Storable(a); err != nil {
		return err
	}
	return db.write(ctx, fmt.Sprintf("update %q", slug), func(tx pgx.Tx, rev int64) error {
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
		return db.update(ctx, tx, id, a, a.Slug, rev)
	})
}

// Delete removes the article with the slug, or returns ENOTFOUND.
func (db *DB) Delete(ctx context.Context, slug string) error {
	return db.write(ctx, fmt.Sprintf("delete %q", slug), func(tx pgx.Tx, rev int64) error {
		tag, err := tx.Exec(ctx, "DELETE FROM articles WHERE slug = $1", slug)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return article.Errorf(article.ENOTFOUND, "article %q not found", slug)
		}
		return nil
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
	err = db.write(ctx, fmt.Sprintf("import %q", source), func(tx pgx.Tx, rev int64) error {
		var id int64
		err := tx.QueryRow(ctx, "SELECT id, slug FROM articles WHERE source = $1", source).Scan(&id, &slug)
		if err == nil {
			created = false
			return db.update(ctx, tx, id, a, slug, rev)
		} else if !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		slug, err = freeSlug(ctx, tx, a.Slug)
		if err != nil {
			return err
		}
		created = true
		return db.insert(ctx, tx, a, slug, &source, rev)
	})
	if err != nil {
		return false, err
	}
	a.Slug = slug
	return created, nil
}

// freeSlug returns slug, or the first free "slug-N" if it is taken, in one
// query for the first maxSuffix candidates.
func freeSlug(ctx context.Context, tx pgx.Tx, slug string) (string, error) {
	cands := make([]string, maxSuffix)
	cands[0] = slug
	for n := 2; n <= maxSuffix; n++ {
		cands[n-1] = article.WithSuffix(slug, n)
	}
	var free string
	err := tx.QueryRow(ctx, `SELECT c FROM unnest($1::text[]) WITH ORDINALITY AS u(c, n)
		WHERE NOT EXISTS (SELECT 1 FROM articles WHERE articles.slug = u.c) ORDER BY n LIMIT 1`, cands).Scan(&free)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", article.Errorf(article.ECONFLICT, "no free slug for %q up to suffix %d", slug, maxSuffix)
	} else if err != nil {
		return "", fmt.Errorf("free slug: %w", err)
	}
	return free, nil
}

// errUnchanged tells write to roll back a write that would change nothing.
var errUnchanged = errors.New("pg: unchanged")

// write runs fn in one transaction after incrementing the store version,
// which fn receives as the row revision, and notifies Channel, which
// PostgreSQL delivers on commit. An error from fn rolls everything back;
// application errors and errUnchanged are returned as they are, others
// wrapped with "pg: op:".
func (db *DB) write(ctx context.Context, op string, fn func(tx pgx.Tx, rev int64) error) error {
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("pg: %s: begin: %w", op, wrapErr(err))
	}
	defer tx.Rollback(context.Background())
	var rev int64
	if err := tx.QueryRow(ctx, "UPDATE meta SET version = version + 1 WHERE id = 1 RETURNING version").Scan(&rev); err != nil {
		return fmt.Errorf("pg: %s: bump version: %w", op, wrapErr(err))
	}
	if err := fn(tx, rev); err != nil {
		var ae *article.Error
		if errors.As(err, &ae) || errors.Is(err, errUnchanged) {
			return err
		}
		var pe *pgconn.PgError
		if errors.As(err, &pe) && pe.Code == "23505" { // unique_violation
			return article.Errorf(article.ECONFLICT, "slug is taken")
		}
		return fmt.Errorf("pg: %s: %w", op, wrapErr(err))
	}
	if _, err := tx.Exec(ctx, "SELECT pg_notify($1, $2)", Channel, strconv.FormatInt(rev, 10)); err != nil {
		return fmt.Errorf("pg: %s: notify: %w", op, wrapErr(err))
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("pg: %s: commit: %w", op, wrapErr(err))
	}
	return nil
}

// lookup returns the id of the article whose column (slug or source)
// equals v.
func lookup(ctx context.Context, tx pgx.Tx, column, v string) (id int64, ok bool, err error) {
	err = tx.QueryRow(ctx, "SELECT id FROM articles WHERE "+column+" = $1", v).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, false, nil
	} else if err != nil {
		return 0, false, fmt.Errorf("lookup %s: %w", column, err)
	}
	return id, true, nil
}

// columnList names the columns that values gives, in order; search is
// computed from the last two values, the configuration and the text.
const columnList = `slug, title, subtitle, author, site, url, published, published_ns, updated, updated_ns,
	tags, tag_keys, image_src, image_alt, image_caption, image_credit, image_width, image_height, image_srcset, excerpt, lang, dir,
	word_count, reading_minutes, rev, html, cfg`

// searchExpr computes the search vector from the configuration ($n, the
// same as the last column) and the text ($n+1).
const searchExpr = `CASE WHEN $%[1]d::text = 'simple' THEN to_tsvector('simple', $%[2]d)
	ELSE to_tsvector($%[1]d::text::regconfig, $%[2]d) || to_tsvector('simple', $%[2]d) END`

// values returns the values of columnList for the article under slug
// (its text search configuration last), then its text.
func (db *DB) values(a *article.Article, slug string, rev int64) []any {
	tags := a.Tags
	if tags == nil {
		tags = []string{}
	}
	keys := make([]string, 0, len(tags))
	seen := map[string]bool{}
	for _, t := range tags {
		if k := tagKey(t); k != "" && !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
	}
	var img article.Image
	var src *string
	if a.Image != nil {
		img = *a.Image
		src = &img.Src
	}
	pub, pubNS := splitTime(a.Published)
	upd, updNS := splitTime(a.Updated)
	return []any{
		slug, a.Title, a.Subtitle, a.Author, a.Site, a.URL, pub, pubNS, upd, updNS,
		tags, keys, src, img.Alt, img.Caption, img.Credit, int32(img.Width), int32(img.Height), article.SrcsetString(img.Srcset), a.Excerpt, a.Lang, a.Dir,
		a.WordCount, a.ReadingMinutes, rev, string(a.HTML), db.config(a.Lang),
		indexText(a),
	}
}

// insert adds the article's row under slug.
func (db *DB) insert(ctx context.Context, tx pgx.Tx, a *article.Article, slug string, source *string, rev int64) error {
	q, args := db.insertSQL(a, slug, source, rev)
	if _, err := tx.Exec(ctx, q, args...); err != nil {
		return fmt.Errorf("insert article: %w", err)
	}
	return nil
}

// insertSQL returns the statement and arguments that insert the article's
// row under slug.
func (db *DB) insertSQL(a *article.Article, slug string, source *string, rev int64) (string, []any) {
	vals := append([]any{source}, db.values(a, slug, rev)...)
	n := len(vals)
	ph := make([]string, n-1)
	for i := range ph {
		ph[i] = "$" + strconv.Itoa(i+1)
	}
	return "INSERT INTO articles (source, " + columnList + ", search) VALUES (" + strings.Join(ph, ", ") + ", " +
		fmt.Sprintf(searchExpr, n-1, n) + ")", vals
}

// update replaces the row with the id; the source is kept.
func (db *DB) update(ctx context.Context, tx pgx.Tx, id int64, a *article.Article, slug string, rev int64) error {
	vals := db.values(a, slug, rev)
	n := len(vals)
	cols := strings.Fields(strings.ReplaceAll(columnList, ",", " "))
	set := make([]string, len(cols))
	for i, c := range cols {
		set[i] = fmt.Sprintf("%s = $%d", c, i+1)
	}
	q := "UPDATE articles SET " + strings.Join(set, ", ") + ", search = " + fmt.Sprintf(searchExpr, n-1, n) +
		fmt.Sprintf(" WHERE id = $%d", n+1)
	if _, err := tx.Exec(ctx, q, append(vals, id)...); err != nil {
		return fmt.Errorf("update article: %w", err)
	}
	return nil
}

// tagKey is the form of a tag that the filter compares: lower case, inner
// spaces collapsed.
func tagKey(t string) string {
	return strings.ToLower(strings.Join(strings.Fields(t), " "))
}

// splitTime returns t in UTC cut to the microsecond, which timestamptz
// keeps, and the nanoseconds below it.
func splitTime(t time.Time) (time.Time, int16) {
	t = t.UTC()
	ns := t.Nanosecond() % 1000
	return t.Add(-time.Duration(ns)), int16(ns)
}

// joinTime is the inverse of splitTime.
func joinTime(t time.Time, ns int16) time.Time {
	return t.UTC().Add(time.Duration(ns))
}

// summaryRow receives the summary columns of a row.
type summaryRow struct {
	slug, title, subtitle, author, site, url string
	published, updated                       time.Time
	publishedNS, updatedNS                   int16
	tags                                     []string
	imgSrc                                   *string
	imgAlt, imgCaption, imgCredit, imgSrcset string
	imgWidth, imgHeight                      int32
	excerpt, lang, dir                       string
	wordCount, readingMinutes                int32
}

// dest returns scan destinations in the order of summaryColumns.
func (s *summaryRow) dest() []any {
	return []any{&s.slug, &s.title, &s.subtitle, &s.author, &s.site, &s.url, &s.published, &s.publishedNS,
		&s.updated, &s.updatedNS, &s.tags, &s.imgSrc, &s.imgAlt, &s.imgCaption, &s.imgCredit, &s.imgWidth, &s.imgHeight,
		&s.imgSrcset, &s.excerpt, &s.lang, &s.dir, &s.wordCount, &s.readingMinutes}
}

func (s *summaryRow) summary() article.Summary {
	tags := s.tags
	if tags == nil {
		tags = []string{}
	}
	var img *article.Image
	if s.imgSrc != nil {
		img = &article.Image{Src: *s.imgSrc, Alt: s.imgAlt, Caption: s.imgCaption, Credit: s.imgCredit,
			Width: int(s.imgWidth), Height: int(s.imgHeight), Srcset: article.ParseSrcset(s.imgSrcset)}
	}
	return article.Summary{
		Slug: s.slug, Title: s.title, Subtitle: s.subtitle, Author: s.author, Site: s.site, URL: s.url,
		Published: joinTime(s.published, s.publishedNS), Updated: joinTime(s.updated, s.updatedNS),
		Tags: tags, Image: img, Excerpt: s.excerpt, Lang: s.lang, Dir: s.dir,
		WordCount: int(s.wordCount), ReadingMinutes: int(s.readingMinutes),
	}
}

// scanArticle reads a row of summaryColumns and html.
func scanArticle(row pgx.Row, extra ...any) (*article.Article, error) {
	var s summaryRow
	var html article.SafeHTML // stored only after the sanitiser made it
	if err := row.Scan(append(append(extra, s.dest()...), &html)...); err != nil {
		return nil, err
	}
	return s.summary().Article(html), nil
}

// A cursor is the unpadded base64url form of "published,id" of the last
// article on the page before, as on SQLite.

func encodeCursor(published time.Time, id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(published.UTC().Format(timeLayout) + "," + strconv.FormatInt(id, 10)))
}

func decodeCursor(c string) (published time.Time, ns int16, id int64, err error) {
	bad := article.Errorf(article.EINVALID, "invalid cursor")
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return time.Time{}, 0, 0, bad
	}
	p, i, ok := strings.Cut(string(b), ",")
	if !ok {
		return time.Time{}, 0, 0, bad
	}
	t, err := time.Parse(timeLayout, p)
	if err != nil || t.UTC().Format(timeLayout) != p {
		return time.Time{}, 0, 0, bad
	}
	id, err = strconv.ParseInt(i, 10, 64)
	if err != nil || id < 1 || strconv.FormatInt(id, 10) != i {
		return time.Time{}, 0, 0, bad
	}
	published, ns = splitTime(t)
	return published, ns, id, nil
}
