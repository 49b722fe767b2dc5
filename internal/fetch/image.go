package fetch

import (
	"context"
	"fmt"
	"net/http"
	"net/url"

	"folio/internal/imagesize"
)

// ImageSize reads the format and size of the image at src from the start
// of its body, inside the same fence as Fetch: the URL is checked, and so
// is every redirect and every address dialled. At most imagesize.MaxPrefix
// bytes are read; ctx and Timeout bound the time.
func (e *Client) ImageSize(ctx context.Context, src string) (imagesize.Size, error) {
	u, err := url.Parse(src)
	if err != nil || !u.IsAbs() {
		return imagesize.Size{}, Errorf(http.StatusBadRequest, err, "%q is not an absolute http or https address", src)
	}
	if err := e.CheckURL(ctx, u); err != nil {
		return imagesize.Size{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, e.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return imagesize.Size{}, Errorf(http.StatusBadRequest, err, "%q is not an address that can be fetched", src)
	}
	req.Header.Set("User-Agent", UserAgent)
	// The formats imagesize reads, so that a server choosing by Accept
	// does not answer with one it cannot (AVIF).
	req.Header.Set("Accept", "image/webp,image/png,image/jpeg,image/gif;q=0.9,*/*;q=0.1")
	res, err := e.client.Do(req)
	if err != nil {
		return imagesize.Size{}, fetchError(u, err)
	}
	defer res.Body.Close()
	if res.StatusCode < 200 || res.StatusCode > 299 {
		return imagesize.Size{}, Errorf(http.StatusBadGateway, nil, "the image answered %s", res.Status)
	}
	size, err := imagesize.Read(res.Body)
	if err != nil {
		return imagesize.Size{}, fmt.Errorf("fetch: %s: %w", u.Host, err)
	}
	return size, nil
}
