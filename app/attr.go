package app

import (
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/maxence-charriere/go-app/v9/pkg/app"
)

// go-app v9 prints server-side attribute values with strconv.Quote, which
// is not HTML escaping: a '"' comes out as '\"' and ends the attribute
// (goapp.md §2.6). Every untrusted string that a component puts in an
// attribute therefore goes through attr or safeURL, and page titles through
// pageTitle. In the browser go-app sets attributes through the DOM, where no
// escaping is needed, so the helpers return their input unchanged there.

// attr returns s ready to be an attribute value of server-rendered HTML.
func attr(s string) string {
	if !app.IsServer {
		return s
	}
	return escapeAttr(s)
}

// escapeAttr writes the HTML metacharacters of s as character references,
// and every rune strconv.Quote would escape (backslash, invalid UTF-8,
// non-printing runes) as a numeric reference or nothing, so that
// strconv.Quote(escapeAttr(s)) is exactly '"' + escapeAttr(s) + '"' and the
// browser decodes the value back to s. C0 and C1 control characters are
// dropped, tab, CR and LF become spaces.
func escapeAttr(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '&':
			b.WriteString("&amp;")
		case r == '"':
			b.WriteString("&#34;")
		case r == '\'':
			b.WriteString("&#39;")
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case r == '\\':
			b.WriteString("&#92;")
		case r == '\t' || r == '\n' || r == '\r':
			b.WriteByte(' ')
		case r == utf8.RuneError: // an invalid byte, or U+FFFD itself
			b.WriteString("&#65533;")
		case r < 0x20 || r >= 0x7f && r < 0xa0:
			// control characters: dropped
		case strconv.IsPrint(r):
			b.WriteRune(r)
		default:
			b.WriteString("&#")
			b.WriteString(strconv.Itoa(int(r)))
			b.WriteByte(';')
		}
	}
	return b.String()
}

// pageTitle returns s for ctx.Page().SetTitle. On the server go-app prints
// the title twice: as the text of <title>, which it escapes, and in the
// og:title attribute, which it only quotes. No escaping suits both, so the
// characters that matter in a quoted attribute are replaced by look-alikes
// ('"' by '”', '\' by '∖') and non-printing runes by spaces.
func pageTitle(s string) string {
	if !app.IsServer {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '"':
			b.WriteRune('”')
		case r == '\\':
			b.WriteRune('∖')
		case r == utf8.RuneError:
			b.WriteRune('\uFFFD')
		case strconv.IsPrint(r):
			b.WriteRune(r)
		default:
			b.WriteByte(' ')
		}
	}
	return b.String()
}

// safeURL returns u for an href or src attribute, or "" when u is not an
// absolute http(s) URL or a path of this site ("/a/x"). The URL is
// re-encoded so that it holds no quote, backslash, space, angle bracket or
// non-ASCII byte, then escaped like attr.
func safeURL(raw string) string {
	if raw == "" || len(raw) > 4096 {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	switch {
	case u.Scheme == "http" || u.Scheme == "https":
		if u.Host == "" {
			return ""
		}
	case u.Scheme == "" && u.Host == "" && u.User == nil && strings.HasPrefix(raw, "/") && !strings.HasPrefix(raw, "//") && !strings.HasPrefix(raw, "/\\"):
	default:
		return ""
	}
	s := u.String()
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte("\"'\\<>`", c) >= 0 {
			b.WriteByte('%')
			b.WriteByte("0123456789ABCDEF"[c>>4])
			b.WriteByte("0123456789ABCDEF"[c&15])
			continue
		}
		b.WriteByte(c)
	}
	return attr(b.String())
}
