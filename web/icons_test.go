package web

import (
	"bytes"
	"flag"
	"image"
	"image/color"
	"image/png"
	"os"
	"strconv"
	"testing"
)

var update = flag.Bool("update", false, "rewrite icon-192.png and icon-512.png from the drawing in this file")

// The icon, in the 512×512 space of icon.svg: a navy rounded square with a
// white page, its folded corner and three lines of text.
var (
	navy = color.NRGBA{0x1f, 0x3a, 0x5f, 0xff}
	fold = color.NRGBA{0xc9, 0xd6, 0xe8, 0xff}
)

// iconAt returns the colour of the icon at (x, y) in icon.svg's space.
func iconAt(x, y float64) color.NRGBA {
	if !inRoundRect(x, y, 0, 0, 512, 512, 96) {
		return color.NRGBA{}
	}
	c := navy
	if x >= 144 && x <= 368 && y >= 96 && y <= 416 && !(x > 304 && y < 160 && x-304 > y-96) {
		c = color.NRGBA{0xff, 0xff, 0xff, 0xff}
		if x >= 304 && y <= 160 && x-304 <= y-96 {
			c = fold
		}
	}
	for _, r := range [][4]float64{{184, 208, 144, 20}, {184, 260, 144, 20}, {184, 312, 96, 20}} {
		if inRoundRect(x, y, r[0], r[1], r[2], r[3], 10) {
			c = navy
		}
	}
	return c
}

func inRoundRect(x, y, rx, ry, w, h, rad float64) bool {
	if x < rx || y < ry || x > rx+w || y > ry+h {
		return false
	}
	cx := min(max(x, rx+rad), rx+w-rad)
	cy := min(max(y, ry+rad), ry+h-rad)
	dx, dy := x-cx, y-cy
	return dx*dx+dy*dy <= rad*rad
}

// drawIcon renders the icon at size×size pixels with 4×4 supersampling.
func drawIcon(size int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	const ss = 4
	scale := 512 / float64(size)
	for py := 0; py < size; py++ {
		for px := 0; px < size; px++ {
			var r, g, b, a float64
			for sy := 0; sy < ss; sy++ {
				for sx := 0; sx < ss; sx++ {
					c := iconAt((float64(px)+(float64(sx)+0.5)/ss)*scale, (float64(py)+(float64(sy)+0.5)/ss)*scale)
					af := float64(c.A) / 255
					r += float64(c.R) * af
					g += float64(c.G) * af
					b += float64(c.B) * af
					a += af
				}
			}
			if a == 0 {
				continue
			}
			img.SetNRGBA(px, py, color.NRGBA{uint8(r/a + 0.5), uint8(g/a + 0.5), uint8(b/a + 0.5), uint8(a/(ss*ss)*255 + 0.5)})
		}
	}
	return img
}

func encodePNG(t *testing.T, img image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestIcons checks that the committed PNG icons are the drawing above at
// the sizes the manifest promises. Run with -update to regenerate them.
func TestIcons(t *testing.T) {
	for _, size := range []int{192, 512} {
		name := "icon-" + strconv.Itoa(size) + ".png"
		t.Run(name, func(t *testing.T) {
			want := encodePNG(t, drawIcon(size))
			if *update {
				if err := os.WriteFile(name, want, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			got, err := FS.ReadFile(name)
			if err != nil {
				t.Fatalf("%s is not embedded: %v", name, err)
			}
			img, err := png.Decode(bytes.NewReader(got))
			if err != nil {
				t.Fatalf("decode %s: %v", name, err)
			}
			if b := img.Bounds(); b.Dx() != size || b.Dy() != size {
				t.Fatalf("%s is %dx%d, want %dx%d", name, b.Dx(), b.Dy(), size, size)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("%s differs from the drawing; run go test ./web -run TestIcons -update", name)
			}
		})
	}
}
