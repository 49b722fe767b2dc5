package article

import (
	"strings"
	"unicode"
)

// Reading speeds. Alphabetic scripts are counted in words, scripts written
// without spaces in characters. Figures: Brysbaert (2019) for English prose
// (238 wpm silent reading); Trauzettel-Klosinski et al. (2012, IReST) for
// the per-language rates of characters per minute.
var (
	wordsPerMinute = map[string]int{"en": 238, "de": 179, "fr": 195, "es": 218, "it": 188, "pt": 181, "nl": 202, "ru": 184, "pl": 166, "fi": 161, "sv": 199, "tr": 166, "ar": 138, "he": 187, "fa": 138}
	defaultWPM     = 220
	// CJK and Thai: characters per minute.
	charsPerMinute = map[string]int{"zh": 260, "ja": 357, "ko": 330, "th": 450}
	defaultCPM     = 300
)

// ReadingTime counts the words of text and returns them with the minutes
// needed to read them (at least 1 for any non-empty text). Characters of
// scripts written without spaces (Han, Hiragana, Katakana, Hangul, Thai)
// each count as one word and are read at the language's character rate.
func ReadingTime(text, lang string) (words, minutes int) {
	base := strings.ToLower(strings.SplitN(lang, "-", 2)[0])
	var ideo int
	inWord := false
	for _, r := range text {
		switch {
		case unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul, unicode.Thai):
			ideo++
			inWord = false
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r):
			if !inWord {
				words++
			}
			inWord = true
		case r == '\'' || r == '’' || r == '-':
			// inside a word: "don't", "well-known"
		default:
			inWord = false
		}
	}
	wpm := wordsPerMinute[base]
	if wpm == 0 {
		wpm = defaultWPM
	}
	cpm := charsPerMinute[base]
	if cpm == 0 {
		cpm = defaultCPM
	}
	total := words + ideo
	if total == 0 {
		return 0, 0
	}
	m := float64(words)/float64(wpm) + float64(ideo)/float64(cpm)
	minutes = int(m + 0.5)
	if minutes < 1 {
		minutes = 1
	}
	return total, minutes
}
