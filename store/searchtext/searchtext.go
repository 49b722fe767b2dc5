// Package searchtext prepares article text for a full-text index: the
// visible text of a sanitised body, and words split into the tokens that
// the PostgreSQL store indexes and searches for.
package searchtext

import (
	"strings"
	"unicode"

	"folio/article"
	"folio/sanitize"

	"golang.org/x/text/unicode/norm"
)

// Plain returns the visible text of a sanitised body for the full-text
// index: the sanitiser's own plain text (sanitize.PlainText, which excerpts
// and word counts use too), on one line.
func Plain(h article.SafeHTML) string {
	return strings.Join(strings.Fields(sanitize.PlainText(h)), " ")
}

// MaxTokenLen bounds a token, in runes; longer ones are cut. PostgreSQL
// ignores words over 2,047 bytes, so index and query cut them alike.
const MaxTokenLen = 100

// Tokens splits text into search tokens: lower case, Latin letters without
// their diacritics ("Café" → "cafe", "ß" → "ss"), runs of letters, digits
// and combining marks separated by anything else. Every character of a
// script written without spaces between words (Han, kana, Hangul, Thai,
// Lao, Khmer, Myanmar) is a token of its own, so that a search for a
// phrase of them finds it inside a longer run. Both what is indexed and
// what is searched for go through Tokens, so they always agree.
func Tokens(s string) []string {
	s = Fold(s)
	var out []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			if len(cur) > MaxTokenLen {
				cur = cur[:MaxTokenLen]
			}
			out = append(out, string(cur))
			cur = cur[:0]
		}
	}
	split := false // cur is one character of a script without spaces
	for _, r := range s {
		switch {
		case unicode.IsMark(r):
			if len(cur) > 0 {
				cur = append(cur, r)
			}
		case isSplit(r):
			flush()
			cur = append(cur, r)
			split = true
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if split {
				flush()
				split = false
			}
			cur = append(cur, r)
		default:
			flush()
			split = false
		}
	}
	flush()
	return out
}

// Text returns the tokens of s joined by spaces: the form of the text that
// the index parses.
func Text(s string) string { return strings.Join(Tokens(s), " ") }

// isSplit reports whether r belongs to a script written without spaces
// between words.
func isSplit(r rune) bool {
	return r >= 0x0E00 && (unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul,
		unicode.Thai, unicode.Lao, unicode.Khmer, unicode.Myanmar))
}

// special folds the Latin letters that have no decomposition.
var special = map[rune]string{
	'ß': "ss", 'æ': "ae", 'œ': "oe", 'ø': "o", 'đ': "d", 'ð': "d", 'þ': "th", 'ł': "l", 'ı': "i",
}

// Fold returns s in lower case with the diacritics of Latin letters
// removed. Marks on other scripts are kept: they are part of the letter.
func Fold(s string) string {
	s = norm.NFD.String(strings.ToLower(s))
	var b strings.Builder
	b.Grow(len(s))
	latin := false
	for _, r := range s {
		if unicode.Is(unicode.Mn, r) {
			if !latin {
				b.WriteRune(r)
			}
			continue
		}
		latin = unicode.Is(unicode.Latin, r)
		if f, ok := special[r]; ok {
			b.WriteString(f)
			continue
		}
		b.WriteRune(r)
	}
	return norm.NFC.String(b.String())
}
