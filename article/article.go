// Package article is Folio's domain: the article model, its validation,
// the safe-HTML type and the store interface. It uses the standard library
// only and compiles for js/wasm, so the reader app and the preview share it.
package article

import (
	"errors"
	"fmt"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Limits on article fields.
const (
	MaxTitleLen   = 300     // characters
	MaxSlugLen    = 100     // bytes
	MaxTextLen    = 2000    // characters, for subtitle, author, site, caption, credit, excerpt
	MaxTags       = 20      // tags per article
	MaxTagLen     = 60      // characters per tag
	MaxHTMLLen    = 1 << 20 // bytes of sanitised body
	MaxURLLen     = 2048    // bytes
	ExcerptLength = 200     // characters of a derived excerpt
	MaxImageSide  = 100000  // pixels, for image.width and image.height
)

// Image is an article's lead image. Src may be empty when the source named
// a caption or credit but no image URL (scraped text often does): readers
// then show the caption and credit without a picture.
//
// Width and Height are the image's size in pixels, both 0 when it is not
// known: from the importer's metadata, the client, or read once from the
// image's header when the article was written.
//
// Srcset is the same picture at other widths, as the source page offered
// them (see ImageSource); pages let the browser pick the one that fits.
type Image struct {
	Src     string        `json:"src"`
	Alt     string        `json:"alt,omitempty"`
	Caption string        `json:"caption,omitempty"`
	Credit  string        `json:"credit,omitempty"`
	Width   int           `json:"width,omitempty"`
	Height  int           `json:"height,omitempty"`
	Srcset  []ImageSource `json:"srcset,omitempty"`
}

// HasSize reports whether the image's width and height are known.
func (i *Image) HasSize() bool {
	return i != nil && i.Width > 0 && i.Height > 0
}

// validSize checks the image's width and height: both 0 (unknown) or both
// 1–MaxImageSide, and only for an image with a src.
func (i *Image) validSize() error {
	for name, v := range map[string]int{"image.width": i.Width, "image.height": i.Height} {
		if v < 0 || v > MaxImageSide {
			return Errorf(EINVALID, "%s is %d; it must be 0 (unknown) or 1–%d", name, v, MaxImageSide)
		}
	}
	if (i.Width == 0) != (i.Height == 0) {
		return Errorf(EINVALID, "image.width and image.height go together: give both or neither")
	}
	if i.Width != 0 && i.Src == "" {
		return Errorf(EINVALID, "image.width and image.height need an image.src")
	}
	return nil
}

// Article is a full article as stored and served by the API. Every string
// but HTML is plain text; HTML is the sanitised body. Published is zero
// when the source names no date: an article is never given a date it does
// not have (readers show it as undated), and listings put it after the
// dated ones.
type Article struct {
	Slug           string    `json:"slug"`
	Title          string    `json:"title"`
	Subtitle       string    `json:"subtitle,omitempty"`
	Author         string    `json:"author,omitempty"`
	Site           string    `json:"site,omitempty"`
	URL            string    `json:"url,omitempty"`
	Published      time.Time `json:"published,omitzero"` // zero (absent) when the source names no date
	Updated        time.Time `json:"updated"`
	Tags           []string  `json:"tags"`
	Image          *Image    `json:"image,omitempty"`
	Excerpt        string    `json:"excerpt,omitempty"`
	HTML           SafeHTML  `json:"html"`
	Lang           string    `json:"lang,omitempty"`
	Dir            string    `json:"dir,omitempty"`
	WordCount      int       `json:"word_count"`
	ReadingMinutes int       `json:"reading_minutes"`
}

// Summary is an article without its body, as listed by the API and shown
// on a card.
type Summary struct {
	Slug           string    `json:"slug"`
	Title          string    `json:"title"`
	Subtitle       string    `json:"subtitle,omitempty"`
	Author         string    `json:"author,omitempty"`
	Site           string    `json:"site,omitempty"`
	URL            string    `json:"url,omitempty"`
	Published      time.Time `json:"published,omitzero"`
	Updated        time.Time `json:"updated"`
	Tags           []string  `json:"tags"`
	Image          *Image    `json:"image,omitempty"`
	Excerpt        string    `json:"excerpt,omitempty"`
	Lang           string    `json:"lang,omitempty"`
	Dir            string    `json:"dir,omitempty"`
	WordCount      int       `json:"word_count"`
	ReadingMinutes int       `json:"reading_minutes"`
}

// Summary returns the article without its body.
func (a *Article) Summary() Summary {
	return Summary{
		Slug: a.Slug, Title: a.Title, Subtitle: a.Subtitle, Author: a.Author, Site: a.Site,
		URL: a.URL, Published: a.Published, Updated: a.Updated, Tags: a.Tags, Image: a.Image,
		Excerpt: a.Excerpt, Lang: a.Lang, Dir: a.Dir, WordCount: a.WordCount, ReadingMinutes: a.ReadingMinutes,
	}
}

// Article returns the article of the summary with the body, the inverse of
// Article.Summary. Stores use it to rebuild what they read.
func (s Summary) Article(body SafeHTML) *Article {
	return &Article{
		Slug: s.Slug, Title: s.Title, Subtitle: s.Subtitle, Author: s.Author, Site: s.Site, URL: s.URL,
		Published: s.Published, Updated: s.Updated, Tags: s.Tags, Image: s.Image, Excerpt: s.Excerpt,
		HTML: body, Lang: s.Lang, Dir: s.Dir, WordCount: s.WordCount, ReadingMinutes: s.ReadingMinutes,
	}
}

// Same reports whether a and b hold the same article: the same fields, the
// times as instants, no tags and an empty list of them alike. Stores use it
// to skip a write that would change nothing.
func Same(a, b *Article) bool {
	norm := func(x *Article) Article {
		c := *x
		c.Published, c.Updated = c.Published.UTC(), c.Updated.UTC()
		if c.Tags == nil {
			c.Tags = []string{}
		}
		return c
	}
	return reflect.DeepEqual(norm(a), norm(b))
}

// Storable checks what Validate checks, plus the years a store can hold
// (0–9999, as RFC 3339 writes them), so that every store accepts the same
// articles. A nil article is EINVALID.
func Storable(a *Article) error {
	if a == nil {
		return Errorf(EINVALID, "no article")
	}
	if err := a.Validate(); err != nil {
		return err
	}
	for name, t := range map[string]time.Time{"published": a.Published, "updated": a.Updated} {
		if y := t.UTC().Year(); y < 0 || y > 9999 {
			return Errorf(EINVALID, "%s year %d is outside 0–9999", name, y)
		}
	}
	return nil
}

// Validate checks the article's fields and returns an EINVALID error naming
// the first field that is wrong. It does not derive anything: call Normalize
// first to fill in the slug, dates and counts.
func (a *Article) Validate() error {
	if strings.TrimSpace(a.Title) == "" {
		return Errorf(EINVALID, "title is required")
	}
	if n := utf8.RuneCountInString(a.Title); n > MaxTitleLen {
		return Errorf(EINVALID, "title is %d characters long; the limit is %d", n, MaxTitleLen)
	}
	if err := ValidSlug(a.Slug); err != nil {
		return err
	}
	for name, v := range map[string]string{"subtitle": a.Subtitle, "author": a.Author, "site": a.Site, "excerpt": a.Excerpt} {
		if n := utf8.RuneCountInString(v); n > MaxTextLen {
			return Errorf(EINVALID, "%s is %d characters long; the limit is %d", name, n, MaxTextLen)
		}
	}
	if a.URL != "" {
		if err := ValidURL(a.URL); err != nil {
			return Errorf(EINVALID, "url: %s", Message(err))
		}
	}
	if a.Image != nil {
		if a.Image.Src == "" && a.Image.Caption == "" && a.Image.Credit == "" {
			return Errorf(EINVALID, "image needs a src, a caption or a credit")
		}
		if a.Image.Src != "" {
			if err := ValidURL(a.Image.Src); err != nil {
				return Errorf(EINVALID, "image.src: %s", Message(err))
			}
		}
		if err := a.Image.validSize(); err != nil {
			return err
		}
		if err := a.Image.validSrcset(); err != nil {
			return err
		}
		for name, v := range map[string]string{"image.alt": a.Image.Alt, "image.caption": a.Image.Caption, "image.credit": a.Image.Credit} {
			if n := utf8.RuneCountInString(v); n > MaxTextLen {
				return Errorf(EINVALID, "%s is %d characters long; the limit is %d", name, n, MaxTextLen)
			}
		}
	}
	if len(a.Tags) > MaxTags {
		return Errorf(EINVALID, "%d tags; the limit is %d", len(a.Tags), MaxTags)
	}
	for _, t := range a.Tags {
		if strings.TrimSpace(t) == "" {
			return Errorf(EINVALID, "tags must not be empty")
		}
		if utf8.RuneCountInString(t) > MaxTagLen {
			return Errorf(EINVALID, "tag %q is longer than %d characters", t, MaxTagLen)
		}
	}
	if len(a.HTML) > MaxHTMLLen {
		return Errorf(EINVALID, "body is %d bytes after sanitising; the limit is %d", len(a.HTML), MaxHTMLLen)
	}
	switch a.Dir {
	case "", "ltr", "rtl", "auto":
	default:
		return Errorf(EINVALID, "dir must be ltr, rtl or auto, not %q", a.Dir)
	}
	if a.Lang != "" && !validLang(a.Lang) {
		return Errorf(EINVALID, "lang %q is not a language tag such as en or pt-BR", a.Lang)
	}
	for _, s := range []string{a.Title, a.Subtitle, a.Author, a.Site, a.Excerpt, string(a.HTML)} {
		if !utf8.ValidString(s) {
			return Errorf(EINVALID, "text is not valid UTF-8")
		}
	}
	return nil
}

// Normalize fills in what can be derived: the slug from the title (when
// empty), updated (published, or now when both are zero: the time the
// article was stored), the direction from the language, the excerpt from
// the body text, and the word count and reading time; tags are split at
// commas, deduplicated and fitted to the limits (see FitTags). Published
// stays zero when it is: a date is never invented. bodyText is the body's
// plain text.
func (a *Article) Normalize(bodyText string, now time.Time) {
	if a.Slug == "" {
		a.Slug = Slugify(a.Title)
	}
	now = now.UTC().Truncate(time.Second)
	if !a.Published.IsZero() {
		a.Published = a.Published.UTC()
	}
	if a.Updated.IsZero() {
		a.Updated = a.Published
	}
	if a.Updated.IsZero() {
		a.Updated = now
	}
	if a.Updated.Before(a.Published) {
		a.Updated = a.Published
	}
	a.Updated = a.Updated.UTC()
	a.Tags = FitTags(a.Tags)
	if a.Dir == "" && a.Lang != "" && isRTL(a.Lang) {
		a.Dir = "rtl"
	}
	if a.Excerpt == "" {
		a.Excerpt = Truncate(bodyText, ExcerptLength)
	}
	a.WordCount, a.ReadingMinutes = ReadingTime(bodyText, a.Lang)
}

// FitTags returns tags as an article keeps them: each value split at
// commas (pages often join their tags in one "a, b, c"), white space
// collapsed, empty and repeated (case-insensitively) tags dropped, each tag
// cut to MaxTagLen characters at a word boundary, and at most MaxTags kept,
// the first ones. Tags that do not fit are dropped rather than refusing
// the article.
func FitTags(tags []string) []string {
	out := make([]string, 0, min(len(tags), MaxTags))
	seen := map[string]bool{}
	for _, v := range tags {
		for t := range strings.SplitSeq(v, ",") {
			t = strings.Join(strings.Fields(t), " ")
			if utf8.RuneCountInString(t) > MaxTagLen {
				t = strings.TrimSuffix(Truncate(t, MaxTagLen-1), "…")
			}
			k := strings.ToLower(t)
			if t == "" || seen[k] || len(out) == MaxTags {
				continue
			}
			seen[k] = true
			out = append(out, t)
		}
	}
	return out
}

// Truncate shortens s to at most n characters at a word boundary, adding an
// ellipsis when it cut anything.
func Truncate(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)[:n]
	cut := len(r)
	for i := len(r) - 1; i > n/2; i-- {
		if unicode.IsSpace(r[i]) {
			cut = i
			break
		}
	}
	return strings.TrimRight(string(r[:cut]), " ,;:.-–—") + "…"
}

// ValidURL reports whether s is an absolute http or https URL with a host,
// no userinfo ("user:pass@") and, if it has a port (even an empty one, as in
// "host:/"), a port from 1 to 65535.
// Its EINVALID messages never repeat a password.
func ValidURL(s string) error {
	if len(s) > MaxURLLen {
		return Errorf(EINVALID, "longer than %d bytes", MaxURLLen)
	}
	u, err := url.Parse(s)
	if err != nil {
		var uerr *url.Error
		if errors.As(err, &uerr) && strings.Contains(uerr.Err.Error(), "invalid port") {
			return Errorf(EINVALID, "the port in %q is not a number from 1 to 65535", redact(s))
		}
		return Errorf(EINVALID, "%q is not a URL", redact(s))
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return Errorf(EINVALID, "%q must be an http or https URL", u.Redacted())
	}
	if u.User != nil {
		return Errorf(EINVALID, "%q must not carry a user name or password (user:pass@)", u.Redacted())
	}
	if u.Hostname() == "" {
		return Errorf(EINVALID, "%q has no host", s)
	}
	if p := u.Port(); p != "" || strings.HasSuffix(u.Host, ":") {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return Errorf(EINVALID, "the port in %q is %q; a port is a number from 1 to 65535", s, p)
		}
	}
	return nil
}

// redact hides what looks like a password in a string that did not parse
// as a URL: everything between "://" and the last "@" of the authority.
func redact(s string) string {
	i := strings.Index(s, "://")
	if i < 0 {
		return s
	}
	rest := s[i+3:]
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	if at := strings.LastIndex(rest[:end], "@"); at >= 0 {
		return s[:i+3] + "xxxxx" + rest[at:]
	}
	return s
}

func validLang(s string) bool {
	if len(s) > 35 {
		return false
	}
	for i, part := range strings.Split(s, "-") {
		if part == "" || len(part) > 8 || (i == 0 && len(part) < 2) {
			return false
		}
		for _, r := range part {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
				return false
			}
		}
	}
	return true
}

func isRTL(lang string) bool {
	switch strings.ToLower(strings.SplitN(lang, "-", 2)[0]) {
	case "ar", "he", "fa", "ur", "ps", "sd", "yi", "dv", "ckb", "ug":
		return true
	}
	return false
}

// String returns a short description for logs.
func (a *Article) String() string { return fmt.Sprintf("article %q", a.Slug) }
