// Package shareimg draws the picture that link previews (Open Graph and
// Twitter cards, oEmbed thumbnails) show for an article that has no lead
// image: a 1200×630 PNG with the title, the site's name and logo, an
// optional byline and the site's accent colour.
//
// The output is deterministic: the same Renderer and Card give the same
// bytes, so a server can render once per article version and ETag it.
//
// Text is drawn with the Go fonts compiled into the binary (Latin, Greek,
// Cyrillic) and then, per character, with the fonts the site configures
// (LoadFont), in order. A title with a letter, digit or punctuation mark
// that no font can draw is not drawn at all (no boxes of missing glyphs):
// the site's name takes its place. Symbols and emoji that no font has are
// left out. Right-to-left titles run right to left and are aligned to the
// right (see bidi.go for the subset of the bidirectional algorithm);
// Arabic is joined through the fonts' presentation forms (see arabic.go).
package shareimg

import (
	"bufio"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"math"
	"strings"
	"sync"
	"unicode"

	xdraw "golang.org/x/image/draw"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
	"golang.org/x/image/vector"
)

// The size of a share image, the size link previews ask for.
const (
	Width  = 1200
	Height = 630
)

// DefaultAccent is the accent colour of a Site that names none: Folio's blue.
var DefaultAccent color.Color = color.RGBA{0x1a, 0x5f, 0xd0, 0xff}

// A Site is what every share image of one publisher shows.
type Site struct {
	// Name is the site's name, drawn above the title, and drawn in the
	// title's place when the fonts cannot draw the title.
	Name string
	// Logo, if not nil, is drawn before the name, scaled to fit 280×72
	// pixels. It must be a decoded raster image (PNG, JPEG, GIF, WebP: see
	// DecodeLogo); an SVG logo must be given as a raster copy, or not at all.
	Logo image.Image
	// Accent is the background colour; nil means DefaultAccent. The text is
	// white or near-black, whichever contrasts more with it.
	Accent color.Color
	// Fonts are tried in order, after the embedded Go fonts, for each
	// character those lack: give one for each script the site publishes
	// in beyond Latin, Greek and Cyrillic.
	Fonts []*Font
}

// A Card is one article's text for its share image.
type Card struct {
	Title string
	// Byline is an optional last line, such as "Jane Doe · 5 December 2026".
	Byline string
	// Dir is the title's direction, "ltr" or "rtl", as in the article's
	// dir field; anything else (such as "" or "auto") means the direction
	// of its first letter. A right-to-left card is laid out as a mirror
	// image: logo and text on the right.
	Dir string
}

// A Renderer draws the share images of one Site. It is safe for
// concurrent use.
type Renderer struct {
	name          string
	bg, fg, muted color.RGBA
	chip          bool        // a white plate behind the logo, on dark accents
	logo          *image.RGBA // scaled to its final size; nil when none
	bold, regular []*Font     // embedded font first, then the site's
}

// Layout, in pixels.
const (
	margin      = 80
	headerTop   = 64
	headerH     = 72
	titleTop    = headerTop + headerH + 44 // 180
	bottom      = Height - 64              // lowest ink of the byline (descenders aside)
	bylineSize  = 28
	nameSize    = 30
	bylineGap   = 36
	lineSpacing = 1.2
	maxLogoW    = 280
	chipPad     = 12
)

// titleBox is where the title goes, centred vertically; no title ink
// falls outside it.
var titleBox = image.Rect(margin, titleTop, Width-margin, bottom-bylineSize-bylineGap)

// titleSizes are the title's font sizes, largest first: the first one
// at which the title fits in the box without breaking a word is used; at
// the last one a title that still does not fit is cut with an ellipsis.
var titleSizes = []float64{80, 72, 64, 56, 48}

// New returns a Renderer for s. It fails only if the embedded fonts
// cannot be read.
func New(s Site) (*Renderer, error) {
	emb, err := embedded()
	if err != nil {
		return nil, err
	}
	accent := s.Accent
	if accent == nil {
		accent = DefaultAccent
	}
	bg := opaque(accent)
	r := &Renderer{name: s.Name, bg: bg}
	white, ink := color.RGBA{0xff, 0xff, 0xff, 0xff}, color.RGBA{0x14, 0x17, 0x1c, 0xff}
	if contrast(white, bg) >= contrast(ink, bg) {
		r.fg, r.chip = white, true
	} else {
		r.fg = ink
	}
	r.muted = mix(r.fg, bg, 0.82)
	r.bold = append([]*Font{emb[0]}, s.Fonts...)
	r.regular = append([]*Font{emb[1]}, s.Fonts...)
	for _, f := range s.Fonts {
		if f == nil {
			return nil, errors.New("shareimg: a nil Font in Site.Fonts")
		}
	}
	if s.Logo != nil && !s.Logo.Bounds().Empty() {
		r.logo = scaleLogo(s.Logo, r.chip)
	}
	return r, nil
}

// Render writes c's share image to w as a PNG.
func (r *Renderer) Render(w io.Writer, c Card) error {
	bw := bufio.NewWriterSize(w, 32<<10)
	canvas, _ := canvases.Get().(*image.RGBA)
	if canvas == nil {
		canvas = image.NewRGBA(image.Rect(0, 0, Width, Height))
	}
	defer canvases.Put(canvas)
	r.draw(canvas, c)
	var img image.Image = canvas
	if p := toPaletted(canvas); p != nil {
		img = p
	}
	if err := encoder.Encode(bw, img); err != nil {
		return fmt.Errorf("shareimg: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("shareimg: %w", err)
	}
	return nil
}

var encoder = png.Encoder{CompressionLevel: png.BestSpeed, BufferPool: &bufferPool{}}

// canvases holds the Width×Height images Render draws on, for reuse.
var canvases sync.Pool

// Image draws c's share image.
func (r *Renderer) Image(c Card) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, Width, Height))
	r.draw(img, c)
	return img
}

// draw draws c's share image on img, a Width×Height image, all of whose
// pixels it sets.
func (r *Renderer) draw(img *image.RGBA, c Card) {
	p := r.layout(c)
	fill(img, r.bg)
	fg, muted := image.NewUniform(r.fg), image.NewUniform(r.muted)

	// Header: the logo, then the site's name (mirrored for right to left).
	x := margin
	if r.logo != nil {
		lw, lh := r.logo.Bounds().Dx(), r.logo.Bounds().Dy()
		boxW := lw
		if r.chip {
			boxW += 2 * chipPad
		}
		bx := x
		if p.rtl {
			bx = Width - margin - boxW
		}
		if r.chip {
			roundRect(img, image.Rect(bx, headerTop, bx+boxW, headerTop+headerH), 14, color.White)
			bx += chipPad
		}
		draw.Draw(img, image.Rect(bx, headerTop+(headerH-lh)/2, bx+lw, headerTop+(headerH-lh)/2+lh), r.logo, image.Point{}, draw.Over)
		x += boxW + 24
	}
	if p.name != nil {
		baseline := headerTop + headerH/2 + nameSize*36/100
		p.name.draw(img, muted, x, Width-x, baseline, p.rtl)
	}

	// Title, centred in its box and clipped to it.
	box := img.SubImage(p.box).(*image.RGBA)
	top := p.box.Min.Y + (p.box.Dy()-p.height())/2
	for i, l := range p.lines {
		l.draw(box, fg, margin, Width-margin, top+p.ascent+int(float64(i)*p.lineH+0.5), p.rtl)
	}
	if p.byline != nil {
		p.byline.draw(img, muted, margin, Width-margin, bottom-bylineSize*22/100, p.rtl)
	}
}

// plan is a laid-out card.
type plan struct {
	rtl     bool
	name    *line // header text; nil when not drawn
	lines   []*line
	size    float64
	ascent  int
	descent int
	lineH   float64
	box     image.Rectangle // the title's box: no title ink outside it
	byline  *line
}

// height is the height of the title's lines, from the first one's ascent
// to the last one's descent.
func (p *plan) height() int {
	if len(p.lines) == 0 {
		return 0
	}
	return p.ascent + int(float64(len(p.lines)-1)*p.lineH+0.5) + p.descent
}

// layout decides what goes where: it is the part of Image that reads no
// pixels, kept apart for the tests.
func (r *Renderer) layout(c Card) *plan {
	p := &plan{}
	title, ok := r.prepare(c.Title, r.bold)
	fellBack := !ok || len(title) == 0
	if fellBack {
		title, ok = r.prepare(r.name, r.bold)
		if !ok {
			title = nil
		}
	}
	switch c.Dir {
	case "rtl":
		p.rtl = !fellBack || title.firstStrongRTL(true)
	case "ltr":
		p.rtl = fellBack && title.firstStrongRTL(false)
	default:
		p.rtl = title.firstStrongRTL(false)
	}
	if !fellBack {
		if name, ok := r.prepare(r.name, r.regular); ok && len(name) > 0 {
			p.name = r.fit(name, r.regular, nameSize, Width-2*margin-r.logoSpace())
		}
	}
	if by, ok := r.prepare(c.Byline, r.regular); ok && len(by) > 0 {
		p.byline = r.fit(by, r.regular, bylineSize, Width-2*margin)
	}
	p.box = titleBox
	if len(title) == 0 {
		return p
	}
	maxW := fixed.I(Width - 2*margin)
	for i, size := range titleSizes {
		fs := newFaces(r.bold, size)
		m := fs[0]
		asc, desc := m.ascent.Ceil(), m.descent.Ceil()
		lh := size * lineSpacing
		maxLines := 1 + int((float64(p.box.Dy()-asc-desc))/lh)
		lines, broke := wrap(title, fs, maxW)
		last := i == len(titleSizes)-1
		if !last && (len(lines) > maxLines || broke) {
			continue
		}
		if len(lines) > maxLines {
			lines = lines[:maxLines]
			lines[maxLines-1] = ellipsize(lines[maxLines-1], fs, maxW, true)
		}
		p.lines, p.size, p.ascent, p.descent, p.lineH = lines, size, asc, desc, lh
		break
	}
	return p
}

func (r *Renderer) logoSpace() int {
	if r.logo == nil {
		return 0
	}
	w := r.logo.Bounds().Dx() + 24
	if r.chip {
		w += 2 * chipPad
	}
	return w
}

// fit lays t out on one line of at most maxW pixels, cut with an ellipsis.
func (r *Renderer) fit(t text, fonts []*Font, size float64, maxW int) *line {
	fs := newFaces(fonts, size)
	l := &line{text: t, faces: fs}
	if l.width() > fixed.I(maxW) {
		l = ellipsize(l, fs, fixed.I(maxW), false)
	}
	return l
}

// A glyph is one character of laid-out text and the font that draws it.
type glyph struct {
	r    rune
	font int // index into the font list the text was prepared for
	gi   sfnt.GlyphIndex
}

type text []glyph

func (t text) runes() []rune {
	rs := make([]rune, len(t))
	for i, g := range t {
		rs[i] = g.r
	}
	return rs
}

// firstStrongRTL reports whether t's first letter is right to left, or def
// when it has none.
func (t text) firstStrongRTL(def bool) bool {
	rtl, found := firstStrong(t.runes())
	if !found {
		return def
	}
	return rtl
}

// prepare cleans s (spaces collapsed, controls removed), shapes Arabic,
// and picks a font for each character. ok is false when a letter, digit
// or punctuation mark has no glyph in any font; a symbol or mark that no
// font has is dropped.
func (r *Renderer) prepare(s string, fonts []*Font) (t text, ok bool) {
	var buf sfnt.Buffer
	find := func(r rune, first int) (int, sfnt.GlyphIndex) {
		if first >= 0 {
			if gi, err := fonts[first].sf.GlyphIndex(&buf, r); err == nil && gi != 0 {
				return first, gi
			}
		}
		for i, f := range fonts {
			if gi, err := f.sf.GlyphIndex(&buf, r); err == nil && gi != 0 {
				return i, gi
			}
		}
		return -1, 0
	}
	rs := make([]rune, 0, len(s))
	space := true
	for _, c := range s {
		switch {
		case unicode.IsSpace(c):
			if !space {
				rs = append(rs, ' ')
			}
			space = true
			continue
		case c == 0x200C || c == 0x200D: // joiners steer Arabic shaping
		case c == unicode.ReplacementChar, unicode.Is(unicode.C, c):
			continue
		}
		rs = append(rs, c)
		space = false
	}
	for len(rs) > 0 && rs[len(rs)-1] == ' ' {
		rs = rs[:len(rs)-1]
	}
	rs = shapeArabic(rs, func(c rune) bool { f, _ := find(c, -1); return f >= 0 })
	t = make(text, 0, len(rs))
	for _, c := range rs {
		if unicode.Is(unicode.Cf, c) {
			continue
		}
		// Marks, digits, spaces and punctuation are drawn in the font of
		// the character before them when it has them, so that "2024" in a
		// Hebrew title matches the Hebrew letters.
		prev := -1
		if len(t) > 0 && (isMark(c) || unicode.In(c, unicode.Common, unicode.Inherited)) {
			prev = t[len(t)-1].font
		}
		f, gi := find(c, prev)
		if f < 0 {
			if unicode.In(c, unicode.L, unicode.N, unicode.P) {
				return nil, false
			}
			continue
		}
		if c == ' ' && (len(t) == 0 || t[len(t)-1].r == ' ') {
			continue // a dropped symbol leaves no double space
		}
		t = append(t, glyph{r: c, font: f, gi: gi})
	}
	for len(t) > 0 && t[len(t)-1].r == ' ' {
		t = t[:len(t)-1]
	}
	return t, true
}

// newFaces returns a face of each font at size.
func newFaces(fonts []*Font, size float64) []*face {
	fs := make([]*face, len(fonts))
	for i, f := range fonts {
		fs[i] = newFace(f, size)
	}
	return fs
}

// A line is text laid out at one size.
type line struct {
	text  text
	faces []*face
}

func (l *line) width() fixed.Int26_6 {
	var w fixed.Int26_6
	for _, g := range l.text {
		w += l.faces[g.font].advance(g.gi)
	}
	return w
}

// draw draws l with its baseline at y, from x0 (left to right) or ending
// at x1 (right to left), in visual order.
func (l *line) draw(dst draw.Image, src image.Image, x0, x1, y int, rtl bool) {
	rs := l.text.runes()
	var base uint8
	if rtl {
		base = 1
	}
	lv := levels(rs, base)
	order := visualOrder(rs, lv, base)
	dot := fixed.P(x0, y)
	if rtl {
		dot.X = fixed.I(x1) - l.width()
	}
	for _, i := range order {
		g := l.text[i]
		fc := l.faces[g.font]
		if lv[i]%2 == 1 {
			if m := mirror(g.r); m != g.r {
				if gi := fc.index(m); gi != 0 {
					g.gi = gi
				}
			}
		}
		fc.draw(dst, src, dot, g.gi)
		dot.X += fc.advance(g.gi)
	}
}

// wrap breaks t into lines of at most maxW; broke reports whether a word
// had to be broken because it was longer than a line.
func wrap(t text, fs []*face, maxW fixed.Int26_6) (lines []*line, broke bool) {
	n := len(t)
	start := 0
	for start < n {
		for start < n && t[start].r == ' ' {
			start++
		}
		if start == n {
			break
		}
		var w fixed.Int26_6
		lastBreak := -1
		k := start
		for ; k < n; k++ {
			w += fs[t[k].font].advance(t[k].gi)
			if w > maxW && t[k].r != ' ' {
				break
			}
			if canBreakAfter(t, k) {
				lastBreak = k + 1
			}
		}
		end := k
		switch {
		case k == n:
		case lastBreak > start:
			end = lastBreak
		default: // a word longer than the line: break it between clusters
			broke = true
			for end > start+1 && isMark(t[end].r) {
				end--
			}
			if end == start {
				end = start + 1
			}
			for end < n && isMark(t[end].r) {
				end++
			}
		}
		lines = append(lines, &line{text: trimSpace(t[start:end]), faces: fs})
		start = end
	}
	return lines, broke
}

// canBreakAfter reports whether a line may end after t[k]: at a space,
// after a hyphen or dash inside a word, and around CJK characters.
func canBreakAfter(t text, k int) bool {
	if k+1 >= len(t) {
		return true
	}
	a, b := t[k].r, t[k+1].r
	switch {
	case isMark(b), b == ' ':
		return false
	case a == ' ':
		return true
	case a == '-' || a == '/' || a == '–' || a == '—':
		return k > 0 && t[k-1].r != ' '
	case isCJK(a) || isCJK(b):
		return !unicode.In(b, unicode.Pe, unicode.Po) && !unicode.Is(unicode.Ps, a)
	}
	return false
}

func isCJK(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana)
}

func trimSpace(t text) text {
	for len(t) > 0 && t[len(t)-1].r == ' ' {
		t = t[:len(t)-1]
	}
	return append(text(nil), t...)
}

// ellipsize shortens l until it and an ellipsis fit in maxW, cutting at a
// word boundary when words is set and one leaves some text, and appends
// the ellipsis. l was cut short: even a line that fits gets the ellipsis.
func ellipsize(l *line, fs []*face, maxW fixed.Int26_6, words bool) *line {
	ell := text{}
	for i, fc := range fs {
		if gi := fc.index('…'); gi != 0 {
			ell = text{{r: '…', font: i, gi: gi}}
			break
		}
	}
	if len(ell) == 0 {
		gi := fs[0].index('.')
		ell = text{{'.', 0, gi}, {'.', 0, gi}, {'.', 0, gi}}
	}
	t := l.text
	out := &line{faces: fs}
	for {
		out.text = append(append(text(nil), t...), ell...)
		if out.width() <= maxW || len(t) == 0 {
			return out
		}
		cut := len(t) - 1
		if words {
			if i := lastSpace(t); i > 0 {
				cut = i
			}
		}
		for cut > 0 && isMark(t[cut].r) {
			cut--
		}
		t = t[:cut]
		for len(t) > 0 && strings.ContainsRune(" ,;:.-–—", t[len(t)-1].r) {
			t = t[:len(t)-1]
		}
	}
}

func lastSpace(t text) int {
	for i := len(t) - 1; i > 0; i-- {
		if t[i].r == ' ' {
			return i
		}
	}
	return -1
}

// scaleLogo scales a logo to fit the header (inside the plate when there
// is one), never wider than maxLogoW.
func scaleLogo(src image.Image, chip bool) *image.RGBA {
	maxH := headerH
	if chip {
		maxH -= 2 * chipPad
	}
	b := src.Bounds()
	scale := min(float64(maxH)/float64(b.Dy()), float64(maxLogoW)/float64(b.Dx()))
	w, h := max(1, int(float64(b.Dx())*scale+0.5)), max(1, int(float64(b.Dy())*scale+0.5))
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	xdraw.CatmullRom.Scale(dst, dst.Bounds(), src, b, xdraw.Src, nil)
	return dst
}

// roundRect fills r, with corners of radius rad, in c.
func roundRect(dst draw.Image, r image.Rectangle, rad float32, c color.Color) {
	var z vector.Rasterizer
	z.Reset(r.Dx(), r.Dy())
	w, h := float32(r.Dx()), float32(r.Dy())
	const k = 0.5523 // cubic Bézier approximation of a quarter circle
	z.MoveTo(rad, 0)
	z.LineTo(w-rad, 0)
	z.CubeTo(w-rad+k*rad, 0, w, rad-k*rad, w, rad)
	z.LineTo(w, h-rad)
	z.CubeTo(w, h-rad+k*rad, w-rad+k*rad, h, w-rad, h)
	z.LineTo(rad, h)
	z.CubeTo(rad-k*rad, h, 0, h-rad+k*rad, 0, h-rad)
	z.LineTo(0, rad)
	z.CubeTo(0, rad-k*rad, rad-k*rad, 0, rad, 0)
	z.ClosePath()
	mask := image.NewAlpha(image.Rect(0, 0, r.Dx(), r.Dy()))
	z.Draw(mask, mask.Bounds(), image.Opaque, image.Point{})
	draw.DrawMask(dst, r, image.NewUniform(c), image.Point{}, mask, image.Point{}, draw.Over)
}

func fill(img *image.RGBA, c color.RGBA) {
	px := []byte{c.R, c.G, c.B, c.A}
	for i := 0; i < len(img.Pix); i += 4 {
		copy(img.Pix[i:i+4], px)
	}
}

func opaque(c color.Color) color.RGBA {
	r, g, b, a := c.RGBA()
	if a == 0 {
		return color.RGBA{0xff, 0xff, 0xff, 0xff}
	}
	// Un-premultiply, then lay on white.
	f := func(v uint32) uint8 {
		x := float64(v)/float64(a)*float64(a)/0xffff + (1 - float64(a)/0xffff)
		return uint8(x*255 + 0.5)
	}
	return color.RGBA{f(r), f(g), f(b), 0xff}
}

// luminance is the WCAG relative luminance of c.
func luminance(c color.RGBA) float64 {
	ch := func(v uint8) float64 {
		x := float64(v) / 255
		if x <= 0.04045 {
			return x / 12.92
		}
		return math.Pow((x+0.055)/1.055, 2.4)
	}
	return 0.2126*ch(c.R) + 0.7152*ch(c.G) + 0.0722*ch(c.B)
}

// contrast is the WCAG contrast ratio of a and b, from 1 to 21.
func contrast(a, b color.RGBA) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// mix returns a·t + b·(1−t).
func mix(a, b color.RGBA, t float64) color.RGBA {
	m := func(x, y uint8) uint8 { return uint8(float64(x)*t + float64(y)*(1-t) + 0.5) }
	return color.RGBA{m(a.R, b.R), m(a.G, b.G), m(a.B, b.B), 0xff}
}

// bufferPool lets the PNG encoder reuse its buffers across renders.
type bufferPool struct{ p sync.Pool }

func (b *bufferPool) Get() *png.EncoderBuffer {
	if v, ok := b.p.Get().(*png.EncoderBuffer); ok {
		return v
	}
	return nil
}

func (b *bufferPool) Put(e *png.EncoderBuffer) { b.p.Put(e) }

// toPaletted returns img as a paletted image, or nil if it has more than
// 256 colours. A card usually has fewer (one background, two text colours
// in 33 levels of coverage each, a plain logo), and a paletted PNG is about
// half the size and encodes several times faster. The palette is in order
// of first appearance, so the output stays deterministic.
func toPaletted(img *image.RGBA) *image.Paletted {
	b := img.Bounds()
	out := &image.Paletted{Pix: make([]uint8, b.Dx()*b.Dy()), Stride: b.Dx(), Rect: b}
	index := make(map[uint32]uint8, 256)
	last, lastIndex := uint32(0), uint8(0)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		row := img.Pix[img.PixOffset(b.Min.X, y):img.PixOffset(b.Max.X, y)]
		dst := out.Pix[(y-b.Min.Y)*out.Stride:]
		for i, x := 0, 0; i < len(row); i, x = i+4, x+1 {
			c := uint32(row[i])<<24 | uint32(row[i+1])<<16 | uint32(row[i+2])<<8 | uint32(row[i+3])
			if c != last || len(out.Palette) == 0 {
				j, ok := index[c]
				if !ok {
					if len(out.Palette) == 256 {
						return nil
					}
					j = uint8(len(out.Palette))
					index[c] = j
					out.Palette = append(out.Palette, color.RGBA{row[i], row[i+1], row[i+2], row[i+3]})
				}
				last, lastIndex = c, j
			}
			dst[x] = lastIndex
		}
	}
	return out
}
