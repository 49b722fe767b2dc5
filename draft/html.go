package draft

import (
	"strings"

	"golang.org/x/net/html"
)

// HTML reads an HTML fragment. The body is the fragment as given (the
// sanitiser cleans it in Article); the title is the content of the first
// <h1>, which is removed from the body. Without an <h1> the title is empty
// and Article asks for one.
func HTML(src []byte) (*Draft, error) {
	src, err := checkInput(src)
	if err != nil {
		return nil, err
	}
	s := string(src)
	d := &Draft{Body: s}
	if start, innerStart, innerEnd, end, ok := findH1(s); ok {
		d.Title = strings.TrimSpace(s[innerStart:innerEnd])
		d.Body = s[:start] + s[end:]
	}
	return d, nil
}

// findH1 finds the first <h1> element outside comments and raw-text
// elements (script, style, textarea, title), with x/net/html's tokenizer.
// It returns the byte offsets of the start tag, the content, and the end
// of the end tag; an <h1> that is never closed runs to the end of s. It
// only picks the title: the sanitiser still sees whatever is left.
func findH1(s string) (start, innerStart, innerEnd, end int, ok bool) {
	z := html.NewTokenizer(strings.NewReader(s))
	off := 0
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			if ok { // never closed
				return start, innerStart, len(s), len(s), true
			}
			return 0, 0, 0, 0, false
		}
		n := len(z.Raw())
		if tt == html.StartTagToken || tt == html.EndTagToken {
			name, _ := z.TagName()
			if string(name) == "h1" {
				if !ok && tt == html.StartTagToken {
					start, innerStart, ok = off, off+n, true
				} else if ok && tt == html.EndTagToken {
					return start, innerStart, off, off + n, true
				}
			}
		}
		off += n
	}
}
