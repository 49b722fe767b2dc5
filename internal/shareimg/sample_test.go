package shareimg

import (
	"flag"
	"image"
	"image/color"
	"os"
	"path/filepath"
	"testing"
)

var sampleDir = flag.String("sample", "", "write sample share images to this directory")

// dejavu is the path of DejaVu Sans (Debian's fonts-dejavu-core), which
// covers Hebrew and Arabic.
const dejavu = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"

// testLogo is a two-colour square logo.
func testLogo() image.Image {
	img := image.NewRGBA(image.Rect(0, 0, 128, 128))
	for y := range 128 {
		for x := range 128 {
			c := color.RGBA{0xe0, 0x3a, 0x3e, 0xff}
			if (x-64)*(x-64)+(y-64)*(y-64) < 40*40 {
				c = color.RGBA{0x22, 0x22, 0x22, 0xff}
			}
			img.Set(x, y, c)
		}
	}
	return img
}

func TestWriteSamples(t *testing.T) {
	if *sampleDir == "" {
		t.Skip("no -sample directory")
	}
	var fonts []*Font
	if f, err := LoadFont(dejavu); err == nil {
		fonts = append(fonts, f)
	}
	for _, s := range []struct {
		name   string
		accent color.Color
		card   Card
	}{
		{"seed", nil, Card{Title: "Cybercriminals are targeting Paris 2024 Olympics ticket buyers with fake resale sites", Byline: "By Jane Doe · 5 December 2026"}},
		{"long", color.RGBA{0xf5, 0xc5, 0x18, 0xff}, Card{Title: "An extraordinarily long headline that keeps going and going, well past what anyone would sensibly put on a card, because the newsroom's style guide allows three hundred characters and somebody decided to use every single one of them to describe the situation in full detail", Byline: "Security desk"}},
		{"short", color.RGBA{0xee, 0xf2, 0xf6, 0xff}, Card{Title: "Ελληνικά και Кириллица"}},
		{"hebrew", color.RGBA{0x0b, 0x3d, 0x2e, 0xff}, Card{Title: "שלום עולם: חדשות 2024 (בדיקה) מהעיר", Dir: "rtl", Byline: "מערכת החדשות"}},
		{"arabic", color.RGBA{0x5b, 0x21, 0xb6, 0xff}, Card{Title: "مرحبا بالعالم: أخبار اليوم من المدينة", Dir: "rtl"}},
		{"cjk", nil, Card{Title: "東京で新しい展覧会が開かれる"}},
	} {
		r, err := New(Site{Name: "Security Desk", Logo: testLogo(), Accent: s.accent, Fonts: fonts})
		if err != nil {
			t.Fatal(err)
		}
		f, err := os.Create(filepath.Join(*sampleDir, s.name+".png"))
		if err != nil {
			t.Fatal(err)
		}
		if err := r.Render(f, s.card); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
}
