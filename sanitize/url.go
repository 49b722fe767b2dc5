package sanitize

import (
	"net/url"
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
)

// schemeRe finds a URL's scheme the way a browser does, after browserURL
// has removed tabs, newlines and leading control characters.
var schemeRe = regexp.MustCompile(`^([A-Za-z][A-Za-z0-9+.-]*):`)

// browserURL normalises an attribute value as a browser's URL parser does
// before it looks for a scheme: ASCII tab and newline are removed anywhere,
// and leading and trailing C0 controls and spaces are stripped. Unicode
// spaces at the ends go too, as bluemonday trims them.
func browserURL(v string) string {
	if strings.ContainsAny(v, "\t\n\r") {
		v = strings.NewReplacer("\t", "", "\n", "", "\r", "").Replace(v)
	}
	v = strings.TrimFunc(v, func(r rune) bool { return r <= ' ' })
	return strings.TrimSpace(v)
}

// urlSchemeName names a refused URL for the report: its scheme with a colon
// ("javascript:") when a browser would see a scheme that is not allowed,
// else NameInvalidURL.
func urlSchemeName(v string) string {
	m := schemeRe.FindStringSubmatch(browserURL(v))
	if m == nil {
		return NameInvalidURL
	}
	switch s := strings.ToLower(m[1]); s {
	case "http", "https", "mailto":
		return NameInvalidURL // an allowed scheme, but not a usable URL
	default:
		return s + ":"
	}
}

// usableBase returns base when it is an absolute http or https URL with a
// host, else nil: relative URLs are then kept relative.
func usableBase(base *url.URL) *url.URL {
	if base == nil || base.Host == "" || (base.Scheme != "http" && base.Scheme != "https") {
		return nil
	}
	return base
}

// cleanURL checks and resolves the value of a URL attribute. kind is
// attrHref (which also takes mailto: and in-document #fragments), attrSrc or
// attrCite. It returns the URL to write, or ok=false when the URL must go.
// Relative URLs are resolved against base when base is not nil;
// protocol-relative ones get https when it is nil.
func cleanURL(v string, kind attrKind, base *url.URL) (string, bool) {
	v = browserURL(v)
	if v == "" || !utf8.ValidString(v) {
		return "", false
	}
	if v[0] == '#' {
		if kind != attrHref {
			return "", false
		}
		u, err := url.Parse(v)
		if err != nil {
			return "", false
		}
		id, ok := cleanID(u.Fragment)
		if !ok {
			return "", false
		}
		f, err := url.Parse("#" + id)
		if err != nil {
			return "", false
		}
		return stable(f.String())
	}
	if strings.Contains(v, " ") {
		v = strings.ReplaceAll(v, " ", "%20") // as a browser does
	}
	u, err := url.Parse(v)
	if err != nil {
		return "", false
	}
	if base != nil {
		u = base.ResolveReference(u)
	} else if u.Scheme == "" && u.Host != "" {
		u.Scheme = "https"
	}
	switch u.Scheme {
	case "http", "https":
		if u.Host == "" || u.Opaque != "" {
			return "", false
		}
	case "mailto":
		if kind != attrHref || u.Opaque == "" {
			return "", false
		}
	case "":
		if base != nil || u.Host != "" {
			return "", false
		}
	default:
		return "", false
	}
	s := u.String()
	if strings.HasPrefix(s, "#") {
		// "//#x" prints as a fragment: treat it as one.
		if strings.HasPrefix(v, "#") {
			return "", false
		}
		return cleanURL(s, kind, base)
	}
	return stable(s)
}

// stable reports whether s survives bluemonday's own URL check unchanged,
// so that the policy's second look never alters or drops it: no spaces,
// and parsing and printing it again gives s.
func stable(s string) (string, bool) {
	if s == "" || strings.TrimSpace(s) != s || strings.ContainsAny(s, " \t\n") {
		return "", false
	}
	u, err := url.Parse(s)
	if err != nil || u.String() != s {
		return "", false
	}
	return s, true
}

// cleanID returns the prefixed, normalised form of an id or of a link's
// fragment (already percent-decoded), or ok=false when nothing is left or
// it is too long. Ids and fragments go through the same normalisation, so
// that a table of contents' "#what's-new" or "#why%3F" still finds the
// heading id="what's-new" or id="why?".
func cleanID(v string) (string, bool) {
	v = normID(v)
	if v == "" {
		return "", false
	}
	if !strings.HasPrefix(v, idPrefix) {
		v = idPrefix + v
	}
	return v, idRe.MatchString(v)
}

// normID normalises an id: percent-escapes are decoded (a fragment was
// decoded by the URL parser, and some pages escape their ids the same
// way), white space at the ends goes, and each character that is not a
// letter, mark, digit or one of _.:'?!(),- becomes "-".
func normID(v string) string {
	v = strings.TrimSpace(v)
	if strings.Contains(v, "%") {
		if d, err := url.PathUnescape(v); err == nil && utf8.ValidString(d) {
			v = strings.TrimSpace(d)
		}
	}
	return strings.Map(func(r rune) rune {
		if idCharRe.MatchString(string(r)) {
			return r
		}
		return '-'
	}, v)
}

var idCharRe = regexp.MustCompile(`^[` + idChars + `]$`)

// anchorID returns the prefixed id of a named anchor, <a name=x> or
// <a id=x>, or "".
func anchorID(attrs []html.Attribute) string {
	for _, key := range []string{"id", "name"} {
		for _, a := range attrs {
			if a.Key == key {
				if id, ok := cleanID(a.Val); ok {
					return id
				}
			}
		}
	}
	return ""
}

// descRe matches a srcset candidate's descriptor: a width, density or
// height.
var descRe = regexp.MustCompile(`^[0-9]+(?:\.[0-9]+)?[wxh]$`)
