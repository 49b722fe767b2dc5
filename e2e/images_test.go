package e2e

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// candidateWidths are the widths of the test picture's srcset; its src is
// 1920 pixels wide.
var candidateWidths = []int{320, 480, 640, 960, 1280}

// TestImageCandidates checks, in the browser, that an article's lead image
// offered at several widths (image.srcset) is fetched at the width its box
// needs: on a card in the home list on a desktop and a phone, in the reader
// and in the embed card in both layouts; that the full-size src is never
// downloaded when a candidate fits; and that offline, on another screen,
// the saved article's images still show (web/folio.js falls back to the
// src the save kept).
func TestImageCandidates(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var fetched []int
	pngs := map[int][]byte{}
	for _, w := range append(slices.Clone(candidateWidths), 1920) {
		img := image.NewPaletted(image.Rect(0, 0, w, w*9/16), color.Palette{color.RGBA{0x2a, 0x6f, 0x97, 0xff}})
		var b bytes.Buffer
		if err := png.Encode(&b, img); err != nil {
			t.Fatal(err)
		}
		pngs[w] = b.Bytes()
	}
	imgSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/harbour-"), ".png"))
		body, ok := pngs[n]
		if !ok {
			http.NotFound(w, r)
			return
		}
		mu.Lock()
		fetched = append(fetched, n)
		mu.Unlock()
		w.Header().Set("Content-Type", "image/png")
		w.Header().Set("Cache-Control", "no-store")
		w.Write(body)
	}))
	defer imgSrv.Close()

	srv := startServer(t)
	var set []string
	for _, w := range candidateWidths {
		set = append(set, fmt.Sprintf(`{"src":"%s/harbour-%d.png","width":%d}`, imgSrv.URL, w, w))
	}
	srv.post(t, "/api/articles", `{"slug":"harbour","title":"The harbour at dawn","author":"A. Writer",`+
		`"image":{"src":"`+imgSrv.URL+`/harbour-1920.png","alt":"Boats leaving the harbour","width":1920,"height":1080,"srcset":[`+strings.Join(set, ",")+`]},`+
		`"html":"<p>Before the town wakes, the harbour is already busy.</p>"}`)

	type view struct {
		name, path, img string
		width, height   int64
		dpr             float64
		mobile          bool
	}
	views := []view{
		{"list on a desktop", "/", `.card:has(a[href="/a/harbour"]) img`, 1280, 800, 1, false},
		{"list on a phone", "/", `.card:has(a[href="/a/harbour"]) img`, 390, 844, 3, true},
		{"reader on a desktop", "/a/harbour", `.lead-img`, 1280, 800, 1, false},
		{"reader on a phone", "/a/harbour", `.lead-img`, 412, 823, 1.75, true},
		{"embed, wide", "/embed/harbour", `.card-img`, 550, 300, 1, false},
		{"embed, compact", "/embed/harbour?layout=compact", `.card-img`, 550, 300, 2, false},
	}
	var wg sync.WaitGroup
	for _, v := range views {
		wg.Go(func() {
			t.Run(v.name, func(t *testing.T) {
				tb := newTab(t)
				call(tb, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{Width: v.width, Height: v.height, DeviceScaleFactor: v.dpr, Mobile: v.mobile})
				tb.nav(srv.URL + v.path)
				sel := jsString(v.img)
				tb.waitFor(`(() => { const i = document.querySelector(` + sel + `); return i && i.complete && i.naturalWidth > 0; })()`)
				// The candidate shown is the one in currentSrc (naturalWidth
				// is the width sizes gave, the candidate's pixels over its
				// density).
				got := eval[struct {
					W, H, DPR float64
					Natural   int
				}](tb, `(() => { const i = document.querySelector(`+sel+`), r = i.getBoundingClientRect();
					return {W: r.width, H: r.height, DPR: devicePixelRatio, Natural: +i.currentSrc.match(/harbour-([0-9]+)\.png$/)[1]}; })()`)
				// The box is covered (object-fit: cover) by a 16:9 picture:
				// it needs the wider of the box's width and the width that
				// fills its height.
				need := math.Max(got.W, got.H*16/9) * got.DPR
				above := 1920
				below := 0
				for _, w := range candidateWidths {
					if float64(w) >= need && w < above {
						above = w
					}
					if float64(w) < need {
						below = w
					}
				}
				// At one device pixel per CSS pixel the browser takes the
				// narrowest candidate that fills the box; at higher densities
				// it may settle for the one below (Chromium weighs the two
				// by their geometric mean).
				ok := got.Natural == above || got.DPR > 1 && got.Natural == below
				if !ok {
					t.Errorf("a %.0f×%.0f box at %.2gx, needing %.0f pixels, got the %d-pixel candidate; want %d (or %d above 1x)",
						got.W, got.H, got.DPR, need, got.Natural, above, below)
				}
				t.Logf("%.0f×%.0f box at %.2gx: needs %.0f px, got %d", got.W, got.H, got.DPR, need, got.Natural)
				tb.noConsoleErrors()
			})
		})
	}
	wg.Wait()
	mu.Lock()
	full := slices.Contains(fetched, 1920)
	mu.Unlock()
	if full {
		t.Fatalf("the 1920-pixel src was downloaded (requests %v): a candidate fitted every box", fetched)
	}

	// Saved on a desktop, read offline on a phone: the images the phone's
	// screen would pick were never fetched, and the saved ones show.
	tb := newTab(t)
	call(tb, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{Width: 1280, Height: 800, DeviceScaleFactor: 1})
	tb.nav(srv.URL + "/a/harbour")
	tb.waitMounted()
	tb.waitFor(`navigator.serviceWorker.controller !== null && document.querySelector(".lead-img").complete`)
	tb.do(chromedp.Click(chromedp.CSS(`.tool-row button[aria-pressed]`)))
	tb.waitFor(`document.querySelector(".tool-row button[aria-pressed]").getAttribute("aria-pressed") === "true"`)
	srv.stop()
	imgSrv.Close()

	call(tb, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{Width: 390, Height: 844, DeviceScaleFactor: 3, Mobile: true})
	shown := `(() => { const i = document.querySelector(%s); return i !== null && i.complete && i.naturalWidth > 0; })()`
	tb.nav(srv.URL + "/a/harbour")
	tb.waitFor(fmt.Sprintf(shown, jsString(".lead-img")))
	tb.nav(srv.URL + "/saved")
	tb.waitFor(fmt.Sprintf(shown, jsString(`.saved-item .card-img`)))
	// The candidates the phone asked for first could not be fetched.
	tb.consoleErrors("net::ERR_FAILED")
}
