package shareimg

import (
	"errors"
	"image"
	_ "image/gif"  // DecodeLogo reads GIF
	_ "image/jpeg" // DecodeLogo reads JPEG
	_ "image/png"  // DecodeLogo reads PNG
	"io"

	_ "golang.org/x/image/webp" // DecodeLogo reads WebP
)

// MaxLogoBytes is the largest logo file DecodeLogo reads: 4 MiB.
const MaxLogoBytes = 4 << 20

// DecodeLogo decodes a PNG, JPEG, GIF or WebP logo for Site.Logo, reading
// at most MaxLogoBytes. An SVG logo is refused with an error that says so:
// share images need a raster copy of it (or no logo).
func DecodeLogo(r io.Reader) (image.Image, error) {
	lr := &io.LimitedReader{R: r, N: MaxLogoBytes + 1}
	img, format, err := image.Decode(lr)
	if lr.N <= 0 {
		return nil, errors.New("shareimg: logo: larger than 4 MiB")
	}
	if errors.Is(err, image.ErrFormat) {
		return nil, errors.New("shareimg: logo: not a PNG, JPEG, GIF or WebP image (an SVG logo needs a raster copy for share images)")
	}
	if err != nil {
		return nil, errors.New("shareimg: logo: " + format + ": " + err.Error())
	}
	return img, nil
}
