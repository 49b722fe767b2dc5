// Package wire holds what the server and the browser app say to each other
// over HTTP: the request and response bodies both sides read and write, and
// the one mapping between the application's error codes and HTTP statuses,
// in both directions. It depends on the standard library and article only,
// so it compiles for js/wasm; neither side declares these types again.
package wire

import (
	"time"

	"folio/article"
)

// Error is the body of every error response: {"error": "message"}.
type Error struct {
	Error string `json:"error"`
}

// statuses maps each application error code to its HTTP status.
var statuses = map[string]int{
	article.EINVALID:     400,
	article.EUNAUTH:      401,
	article.EFORBIDDEN:   403,
	article.ENOTFOUND:    404,
	article.ECONFLICT:    409,
	article.ETOOLARGE:    413,
	article.EUNSUPPORTED: 415,
	article.ETOOMANY:     429,
	article.EUNAVAILABLE: 503,
	article.EINTERNAL:    500,
}

// Status returns the HTTP status of an application error code; an unknown
// code is an internal error, 500.
func Status(code string) int {
	if s, ok := statuses[code]; ok {
		return s
	}
	return 500
}

// Code returns the application error code of an HTTP error status, the
// inverse of Status. 422, which POST /api/extract answers for a page it
// may not or cannot read, is an invalid request; any other status without
// a code of its own is an internal error.
func Code(status int) string {
	if status == 422 {
		return article.EINVALID
	}
	for code, s := range statuses {
		if s == status {
			return code
		}
	}
	return article.EINTERNAL
}

// Article is the body of POST /api/articles and PUT /api/articles/{slug},
// and the shape of a JSON article file for folio import: the article JSON
// with its html raw and untrusted (the server runs it through the
// sanitiser like any other input). Dates are RFC 3339.
// WordCount and ReadingMinutes are computed by the server; they are
// accepted and ignored so that an article read from the API can be sent
// back as it is.
type Article struct {
	Slug           string         `json:"slug,omitempty"`
	Title          string         `json:"title"`
	Subtitle       string         `json:"subtitle,omitempty"`
	Author         string         `json:"author,omitempty"`
	Site           string         `json:"site,omitempty"`
	URL            string         `json:"url,omitempty"`
	Published      string         `json:"published,omitempty"`
	Updated        string         `json:"updated,omitempty"`
	Tags           []string       `json:"tags"`
	Image          *article.Image `json:"image,omitempty"`
	Excerpt        string         `json:"excerpt,omitempty"`
	HTML           string         `json:"html"`
	Lang           string         `json:"lang,omitempty"`
	Dir            string         `json:"dir,omitempty"`
	WordCount      int            `json:"word_count,omitempty"`
	ReadingMinutes int            `json:"reading_minutes,omitempty"`
}

// ExtractRequest is the body of POST /api/extract.
type ExtractRequest struct {
	URL string `json:"url"`
}

// Extracted is the answer of POST /api/extract: a page's article as raw,
// untrusted HTML and its metadata as untrusted text. The preview puts
// them in its editor; publishing sanitises them like any other input.
type Extracted struct {
	URL       string     `json:"url"` // after redirects
	Title     string     `json:"title"`
	Author    string     `json:"author,omitempty"`
	Site      string     `json:"site,omitempty"`
	Image     string     `json:"image,omitempty"`
	ImageAlt  string     `json:"image_alt,omitempty"`
	Excerpt   string     `json:"excerpt,omitempty"`
	Lang      string     `json:"lang,omitempty"`
	Dir       string     `json:"dir,omitempty"`
	Published *time.Time `json:"published,omitempty"`
	Updated   *time.Time `json:"updated,omitempty"`
	Tags      []string   `json:"tags"`
	HTML      string     `json:"html"`
}
