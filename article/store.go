package article

import (
	"context"
)

// ListFilter selects a page of articles, newest first.
type ListFilter struct {
	Limit  int    // 1–100; 0 means 20
	Cursor string // from a previous page's Next; "" for the first page
	Tag    string // only articles with this tag (case-insensitive)
	Query  string // full-text search over title, subtitle, author, excerpt, tags and body
}

// Page is one page of a listing.
type Page struct {
	Articles []Summary `json:"articles"`
	Next     string    `json:"next,omitempty"` // cursor of the next page; "" on the last
}

// Store keeps articles. Implementations are safe for concurrent use, and
// every write is atomic: on error nothing of it is stored.
type Store interface {
	// Get returns the article with the slug, or ENOTFOUND.
	Get(ctx context.Context, slug string) (*Article, error)
	// List returns a page of summaries, newest published first. A malformed
	// cursor gives EINVALID.
	List(ctx context.Context, f ListFilter) (*Page, error)
	// Create stores a new article. ECONFLICT if the slug is taken.
	Create(ctx context.Context, a *Article) error
	// Update replaces the article with the slug; a.Slug may name a new slug.
	// ENOTFOUND if there is none, ECONFLICT if the new slug is taken.
	Update(ctx context.Context, slug string, a *Article) error
	// Delete removes the article with the slug, or returns ENOTFOUND.
	Delete(ctx context.Context, slug string) error
	// Import stores an article read from a source (a file path, a feed
	// item's id, a URL). If an article from the same source exists it is
	// updated in place and keeps its slug; otherwise a taken slug gets a
	// numeric suffix. It reports whether the article was created and sets
	// a.Slug to the slug used.
	Import(ctx context.Context, source string, a *Article) (created bool, err error)
	// Count returns the number of articles.
	Count(ctx context.Context) (int, error)
	// Close releases the store.
	Close() error
}
