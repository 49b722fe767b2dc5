package ogimage

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

var accent = color.RGBA{0x1f, 0x3a, 0x5f, 255}

func render(t *testing.T, rn *Renderer, c Card) image.Image {
	t.Helper()
	b, err := rn.Render(c)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if got := img.Bounds().Size(); got != (image.Point{Width, Height}) {
		t.Fatalf("size %v, want 1200×630", got)
	}
	if dir := os.Getenv("OGIMAGE_OUT"); dir != "" {
		os.WriteFile(filepath.Join(dir, t.Name()+".png"), b, 0o644)
	}
	return img
}

// inked counts the pixels of the title's ink colour in rows y0..y1.
func inked(img image.Image, y0, y1 int) int {
	n := 0
	for y := y0; y < y1; y++ {
		for x := 0; x < Width; x++ {
			r, g, b, _ := img.At(x, y).RGBA()
			if r>>8 < 60 && g>>8 < 60 && b>>8 < 60 {
				n++
			}
		}
	}
	return n
}

func TestRender(t *testing.T) {
	rn, err := New()
	if err != nil {
		t.Fatal(err)
	}
	logo := image.NewUniform(color.RGBA{200, 30, 30, 255})
	c := Card{Title: "Trump and Putin unironically discussed forming a cyber security unit", Site: "The Daily Example", Accent: accent, Logo: image.NewRGBA(image.Rect(0, 0, 10, 10))}
	_ = logo
	a := render(t, rn, c)
	b1, _ := rn.Render(c)
	b2, _ := rn.Render(c)
	if !bytes.Equal(b1, b2) {
		t.Fatal("the same card gave different bytes")
	}
	if inked(a, 0, Height) == 0 {
		t.Fatal("no title drawn")
	}
	// A very long title is clamped: nothing is drawn below the last line.
	long := Card{Title: "Ελληνικά и кириллица: " + string(bytes.Repeat([]byte("a very long headline that goes on "), 20)), Site: "Example", Accent: accent}
	img := render(t, rn, long)
	if n := inked(img, Height-margin/2-8, Height); n != 0 {
		t.Fatalf("%d ink pixels in the bottom margin: the title was not clamped", n)
	}
}

func TestFallbackToSiteName(t *testing.T) {
	rn, _ := New()
	cjk := render(t, rn, Card{Title: "東京の桜が満開", Site: "Example News", Accent: accent})
	site := render(t, rn, Card{Title: "Example News", Site: "Example News", Accent: accent})
	// The title the fonts cannot draw is replaced by the site's name: the
	// same image as a card titled with it, and no box of a missing glyph.
	for y := 0; y < Height; y += 3 {
		for x := 0; x < Width; x += 3 {
			if cjk.At(x, y) != site.At(x, y) {
				t.Fatalf("pixel %d,%d differs from the site-name card", x, y)
			}
		}
	}
	if _, err := rn.Render(Card{Title: "東京", Site: "東京新聞", Accent: accent}); err != ErrNoGlyphs {
		t.Fatalf("err=%v, want ErrNoGlyphs", err)
	}
}

func TestRightToLeft(t *testing.T) {
	if got := visual("abc", false); got != "abc" {
		t.Fatalf("visual(abc)=%q", got)
	}
	if got := visual("שלום", true); got != "םולש" {
		t.Fatalf("visual(שלום)=%q, want the letters reversed for drawing", got)
	}
	if !isRTL("שלום world") || isRTL("hello שלום") {
		t.Fatal("isRTL")
	}
	const hebrew = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
	if _, err := os.Stat(hebrew); err != nil {
		t.Skip("DejaVu is not installed")
	}
	rn, err := New(hebrew)
	if err != nil {
		t.Fatal(err)
	}
	img := render(t, rn, Card{Title: "שלום עולם", Site: "Example", Accent: accent, Dir: "rtl"})
	// Right-aligned: ink near the right margin, none near the left one.
	left, right := 0, 0
	for y := margin + logoSize + 48; y < Height-margin; y++ {
		for x := margin; x < margin+200; x++ {
			if r, _, _, _ := img.At(x, y).RGBA(); r>>8 < 60 {
				left++
			}
		}
		for x := Width - margin - 200; x < Width-margin; x++ {
			if r, _, _, _ := img.At(x, y).RGBA(); r>>8 < 60 {
				right++
			}
		}
	}
	if right == 0 || left != 0 {
		t.Fatalf("ink left %d, right %d: want a right-aligned title", left, right)
	}
}
