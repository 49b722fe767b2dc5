// Package ogimage draws the share image of an article that has no picture
// of its own: a 1200×630 PNG (the size link previews ask for) with the
// title, the publication's name and logo, in its accent colour. The Go
// fonts, embedded in the binary, cover Latin, Greek and Cyrillic; other
// scripts need a font the publisher names (-share-font). A title the fonts
// cannot draw is never shown as boxes: the image falls back to the
// publication's name. Right-to-left titles are laid out right to left
// (bidi reordering, right-aligned lines); letters that change shape with
// their neighbours (Arabic) are drawn in their isolated forms, since no
// shaping engine is linked.
package ogimage

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"os"
	"strings"
	"unicode"

	xdraw "golang.org/x/image/draw"
	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
	"golang.org/x/text/unicode/bidi"
)

// The image's size.
const (
	Width  = 1200
	Height = 630
)

// Layout, in pixels.
const (
	margin   = 80
	barWidth = 24
	logoSize = 64
	maxLines = 4
)

// A Renderer draws share images with its fonts. It is safe for
// concurrent use.
type Renderer struct {
	bold, regular []*sfnt.Font // the Go fonts first, then the publisher's
}

// New returns a renderer with the embedded Go fonts and, after them, the
// font files at the paths (TrueType or OpenType), for the scripts the Go
// fonts lack.
func New(fontPaths ...string) (*Renderer, error) {
	b, err := opentype.Parse(gobold.TTF)
	if err != nil {
		return nil, err
	}
	r, err := opentype.Parse(goregular.TTF)
	if err != nil {
		return nil, err
	}
	rn := &Renderer{bold: []*sfnt.Font{b}, regular: []*sfnt.Font{r}}
	for _, p := range fontPaths {
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("ogimage: %w", err)
		}
		f, err := opentype.Parse(data)
		if err != nil {
			if c, cerr := opentype.ParseCollection(data); cerr == nil && c.NumFonts() > 0 {
				f, err = c.Font(0)
			}
			if err != nil {
				return nil, fmt.Errorf("ogimage: %s: %w", p, err)
			}
		}
		rn.bold = append(rn.bold, f)
		rn.regular = append(rn.regular, f)
	}
	return rn, nil
}

// Card is what one image shows.
type Card struct {
	Title  string
	Site   string      // the publication's name
	Logo   image.Image // nil for none
	Accent color.Color
	Dir    string // "rtl" for a right-to-left title; "" guesses from the text
}

// ErrNoGlyphs is returned by Render when neither the title nor the site's
// name can be drawn with the fonts.
var ErrNoGlyphs = errors.New("ogimage: the fonts cannot draw the title or the site's name")

// Render returns the PNG of the card. The same card gives the same bytes.
func (rn *Renderer) Render(c Card) ([]byte, error) {
	title := strings.Join(strings.Fields(c.Title), " ")
	if !rn.covers(rn.bold, title) {
		title = c.Site // never boxes: the site's name stands in
	}
	if !rn.covers(rn.bold, title) {
		return nil, ErrNoGlyphs
	}
	site := c.Site
	if !rn.covers(rn.regular, site) {
		site = ""
	}
	accent := color.RGBAModel.Convert(c.Accent).(color.RGBA)
	accent.A = 255
	img := image.NewRGBA(image.Rect(0, 0, Width, Height))
	draw.Draw(img, img.Bounds(), image.NewUniform(color.RGBA{250, 250, 248, 255}), image.Point{}, draw.Src)
	draw.Draw(img, image.Rect(0, 0, barWidth, Height), image.NewUniform(accent), image.Point{}, draw.Src)
	ink := color.RGBA{24, 24, 27, 255}
	muted := color.RGBA{82, 82, 91, 255}

	// The publication: logo and name, at the top.
	x := margin
	if c.Logo != nil {
		dst := image.Rect(margin, margin, margin+logoSize, margin+logoSize)
		xdraw.CatmullRom.Scale(img, dst, c.Logo, c.Logo.Bounds(), draw.Over, nil)
		x += logoSize + 20
	}
	if site != "" {
		rn.drawLine(img, rn.regular, 34, site, x, margin+logoSize/2+12, Width-margin-x, muted, false)
	}

	// The title: the largest size that fits in maxLines, else clamped.
	rtl := c.Dir == "rtl" || c.Dir == "" && isRTL(title)
	top, bottom := margin+logoSize+48, Height-margin
	for _, size := range []float64{72, 64, 56, 48} {
		lines, clamped := rn.wrap(rn.bold, size, title, Width-2*margin-barWidth)
		lineHeight := int(size * 1.2)
		if (len(lines) <= maxLines && !clamped && len(lines)*lineHeight <= bottom-top) || size == 48 {
			if len(lines) > maxLines {
				lines, clamped = lines[:maxLines], true
			}
			if clamped {
				lines[len(lines)-1] = rn.ellipsis(rn.bold, size, lines[len(lines)-1], Width-2*margin-barWidth)
			}
			for i, l := range lines {
				rn.drawLine(img, rn.bold, size, l, margin+barWidth/2, top+int(size)+i*lineHeight, Width-2*margin-barWidth, ink, rtl)
			}
			break
		}
	}
	// A thin rule in the accent colour under everything.
	draw.Draw(img, image.Rect(margin, Height-margin/2-4, Width-margin, Height-margin/2), image.NewUniform(accent), image.Point{}, draw.Src)

	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&buf, img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// covers reports whether every letter of s has a glyph in one of fonts.
func (rn *Renderer) covers(fonts []*sfnt.Font, s string) bool {
	if strings.TrimSpace(s) == "" {
		return false
	}
	var b sfnt.Buffer
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.Is(unicode.Mn, r) || r == '\u200d' || r == '\u200c' {
			continue
		}
		if fontFor(fonts, &b, r) == nil {
			return false
		}
	}
	return true
}

// fontFor returns the first font with a glyph for r, or nil.
func fontFor(fonts []*sfnt.Font, b *sfnt.Buffer, r rune) *sfnt.Font {
	for _, f := range fonts {
		if i, err := f.GlyphIndex(b, r); err == nil && i != 0 {
			return f
		}
	}
	return nil
}

// faces caches nothing: a face per size and font is cheap to make, and
// Render is called once per article version.
func face(f *sfnt.Font, size float64) font.Face {
	fc, _ := opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingNone})
	return fc
}

// advance is the width of s at size, each rune in the first font that has
// it.
func (rn *Renderer) advance(fonts []*sfnt.Font, size float64, s string) int {
	var b sfnt.Buffer
	faces := map[*sfnt.Font]font.Face{}
	var w fixed.Int26_6
	for _, r := range s {
		f := fontFor(fonts, &b, r)
		if f == nil {
			continue
		}
		fc := faces[f]
		if fc == nil {
			fc = face(f, size)
			faces[f] = fc
		}
		a, _ := fc.GlyphAdvance(r)
		w += a
	}
	return w.Ceil()
}

// wrap breaks s into lines at most width wide, at spaces (or anywhere in
// a word longer than a line). clamped reports a word cut to fit.
func (rn *Renderer) wrap(fonts []*sfnt.Font, size float64, s string, width int) (lines []string, clamped bool) {
	var cur string
	for _, word := range strings.Fields(s) {
		try := word
		if cur != "" {
			try = cur + " " + word
		}
		if rn.advance(fonts, size, try) <= width {
			cur = try
			continue
		}
		if cur != "" {
			lines = append(lines, cur)
		}
		cur = word
		for rn.advance(fonts, size, cur) > width { // one word wider than the line
			rs := []rune(cur)
			n := len(rs)
			for n > 1 && rn.advance(fonts, size, string(rs[:n])) > width {
				n--
			}
			lines = append(lines, string(rs[:n]))
			cur = string(rs[n:])
		}
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	return lines, false
}

// ellipsis ends line with "…", shortened to fit width.
func (rn *Renderer) ellipsis(fonts []*sfnt.Font, size float64, line string, width int) string {
	rs := []rune(line)
	for len(rs) > 0 && rn.advance(fonts, size, string(rs)+"…") > width {
		rs = rs[:len(rs)-1]
	}
	return strings.TrimRight(string(rs), " ") + "…"
}

// drawLine draws s with its baseline at y, from x (or right-aligned to
// x+width when rtl, in visual order).
func (rn *Renderer) drawLine(img draw.Image, fonts []*sfnt.Font, size float64, s string, x, y, width int, ink color.Color, rtl bool) {
	s = visual(s, rtl)
	if rtl {
		x += width - rn.advance(fonts, size, s)
	}
	var b sfnt.Buffer
	faces := map[*sfnt.Font]font.Face{}
	d := &font.Drawer{Dst: img, Src: image.NewUniform(ink), Dot: fixed.P(x, y)}
	for _, r := range s {
		f := fontFor(fonts, &b, r)
		if f == nil {
			continue
		}
		fc := faces[f]
		if fc == nil {
			fc = face(f, size)
			faces[f] = fc
		}
		d.Face = fc
		d.DrawString(string(r))
	}
}

// isRTL reports whether the first strong letter of s is right to left.
func isRTL(s string) bool {
	for _, r := range s {
		p, _ := bidi.LookupRune(r)
		switch p.Class() {
		case bidi.R, bidi.AL:
			return true
		case bidi.L:
			return false
		}
	}
	return false
}

// visual returns s in display order: the runs of the bidi algorithm laid
// out left to right, those that read right to left reversed.
func visual(s string, rtl bool) string {
	var p bidi.Paragraph
	dir := bidi.LeftToRight
	if rtl {
		dir = bidi.RightToLeft
	}
	if _, err := p.SetString(s, bidi.DefaultDirection(dir)); err != nil {
		return s
	}
	o, err := p.Order()
	if err != nil {
		return s
	}
	var out strings.Builder
	for i := 0; i < o.NumRuns(); i++ {
		r := o.Run(i)
		t := r.String()
		if r.Direction() == bidi.RightToLeft {
			rs := []rune(t)
			for a, b := 0, len(rs)-1; a < b; a, b = a+1, b-1 {
				rs[a], rs[b] = rs[b], rs[a]
			}
			t = string(rs)
		}
		out.WriteString(t)
	}
	return out.String()
}
