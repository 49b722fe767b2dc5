package article

import (
	"strconv"
	"strings"
	"unicode"
)

// Slugify derives a slug from a title: lower-case ASCII letters, digits and
// single hyphens, at most MaxSlugLen bytes, cut at a hyphen. Accented letters
// lose their accents; other scripts are dropped. A title with nothing left
// gives "article".
func Slugify(title string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(title) {
		if f, ok := fold[r]; ok {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteString(f)
			continue
		}
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		case unicode.Is(unicode.Mn, r) || r == '\'' || r == '’':
			// combining marks and apostrophes vanish: "don't" → "dont"
		default:
			dash = true
		}
	}
	s := b.String()
	if len(s) > MaxSlugLen-4 { // room for a "-999" suffix
		s = s[:MaxSlugLen-4]
		if i := strings.LastIndexByte(s, '-'); i > MaxSlugLen/2 {
			s = s[:i]
		}
		s = strings.Trim(s, "-")
	}
	if s == "" {
		return "article"
	}
	return s
}

// WithSuffix returns slug with the numeric suffix n ("slug-2").
func WithSuffix(slug string, n int) string {
	suf := "-" + strconv.Itoa(n)
	if len(slug)+len(suf) > MaxSlugLen {
		slug = strings.TrimRight(slug[:MaxSlugLen-len(suf)], "-")
	}
	return slug + suf
}

// ValidSlug reports whether s is a well-formed slug.
func ValidSlug(s string) error {
	if s == "" {
		return Errorf(EINVALID, "slug is required")
	}
	if len(s) > MaxSlugLen {
		return Errorf(EINVALID, "slug is longer than %d characters", MaxSlugLen)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return Errorf(EINVALID, "slug %q may hold only lower-case letters a-z, digits and '-'", s)
		}
	}
	if s[0] == '-' || s[len(s)-1] == '-' || strings.Contains(s, "--") {
		return Errorf(EINVALID, "slug %q must not start or end with '-' or hold '--'", s)
	}
	return nil
}

// fold maps the accented Latin letters to their ASCII base.
var fold = func() map[rune]string {
	m := map[rune]string{'ß': "ss", 'æ': "ae", 'œ': "oe", 'ø': "o", 'đ': "d", 'ð': "d", 'þ': "th", 'ł': "l", 'ı': "i"}
	for base, letters := range map[string]string{
		"a": "àáâãäåāăą", "c": "çćĉċč", "d": "ď", "e": "èéêëēĕėęě", "g": "ĝğġģ", "h": "ĥħ",
		"i": "ìíîïĩīĭįı", "j": "ĵ", "k": "ķ", "l": "ĺļľŀ", "n": "ñńņňŉ", "o": "òóôõöōŏő",
		"r": "ŕŗř", "s": "śŝşšș", "t": "ţťŧț", "u": "ùúûüũūŭůűų", "w": "ŵ", "y": "ýÿŷ", "z": "źżž",
	} {
		for _, r := range letters {
			m[r] = base
		}
	}
	return m
}()
