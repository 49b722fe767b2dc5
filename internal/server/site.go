package server

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"image"
	"image/color"
	_ "image/gif"  // logo formats
	_ "image/jpeg" // logo formats
	_ "image/png"  // logo formats
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"

	_ "golang.org/x/image/webp" // logo formats

	"folio/internal/httpcache"
	"folio/web"
)

// Site is the publisher's identity: shown in page titles, Open Graph,
// JSON-LD, oEmbed, the feeds, the manifest and on every embed card, so
// that a card on another site says whose story it is.
type Site struct {
	Name        string // the publication's name; "Folio" by default
	Description string // one sentence about it
	Lang        string // its language (BCP 47), the default of its pages and feeds
	Accent      string // its colour, #rrggbb
	Logo        *Logo  // served at Logo.Path; the app icon by default
}

// Logo is the site's logo, as Folio serves it.
type Logo struct {
	Type          string // image/png, image/jpeg, image/gif, image/webp or image/svg+xml
	Width, Height int    // in pixels (an SVG's width and height, or its viewBox)
	Path          string // where Folio serves it: /site/logo-HASH.EXT, cached for a year
	asset         *httpcache.Asset
	image         image.Image // decoded, for share images; nil for an SVG
}

// DefaultSiteName is the site's name when none is given.
const DefaultSiteName = "Folio"

// defaultAccent is the accent colour of the bundled style sheet.
const defaultAccent = "#1f3a5f"

var accentRE = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)

// CheckSite fills the defaults of s and checks its fields.
func CheckSite(s *Site) error {
	s.Name = strings.TrimSpace(s.Name)
	if s.Name == "" {
		s.Name = DefaultSiteName
	}
	if len(s.Name) > 100 {
		return errors.New("-site-name: at most 100 bytes")
	}
	if len(s.Description) > 300 {
		return errors.New("-site-description: at most 300 bytes")
	}
	if s.Lang == "" {
		s.Lang = "en"
	}
	if !langRE.MatchString(s.Lang) {
		return fmt.Errorf("-site-lang: %q is not a language tag such as en or pt-BR", s.Lang)
	}
	if s.Accent == "" {
		s.Accent = defaultAccent
	}
	if !accentRE.MatchString(s.Accent) {
		return fmt.Errorf("-site-accent: %q is not a colour such as #1f3a5f", s.Accent)
	}
	s.Accent = strings.ToLower(s.Accent)
	if s.Logo == nil {
		b, err := web.FS.ReadFile("icon-512.png")
		if err != nil {
			return err
		}
		l, err := NewLogo(b)
		if err != nil {
			return err
		}
		s.Logo = l
	}
	return nil
}

var langRE = regexp.MustCompile(`^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$`)

// LoadLogo reads the logo at path: PNG, JPEG, GIF, WebP or SVG.
func LoadLogo(path string) (*Logo, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("-site-logo: %w", err)
	}
	l, err := NewLogo(b)
	if err != nil {
		return nil, fmt.Errorf("-site-logo %s: %w", path, err)
	}
	return l, nil
}

// NewLogo makes a logo of the image bytes b, at most 1 MiB.
func NewLogo(b []byte) (*Logo, error) {
	if len(b) > 1<<20 {
		return nil, errors.New("the logo is larger than 1 MiB")
	}
	l := &Logo{}
	ext := ""
	if cfg, format, err := image.DecodeConfig(bytes.NewReader(b)); err == nil {
		l.Type, l.Width, l.Height, ext = "image/"+format, cfg.Width, cfg.Height, format
		if format == "jpeg" {
			ext = "jpg"
		}
		if cfg.Width*cfg.Height > 4096*4096 {
			return nil, errors.New("the logo is larger than 4096×4096 pixels")
		}
		if l.image, _, err = image.Decode(bytes.NewReader(b)); err != nil {
			return nil, err
		}
	} else if w, h, ok := svgSize(b); ok {
		l.Type, l.Width, l.Height, ext = "image/svg+xml", w, h, "svg"
	} else {
		return nil, errors.New("not a PNG, JPEG, GIF, WebP or SVG image")
	}
	if l.Width <= 0 || l.Height <= 0 {
		return nil, errors.New("the logo has no size")
	}
	sum := sha256.Sum256(b)
	l.Path = "/site/logo-" + hex.EncodeToString(sum[:8]) + "." + ext
	header := http.Header{
		"Content-Type":                {l.Type},
		"Cache-Control":               {"public, max-age=31536000, immutable"},
		"Access-Control-Allow-Origin": {"*"},
	}
	if ext == "svg" {
		// An SVG may hold script: served as an image it runs nothing, and
		// opened on its own this CSP keeps it so.
		header.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; sandbox")
		l.asset = httpcache.NewStatic(b, header)
	} else {
		l.asset = httpcache.NewPlain(b, header)
	}
	return l, nil
}

// svgSize reads the width and height of an SVG document's root: its
// width and height attributes in pixels, else its viewBox.
func svgSize(b []byte) (w, h int, ok bool) {
	d := xml.NewDecoder(bytes.NewReader(b))
	for {
		tok, err := d.Token()
		if err != nil {
			return 0, 0, false
		}
		se, isStart := tok.(xml.StartElement)
		if !isStart {
			continue
		}
		if se.Name.Local != "svg" {
			return 0, 0, false
		}
		var vb string
		for _, a := range se.Attr {
			v := strings.TrimSuffix(strings.TrimSpace(a.Value), "px")
			switch a.Name.Local {
			case "width":
				if f, err := strconv.ParseFloat(v, 64); err == nil {
					w = int(f + 0.5)
				}
			case "height":
				if f, err := strconv.ParseFloat(v, 64); err == nil {
					h = int(f + 0.5)
				}
			case "viewBox":
				vb = a.Value
			}
		}
		if (w <= 0 || h <= 0) && vb != "" {
			if f := strings.Fields(strings.ReplaceAll(vb, ",", " ")); len(f) == 4 {
				fw, e1 := strconv.ParseFloat(f[2], 64)
				fh, e2 := strconv.ParseFloat(f[3], 64)
				if e1 == nil && e2 == nil {
					w, h = int(fw+0.5), int(fh+0.5)
				}
			}
		}
		return w, h, w > 0 && h > 0
	}
}

// accentColor returns the accent as a colour.
func (s *Site) accentColor() color.RGBA {
	var c color.RGBA
	fmt.Sscanf(s.Accent, "#%02x%02x%02x", &c.R, &c.G, &c.B)
	c.A = 255
	return c
}

// serveLogo serves the site's logo at its hashed path.
func (s *Site) serveLogo(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != s.Logo.Path {
		http.NotFound(w, r)
		return
	}
	s.Logo.asset.Serve(w, r, http.StatusOK)
}
