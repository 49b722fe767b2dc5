package shareimg

import (
	"bytes"
	"fmt"
	"image"
	"image/draw"
	"os"
	"path/filepath"
	"sync"

	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
	"golang.org/x/image/vector"
)

// A Font is a parsed TrueType or OpenType font that a Site can use for
// the characters the embedded Go fonts lack (Hebrew, Arabic, CJK, …).
// A Font is safe for concurrent use.
type Font struct {
	name string
	sf   *sfnt.Font
}

// Name returns the font's file name, or the name given to ParseFont.
func (f *Font) Name() string { return f.name }

// ParseFont parses a TrueType (.ttf), OpenType (.otf) or collection
// (.ttc/.otc: its first font) file's bytes; name is for error messages.
func ParseFont(name string, data []byte) (*Font, error) {
	var sf *sfnt.Font
	var err error
	if bytes.HasPrefix(data, []byte("ttcf")) {
		var c *sfnt.Collection
		if c, err = sfnt.ParseCollection(data); err == nil {
			sf, err = c.Font(0)
		}
	} else {
		sf, err = sfnt.Parse(data)
	}
	if err != nil {
		return nil, fmt.Errorf("shareimg: font %s: %w", name, err)
	}
	return &Font{name: name, sf: sf}, nil
}

// LoadFont reads and parses the font file at path (see ParseFont).
func LoadFont(path string) (*Font, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("shareimg: font: %w", err)
	}
	return ParseFont(filepath.Base(path), data)
}

// Covers reports whether the font has a glyph for r.
func (f *Font) Covers(r rune) bool {
	var b sfnt.Buffer
	gi, err := f.sf.GlyphIndex(&b, r)
	return err == nil && gi != 0
}

// embedded returns the Go fonts compiled into the binary: Go Bold for
// titles and Go Regular for the site name and byline. They cover Latin,
// Greek and Cyrillic (the WGL4 set).
var embedded = sync.OnceValues(func() ([2]*Font, error) {
	bold, err := ParseFont("Go Bold", gobold.TTF)
	if err != nil {
		return [2]*Font{}, err
	}
	regular, err := ParseFont("Go Regular", goregular.TTF)
	return [2]*Font{bold, regular}, err
})

// face is one Font at one size, with the buffers to read and rasterise
// its glyphs. It is not safe for concurrent use: each render makes its own.
type face struct {
	f               *Font
	ppem            fixed.Int26_6
	buf             sfnt.Buffer
	rast            vector.Rasterizer
	mask            image.Alpha
	ascent, descent fixed.Int26_6
}

func newFace(f *Font, size float64) *face {
	fc := &face{f: f, ppem: fixed.Int26_6(size * 64)}
	if m, err := f.sf.Metrics(&fc.buf, fc.ppem, 0); err == nil {
		fc.ascent, fc.descent = m.Ascent, m.Descent
	}
	return fc
}

// index returns r's glyph index; 0 (.notdef) when the font lacks it.
func (fc *face) index(r rune) sfnt.GlyphIndex {
	gi, err := fc.f.sf.GlyphIndex(&fc.buf, r)
	if err != nil {
		return 0
	}
	return gi
}

func (fc *face) advance(gi sfnt.GlyphIndex) fixed.Int26_6 {
	a, err := fc.f.sf.GlyphAdvance(&fc.buf, gi, fc.ppem, 0)
	if err != nil {
		return 0
	}
	return a
}

func (fc *face) kern(a, b sfnt.GlyphIndex) fixed.Int26_6 {
	k, err := fc.f.sf.Kern(&fc.buf, a, b, fc.ppem, 0)
	if err != nil {
		return 0
	}
	return k
}

// draw rasterises glyph gi with its origin at dot onto dst in colour src.
func (fc *face) draw(dst draw.Image, src image.Image, dot fixed.Point26_6, gi sfnt.GlyphIndex) {
	segs, err := fc.f.sf.LoadGlyph(&fc.buf, gi, fc.ppem, nil)
	if err != nil || len(segs) == 0 {
		return
	}
	b := segs.Bounds().Add(dot)
	dr := image.Rect(b.Min.X.Floor(), b.Min.Y.Floor(), b.Max.X.Ceil(), b.Max.Y.Ceil())
	if dr.Empty() {
		return
	}
	w, h := dr.Dx(), dr.Dy()
	bx := dot.X - fixed.Int26_6(dr.Min.X<<6)
	by := dot.Y - fixed.Int26_6(dr.Min.Y<<6)
	if cap(fc.mask.Pix) < w*h {
		fc.mask.Pix = make([]uint8, w*h)
	}
	fc.mask.Pix = fc.mask.Pix[:w*h]
	fc.mask.Stride, fc.mask.Rect = w, image.Rect(0, 0, w, h)
	fc.rast.Reset(w, h)
	fc.rast.DrawOp = draw.Src
	p := func(q fixed.Point26_6) (float32, float32) { return float32(q.X+bx) / 64, float32(q.Y+by) / 64 }
	for _, s := range segs {
		switch s.Op {
		case sfnt.SegmentOpMoveTo:
			fc.rast.MoveTo(p(s.Args[0]))
		case sfnt.SegmentOpLineTo:
			fc.rast.LineTo(p(s.Args[0]))
		case sfnt.SegmentOpQuadTo:
			x1, y1 := p(s.Args[0])
			x2, y2 := p(s.Args[1])
			fc.rast.QuadTo(x1, y1, x2, y2)
		case sfnt.SegmentOpCubeTo:
			x1, y1 := p(s.Args[0])
			x2, y2 := p(s.Args[1])
			x3, y3 := p(s.Args[2])
			fc.rast.CubeTo(x1, y1, x2, y2, x3, y3)
		}
	}
	fc.rast.Draw(&fc.mask, fc.mask.Rect, image.Opaque, image.Point{})
	// 33 levels of coverage look the same as 256 at these sizes, and keep
	// the card within a PNG palette (see toPaletted).
	for i, a := range fc.mask.Pix {
		fc.mask.Pix[i] = uint8(min(255, (int(a)+4)&^7))
	}
	draw.DrawMask(dst, dr, src, image.Point{}, &fc.mask, image.Point{}, draw.Over)
}
