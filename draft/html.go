package draft

import (
	"strings"
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
// elements (script, style, textarea, title). It returns the offsets of the
// start tag, the content, and the end of the end tag; an <h1> that is never
// closed runs to the end of s. This is a scanner, not a parser: it only
// picks the title, and the sanitiser still sees whatever is left.
func findH1(s string) (start, innerStart, innerEnd, end int, ok bool) {
	i := 0
	for i < len(s) {
		name, tagEnd, closing, next := scanTag(s, i)
		if name == "" {
			i = next
			continue
		}
		if !closing && name == "h1" {
			start, innerStart = i, tagEnd
			break
		}
		i = next
	}
	if i >= len(s) {
		return 0, 0, 0, 0, false
	}
	j := innerStart
	for j < len(s) {
		name, tagEnd, closing, next := scanTag(s, j)
		if closing && name == "h1" {
			return start, innerStart, j, tagEnd, true
		}
		j = next
	}
	return start, innerStart, len(s), len(s), true
}

// scanTag looks at s[i:]. If a tag starts there it returns its lower-case
// name, the offset after its '>', whether it is an end tag and where to
// continue scanning (after the element's content for raw-text elements).
// Otherwise it returns an empty name and the offset of the next '<'.
func scanTag(s string, i int) (name string, tagEnd int, closing bool, next int) {
	if s[i] != '<' {
		if k := strings.IndexByte(s[i:], '<'); k >= 0 {
			return "", 0, false, i + k
		}
		return "", 0, false, len(s)
	}
	if strings.HasPrefix(s[i:], "<!--") {
		if k := strings.Index(s[i+4:], "-->"); k >= 0 {
			return "", 0, false, i + 4 + k + 3
		}
		return "", 0, false, len(s)
	}
	j := i + 1
	if j < len(s) && s[j] == '/' {
		closing = true
		j++
	}
	k := j
	for k < len(s) && (isASCIILetter(s[k]) || k > j && s[k] >= '0' && s[k] <= '9') {
		k++
	}
	if k == j {
		return "", 0, false, i + 1 // a lone '<' or "<!doctype": text
	}
	name = strings.ToLower(s[j:k])
	// Skip attributes, honouring quotes, to the closing '>'.
	var quote byte
	for ; k < len(s); k++ {
		c := s[k]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '>':
			tagEnd = k + 1
			next = tagEnd
			if !closing {
				switch name {
				case "script", "style", "textarea", "title", "xmp", "noscript":
					if e := indexASCIIFold(s[tagEnd:], "</"+name); e >= 0 {
						next = tagEnd + e
					} else {
						next = len(s)
					}
				}
			}
			return name, tagEnd, closing, next
		}
	}
	return "", 0, false, len(s)
}

func isASCIILetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// indexASCIIFold is strings.Index ignoring ASCII case; sub is lower-case
// ASCII. Unlike searching a lower-cased copy, it keeps byte offsets exact.
func indexASCIIFold(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		match := true
		for j := 0; j < len(sub); j++ {
			c := s[i+j]
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != sub[j] {
				match = false
				break
			}
		}
		if match {
			return i
		}
	}
	return -1
}
