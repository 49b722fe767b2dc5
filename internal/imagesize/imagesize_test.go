package imagesize_test

import (
	"bytes"
	"encoding/base64"
	"errors"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"strings"
	"testing"

	"folio/internal/imagesize"
)

func TestRead(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 1200, 630))
	var pngB, jpgB, gifB bytes.Buffer
	if err := png.Encode(&pngB, img); err != nil {
		t.Fatal(err)
	}
	if err := jpeg.Encode(&jpgB, img, nil); err != nil {
		t.Fatal(err)
	}
	pal := image.NewPaletted(image.Rect(0, 0, 17, 9), color.Palette{color.Black, color.White})
	if err := gif.Encode(&gifB, pal, nil); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name          string
		data          []byte
		format        string
		width, height int
	}{
		{"PNG", pngB.Bytes(), "png", 1200, 630},
		{"JPEG", jpgB.Bytes(), "jpeg", 1200, 630},
		{"GIF", gifB.Bytes(), "gif", 17, 9},
		{"WebPLossless", webpLossless(t), "webp", 3, 2},
		{"WebPExtended", webpExtended(3000, 1500), "webp", 3000, 1500},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := imagesize.Read(bytes.NewReader(tt.data))
			if err != nil {
				t.Fatalf("Read: %v", err)
			}
			want := imagesize.Size{Format: tt.format, Width: tt.width, Height: tt.height}
			if got != want {
				t.Fatalf("Read=%+v, want %+v", got, want)
			}
		})
	}
}

// webpLossless is the RIFF and VP8L header of a 3×2 lossless WebP.
func webpLossless(t *testing.T) []byte {
	b, err := base64.StdEncoding.DecodeString("UklGRhoAAABXRUJQVlA4TA0AAAAvAkAAAAfQ//73v/+BiOh/AAA=")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// webpExtended is the header of an extended-format (VP8X) WebP of w×h.
func webpExtended(w, h int) []byte {
	b := []byte("RIFF\x16\x00\x00\x00WEBPVP8X\x0a\x00\x00\x00\x00\x00\x00\x00")
	b = append(b, byte(w-1), byte((w-1)>>8), byte((w-1)>>16), byte(h-1), byte((h-1)>>8), byte((h-1)>>16))
	return b
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

func TestReadBoundedPrefix(t *testing.T) {
	// A JPEG start followed by an endless metadata stream: an APP segment
	// after another, never a frame header.
	seg := append([]byte{0xFF, 0xE1, 0xFF, 0xFF}, make([]byte, 0xFFFD)...)
	endless := io.MultiReader(bytes.NewReader([]byte{0xFF, 0xD8}), &repeat{b: seg})
	cr := &countingReader{r: endless}
	_, err := imagesize.Read(cr)
	if !errors.Is(err, imagesize.ErrTooDeep) {
		t.Fatalf("Read=%v, want ErrTooDeep", err)
	}
	if cr.n > imagesize.MaxPrefix {
		t.Fatalf("read %d bytes, want at most %d", cr.n, imagesize.MaxPrefix)
	}

	// A PNG is measured from its first bytes, whatever follows.
	var pngB bytes.Buffer
	if err := png.Encode(&pngB, image.NewGray(image.Rect(0, 0, 5, 7))); err != nil {
		t.Fatal(err)
	}
	cr = &countingReader{r: io.MultiReader(bytes.NewReader(pngB.Bytes()), &repeat{b: []byte{0}})}
	if got, err := imagesize.Read(cr); err != nil || got.Width != 5 || got.Height != 7 {
		t.Fatalf("Read=%+v, %v", got, err)
	}
	if cr.n > 4096 {
		t.Fatalf("read %d bytes for a PNG header", cr.n)
	}
}

// repeat yields b over and over.
type repeat struct {
	b []byte
	i int
}

func (r *repeat) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		c := copy(p[n:], r.b[r.i:])
		n += c
		r.i = (r.i + c) % len(r.b)
	}
	return n, nil
}

func TestReadErrors(t *testing.T) {
	for _, tt := range []struct {
		name, data, msg string
	}{
		{"Empty", "", "imagesize:"},
		{"SVG", `<svg xmlns="http://www.w3.org/2000/svg"/>`, "not a PNG, JPEG, GIF or WebP"},
		{"HTML", "<!doctype html><p>hi", "not a PNG, JPEG, GIF or WebP"},
		{"TruncatedPNG", "\x89PNG\r\n\x1a\n\x00\x00", "imagesize:"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := imagesize.Read(strings.NewReader(tt.data))
			if err == nil || !strings.Contains(err.Error(), tt.msg) {
				t.Fatalf("Read=%v, want an error mentioning %q", err, tt.msg)
			}
		})
	}
}
