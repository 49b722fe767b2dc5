package article

import (
	"slices"
	"strconv"
	"strings"
)

// MaxSrcset is how many candidates an image's srcset may hold.
const MaxSrcset = 16

// ImageSource is one candidate of an image's srcset: the same picture as
// the image's src, at another width in pixels.
type ImageSource struct {
	Src   string `json:"src"`
	Width int    `json:"width"`
}

// SrcsetString writes candidates in HTML's srcset syntax, narrowest first:
// "https://e.com/a-320.jpg 320w, https://e.com/a-640.jpg 640w". Stores
// keep an image's srcset in this form, and pages use it as it is.
func SrcsetString(candidates []ImageSource) string {
	c := slices.Clone(candidates)
	slices.SortStableFunc(c, func(a, b ImageSource) int { return a.Width - b.Width })
	var b strings.Builder
	for i, s := range c {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(s.Src)
		b.WriteByte(' ')
		b.WriteString(strconv.Itoa(s.Width))
		b.WriteByte('w')
	}
	return b.String()
}

// SrcsetCandidate is one candidate of an HTML srcset attribute as
// written: its URL and its descriptor ("640w", "2x" or "").
type SrcsetCandidate struct {
	URL, Desc string
}

// SplitSrcset splits a srcset attribute into its candidates after the HTML
// standard's algorithm: a URL runs to the next white space, and commas that
// end it separate candidates; otherwise a descriptor runs to the next comma
// outside parentheses. Nothing is checked: the sanitiser and ParseSrcset
// judge the candidates.
func SplitSrcset(s string) []SrcsetCandidate {
	var out []SrcsetCandidate
	isSpace := func(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' }
	i := 0
	for i < len(s) {
		for i < len(s) && (isSpace(s[i]) || s[i] == ',') {
			i++
		}
		if i >= len(s) {
			break
		}
		j := i
		for j < len(s) && !isSpace(s[j]) {
			j++
		}
		u := s[i:j]
		i = j
		if strings.HasSuffix(u, ",") {
			out = append(out, SrcsetCandidate{URL: strings.TrimRight(u, ",")})
			continue
		}
		depth := 0
		j = i
		for j < len(s) && !(s[j] == ',' && depth == 0) {
			switch s[j] {
			case '(':
				depth++
			case ')':
				if depth > 0 {
					depth--
				}
			}
			j++
		}
		out = append(out, SrcsetCandidate{URL: u, Desc: strings.TrimSpace(s[i:j])})
		i = j
	}
	return out
}

// ParseSrcset reads an HTML srcset attribute and returns its width
// candidates ("url 640w") in order. Density candidates ("url 2x", or a bare
// url) and malformed ones are skipped: a card sizes its image by width,
// which only width descriptors serve. URLs are returned as written; the
// caller resolves and checks them.
func ParseSrcset(s string) []ImageSource {
	var out []ImageSource
	for _, c := range SplitSrcset(s) {
		d, ok := strings.CutSuffix(strings.ToLower(c.Desc), "w")
		if !ok || c.URL == "" || d == "" || strings.Trim(d, "0123456789") != "" {
			continue
		}
		w, err := strconv.Atoi(d)
		if err != nil || w < 1 || w > MaxImageSide {
			continue
		}
		out = append(out, ImageSource{Src: c.URL, Width: w})
	}
	return out
}

// validSrcset checks the image's srcset: at most MaxSrcset candidates,
// narrowest first with no two of the same width (the order stores keep),
// each an http(s) URL that HTML's srcset syntax keeps whole (no white
// space, no comma at either end) with a width of 1–MaxImageSide, and only
// for an image with a src.
func (i *Image) validSrcset() error {
	if len(i.Srcset) == 0 {
		return nil
	}
	if i.Src == "" {
		return Errorf(EINVALID, "image.srcset needs an image.src")
	}
	if len(i.Srcset) > MaxSrcset {
		return Errorf(EINVALID, "image.srcset has %d candidates; the limit is %d", len(i.Srcset), MaxSrcset)
	}
	for n, c := range i.Srcset {
		if err := ValidSrcsetURL(c.Src); err != nil {
			return Errorf(EINVALID, "image.srcset[%d].src: %s", n, Message(err))
		}
		if c.Width < 1 || c.Width > MaxImageSide {
			return Errorf(EINVALID, "image.srcset[%d].width is %d; it must be 1–%d", n, c.Width, MaxImageSide)
		}
		if n > 0 && c.Width <= i.Srcset[n-1].Width {
			return Errorf(EINVALID, "image.srcset[%d] is %d pixels wide after %d: give the candidates narrowest first, each of its own width", n, c.Width, i.Srcset[n-1].Width)
		}
	}
	return nil
}

// ValidSrcsetURL reports whether s may be a srcset candidate's URL: an
// http(s) URL (ValidURL) that HTML's srcset syntax keeps whole
// (WholeInSrcset).
func ValidSrcsetURL(s string) error {
	if err := ValidURL(s); err != nil {
		return err
	}
	if !WholeInSrcset(s) {
		return Errorf(EINVALID, "%q must not hold white space or begin or end with a comma", s)
	}
	return nil
}

// WholeInSrcset reports whether HTML's srcset syntax reads the URL s back
// whole: it holds no white space and no comma at either end.
func WholeInSrcset(s string) bool {
	return !strings.ContainsAny(s, " \t\n\f\r") && !strings.HasPrefix(s, ",") && !strings.HasSuffix(s, ",")
}

// Candidates returns what a page may offer the browser for the image: its
// srcset, plus its src when the src's width is known and no candidate has
// that width, narrowest first. It is empty when there is no srcset.
func (i *Image) Candidates() []ImageSource {
	if i == nil || len(i.Srcset) == 0 {
		return nil
	}
	c := slices.Clone(i.Srcset)
	if i.Width > 0 && !slices.ContainsFunc(c, func(s ImageSource) bool { return s.Width == i.Width }) {
		c = append(c, ImageSource{Src: i.Src, Width: i.Width})
	}
	slices.SortStableFunc(c, func(a, b ImageSource) int { return a.Width - b.Width })
	return c
}

// Fit returns the URL of the narrowest candidate at least width pixels
// wide, or of the widest one when none is; the image's src when it has no
// srcset. A page gives it as the <img>'s src, for the clients that read no
// srcset.
func (i *Image) Fit(width int) string {
	c := i.Candidates()
	if len(c) == 0 {
		return i.Src
	}
	for _, s := range c {
		if s.Width >= width {
			return s.Src
		}
	}
	return c[len(c)-1].Src
}
