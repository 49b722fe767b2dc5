// Package imagesize reads an image's width and height from its header
// without decoding the pixels, reading at most a bounded prefix of the
// input, so a remote image can be measured through a size-limited fetch.
package imagesize

import (
	"bufio"
	"errors"
	"fmt"
	"image"
	_ "image/gif"  // register GIF
	_ "image/jpeg" // register JPEG
	_ "image/png"  // register PNG
	"io"

	_ "golang.org/x/image/webp" // register WebP
)

// MaxPrefix is the most Read takes from its input: 256 KiB. A PNG, GIF or
// WebP header sits in the first few dozen bytes; a JPEG's frame header
// follows its metadata segments (EXIF, ICC profile, embedded thumbnail),
// which rarely exceed this.
const MaxPrefix = 256 << 10

// ErrTooDeep is returned when the dimensions are not within the first
// MaxPrefix bytes.
var ErrTooDeep = errors.New("imagesize: no dimensions in the first 256 KiB")

// Size is an image's format ("png", "jpeg", "gif" or "webp") and pixel size.
type Size struct {
	Format        string
	Width, Height int
}

// Read returns the format and dimensions of the PNG, JPEG, GIF or WebP
// image at the start of r. It reads at most MaxPrefix bytes (plus what a
// buffered reader reads ahead, never past the prefix) and does not close r.
// An unknown format, a truncated header, a header past the prefix or a
// zero dimension is an error.
func Read(r io.Reader) (Size, error) {
	lr := &io.LimitedReader{R: r, N: MaxPrefix}
	cfg, format, err := image.DecodeConfig(bufio.NewReaderSize(lr, 4096))
	if err != nil {
		if lr.N == 0 {
			return Size{}, ErrTooDeep
		}
		if errors.Is(err, image.ErrFormat) {
			return Size{}, errors.New("imagesize: not a PNG, JPEG, GIF or WebP image")
		}
		return Size{}, fmt.Errorf("imagesize: %w", err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return Size{}, fmt.Errorf("imagesize: %s image is %d×%d", format, cfg.Width, cfg.Height)
	}
	return Size{Format: format, Width: cfg.Width, Height: cfg.Height}, nil
}
