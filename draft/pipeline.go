package draft

import (
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"folio/article"
	"folio/sanitize"
)

// Article turns the draft into a valid article. It is the one pipeline from
// untrusted input to an article, used by every importer, the API and the
// preview:
//
//   - the text fields (title, subtitle, author, site, excerpt, tags and the
//     image's alt, caption and credit) go through sanitize.Text, which strips
//     markup and decodes character references; empty tags are dropped;
//   - the body goes through sanitize.HTML, with the draft's URL, when it is
//     a valid http(s) URL, as the base for relative links;
//   - the image source is resolved against the URL and must then be an
//     http(s) URL. Any other source (javascript:, data:, a relative path
//     with no URL to resolve it against) is dropped and listed in the report
//     as a removed URL on "image", like the sanitiser does for an <img> in
//     the body; the image keeps its caption and credit, and disappears if it
//     has neither;
//   - lang is kept ("_" becomes "-"), dir is lower-cased;
//   - without a published date the article stays undated (PublishNow
//     dates it now instead); without an excerpt it gets one from the first
//     real paragraph of the body (sanitize.Excerpt);
//   - Normalize derives the slug, updated, tags that fit the limits and
//     the counts, and Validate checks the result.
//
// The report lists what the sanitiser removed. Errors are EINVALID
// article errors with a message for the user, such as "title is required".
func (d *Draft) Article(now time.Time) (*article.Article, sanitize.Report, error) {
	for name, s := range map[string]string{
		"title": d.Title, "subtitle": d.Subtitle, "author": d.Author, "site": d.Site, "url": d.URL,
		"excerpt": d.Excerpt, "body": d.Body, "slug": d.Slug, "lang": d.Lang, "dir": d.Dir,
	} {
		if !utf8.ValidString(s) {
			return nil, nil, article.Errorf(article.EINVALID, "%s is not valid UTF-8", name)
		}
	}
	a := &article.Article{
		Slug:      strings.TrimSpace(d.Slug),
		Title:     sanitize.Text(d.Title),
		Subtitle:  sanitize.Text(d.Subtitle),
		Author:    sanitize.Text(d.Author),
		Site:      sanitize.Text(d.Site),
		URL:       strings.TrimSpace(d.URL),
		Published: d.Published,
		Updated:   d.Updated,
		Excerpt:   sanitize.Text(d.Excerpt),
		Lang:      strings.ReplaceAll(strings.TrimSpace(d.Lang), "_", "-"),
		Dir:       strings.ToLower(strings.TrimSpace(d.Dir)),
		Tags:      []string{},
	}
	for _, t := range d.Tags {
		if !utf8.ValidString(t) {
			return nil, nil, article.Errorf(article.EINVALID, "a tag is not valid UTF-8")
		}
		if t = sanitize.Text(t); t != "" {
			a.Tags = append(a.Tags, t)
		}
	}

	var base *url.URL
	if a.URL != "" && article.ValidURL(a.URL) == nil {
		base, _ = url.Parse(a.URL)
	}
	var report sanitize.Report
	a.HTML, report = sanitize.HTML(d.Body, base)

	if d.Image != nil {
		img := *d.Image
		for _, s := range []string{img.Src, img.Alt, img.Caption, img.Credit} {
			if !utf8.ValidString(s) {
				return nil, nil, article.Errorf(article.EINVALID, "image is not valid UTF-8")
			}
		}
		img.Alt = sanitize.Text(img.Alt)
		img.Caption = sanitize.Text(img.Caption)
		img.Credit = sanitize.Text(img.Credit)
		src, removed := imageSrc(img.Src, base)
		img.Src = src
		if removed != nil {
			report = append(report, *removed)
		}
		var dropped []sanitize.Removal
		img.Srcset, dropped = imageSrcset(img.Srcset, base)
		report = append(report, dropped...)
		if img.Src == "" { // a size or a srcset is of a picture; none is left
			img.Width, img.Height, img.Srcset = 0, 0, nil
		}
		if img.Src != "" || img.Caption != "" || img.Credit != "" {
			a.Image = &img
		}
	}

	if a.Published.IsZero() && d.PublishNow {
		a.Published = now.UTC().Truncate(time.Second)
	}
	if a.Excerpt == "" {
		a.Excerpt = sanitize.Excerpt(a.HTML, article.ExcerptLength)
	}
	a.Normalize(sanitize.PlainText(a.HTML), now)
	if err := a.Validate(); err != nil {
		return nil, report, err
	}
	return a, report, nil
}

// imageSrcset cleans an image's srcset as imageSrc cleans its src: each
// candidate resolved against base and kept if it is an http(s) URL that
// HTML's srcset syntax keeps whole, with a width of 1–article.MaxImageSide;
// then narrowest first, one per width (the first given), at most
// article.MaxSrcset of them. The removals name the candidates dropped.
func imageSrcset(in []article.ImageSource, base *url.URL) ([]article.ImageSource, []sanitize.Removal) {
	var out []article.ImageSource
	var report []sanitize.Removal
	seen := map[int]bool{}
	for _, c := range in {
		if !utf8.ValidString(c.Src) {
			report = append(report, sanitize.Removal{Kind: "url", Name: "invalid", On: "image.srcset", Count: 1})
			continue
		}
		src, removed := imageSrc(c.Src, base)
		if removed == nil && src != "" && article.ValidSrcsetURL(src) != nil {
			removed = imageRemoval(c.Src, "invalid")
		}
		if removed == nil && src != "" && (c.Width < 1 || c.Width > article.MaxImageSide) {
			removed = imageRemoval(c.Src, "no width")
		}
		if removed != nil {
			removed.On = "image.srcset"
			report = append(report, *removed)
			continue
		}
		if src == "" || seen[c.Width] {
			continue
		}
		seen[c.Width] = true
		out = append(out, article.ImageSource{Src: src, Width: c.Width})
	}
	slices.SortStableFunc(out, func(a, b article.ImageSource) int { return a.Width - b.Width })
	if len(out) > article.MaxSrcset {
		report = append(report, sanitize.Removal{Kind: "url", Name: "over the limit", On: "image.srcset", Count: len(out) - article.MaxSrcset})
		out = out[:article.MaxSrcset]
	}
	return out, report
}

// imageSrc resolves an image source against base and returns it if it is
// an http(s) URL. Otherwise it returns "" and the removal to report.
func imageSrc(src string, base *url.URL) (string, *sanitize.Removal) {
	src = strings.TrimSpace(src)
	if src == "" {
		return "", nil
	}
	removal := func(name string) *sanitize.Removal { return imageRemoval(src, name) }
	u, err := url.Parse(src)
	if err != nil {
		return "", removal("invalid")
	}
	if !u.IsAbs() {
		if base == nil {
			return "", removal("relative")
		}
		u = base.ResolveReference(u)
	}
	s := u.String()
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", removal(strings.ToLower(u.Scheme) + ":")
	}
	if article.ValidURL(s) != nil {
		return "", removal("invalid")
	}
	return s, nil
}

// imageRemoval reports an image URL dropped for the reason name.
func imageRemoval(src, name string) *sanitize.Removal {
	sample := src
	if len(sample) > 80 {
		sample = sample[:80]
		for !utf8.ValidString(sample) {
			sample = sample[:len(sample)-1]
		}
	}
	return &sanitize.Removal{Kind: "url", Name: name, On: "image", Count: 1, Sample: sample}
}
