// Package fetch gets web pages for the server on behalf of its users, inside
// a fence: anyone who can reach the API can make the server fetch a URL,
// so a Client reaches public addresses only (and the hosts the operator
// allows), with bounded redirects, time and size. The fence:
//
//   - only http and https URLs without user names or passwords;
//   - the address a host resolves to must be public: loopback, private
//     (RFC 1918, fc00::/7), link-local, multicast, unspecified, carrier-grade
//     NAT, documentation and reserved ranges are refused, also inside
//     IPv4-mapped, NAT64 and 6to4 addresses. The URL is checked before the
//     request and after every redirect, and the dialer checks the address it
//     is about to connect to (net.Dialer.Control runs before connect), so a
//     DNS answer that changes between the check and the connection (DNS
//     rebinding) gains nothing and no packet reaches a refused address;
//   - no proxy from the environment (a proxy would connect for us);
//   - at most MaxRedirects redirects, DefaultTimeout in all and
//     DefaultMaxBody bytes of (decompressed) body, and only HTML;
//   - the server rate-limits the routes that use it, per client.
//
// The operator may allow named private hosts (-extract-allow) for an
// intranet: an entry "host" allows that host name on any port, "host:port"
// that port only; names match exactly, case aside, before resolution.
package fetch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unicode/utf8"

	"golang.org/x/net/html/charset"
)

const (
	DefaultTimeout = 10 * time.Second
	DefaultMaxBody = 5 << 20 // 5 MiB
	MaxRedirects   = 5
	UserAgent      = "Folio/1 (article import for the preview)"
)

// HostList is the value of -extract-allow: host names or host:port pairs,
// lower-cased, IPv6 literals without brackets when alone and bracketed
// with a port. It is a flag.Value, so a bad entry is a flag error.
type HostList []string

// String implements flag.Value.
func (l *HostList) String() string {
	if l == nil {
		return ""
	}
	return strings.Join(*l, ",")
}

// Set implements flag.Value: it adds the comma-separated entries of s.
func (l *HostList) Set(s string) error {
	for _, e := range strings.Split(s, ",") {
		e = strings.ToLower(strings.TrimSpace(e))
		if e == "" {
			continue
		}
		n, err := normalizeAllowed(e)
		if err != nil {
			return err
		}
		*l = append(*l, n)
	}
	return nil
}

// normalizeAllowed checks one -extract-allow entry and returns it in the
// form allows compares against.
func normalizeAllowed(e string) (string, error) {
	bad := fmt.Errorf("extract: %q is not a host name or host:port (e.g. wiki.intranet or 10.1.2.3:8080)", e)
	host, port, err := net.SplitHostPort(e)
	if err != nil {
		host, port = strings.TrimSuffix(strings.TrimPrefix(e, "["), "]"), ""
	}
	if host == "" || strings.ContainsAny(host, "/@?#% \t") {
		return "", bad
	}
	if ip, err := netip.ParseAddr(host); err == nil {
		host = ip.String()
	} else if strings.Contains(host, ":") {
		return "", bad
	}
	if port == "" {
		return host, nil
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 || strconv.Itoa(n) != port {
		return "", bad
	}
	return net.JoinHostPort(host, port), nil
}

// allows reports whether the operator allowed the host:port address (as
// in a URL, before resolution).
func (l HostList) allows(hostport string) bool {
	host, port, err := net.SplitHostPort(hostport)
	if err != nil {
		return false
	}
	host = strings.ToLower(host)
	if ip, err := netip.ParseAddr(host); err == nil {
		host = ip.String()
	}
	for _, e := range l {
		if e == host || e == net.JoinHostPort(host, port) {
			return true
		}
	}
	return false
}

// blockedRanges are the addresses a fetch may not reach, with the reason
// given to the user. More specific prefixes come first.
var blockedRanges = func() []struct {
	prefix netip.Prefix
	why    string
} {
	list := []struct{ prefix, why string }{
		{"0.0.0.0/8", "a “this network” address"},
		{"10.0.0.0/8", "a private address (RFC 1918)"},
		{"100.64.0.0/10", "a carrier-grade NAT address (RFC 6598)"},
		{"127.0.0.0/8", "a loopback address"},
		{"169.254.0.0/16", "a link-local address"},
		{"172.16.0.0/12", "a private address (RFC 1918)"},
		{"192.0.0.0/24", "reserved for IETF protocols"},
		{"192.0.2.0/24", "a documentation address"},
		{"192.88.99.0/24", "a 6to4 relay address"},
		{"192.168.0.0/16", "a private address (RFC 1918)"},
		{"198.18.0.0/15", "a benchmarking address"},
		{"198.51.100.0/24", "a documentation address"},
		{"203.0.113.0/24", "a documentation address"},
		{"224.0.0.0/4", "a multicast address"},
		{"255.255.255.255/32", "the broadcast address"},
		{"240.0.0.0/4", "a reserved address"},
		{"::/128", "the unspecified address"},
		{"::1/128", "a loopback address"},
		{"::/96", "an IPv4-compatible address"},
		{"64:ff9b:1::/48", "a local NAT64 address"},
		{"100::/64", "a discard address"},
		{"2001::/32", "a Teredo address"},
		{"2001:db8::/32", "a documentation address"},
		{"fc00::/7", "a private address (unique local, fc00::/7)"},
		{"fe80::/10", "a link-local address"},
		{"fec0::/10", "a site-local address"},
		{"ff00::/8", "a multicast address"},
	}
	out := make([]struct {
		prefix netip.Prefix
		why    string
	}, len(list))
	for i, r := range list {
		out[i].prefix, out[i].why = netip.MustParsePrefix(r.prefix), r.why
	}
	return out
}()

// Prefixes that embed an IPv4 address, which is checked in its turn.
var (
	nat64Prefix = netip.MustParsePrefix("64:ff9b::/96")
	sixToFour   = netip.MustParsePrefix("2002::/16")
)

// blockedReason returns why a fetch may not connect to ip, or "" when ip
// is a public address.
func blockedReason(ip netip.Addr) string {
	ip = ip.WithZone("").Unmap()
	if !ip.IsValid() {
		return "not an IP address"
	}
	if ip.Is6() {
		b := ip.As16()
		switch {
		case nat64Prefix.Contains(ip):
			if why := blockedReason(netip.AddrFrom4([4]byte(b[12:16]))); why != "" {
				return why + " behind NAT64"
			}
		case sixToFour.Contains(ip):
			if why := blockedReason(netip.AddrFrom4([4]byte(b[2:6]))); why != "" {
				return why + " inside 6to4"
			}
		}
	}
	for _, r := range blockedRanges {
		if r.prefix.Contains(ip) {
			return r.why
		}
	}
	return ""
}

// blockedError is a refusal to fetch from an address that is not public.
type blockedError struct {
	host string // as the user named it
	ip   netip.Addr
	why  string
}

func (e *blockedError) Error() string {
	const tail = "; Folio fetches only from public addresses"
	switch lit, err := netip.ParseAddr(e.host); {
	case e.host == "" || e.host == e.ip.String():
		return fmt.Sprintf("%s is %s", e.ip, e.why) + tail
	case err == nil:
		return fmt.Sprintf("%s (%s) is %s", lit, e.ip, e.why) + tail
	}
	return fmt.Sprintf("%s resolves to %s, %s", e.host, e.ip, e.why) + tail
}

// guardControl is the dialer's Control function: it runs after the socket
// is made and before it connects, with the address about to be dialled,
// and refuses every address that is not public.
func guardControl(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("extract: dial %s: not an IP address and port", address)
	}
	if why := blockedReason(ap.Addr()); why != "" {
		return &blockedError{ip: ap.Addr().WithZone("").Unmap(), why: why}
	}
	return nil
}

// extractError is a refusal or failure with the HTTP status and the
// message the client gets.
type Error struct {
	Status int    // the HTTP status the API answers with
	Msg    string // what the client is told
	Err    error  // the cause, for the log
}

func (e *Error) Error() string { return e.Msg }
func (e *Error) Unwrap() error { return e.Err }

func Errorf(status int, cause error, format string, args ...any) *Error {
	return &Error{Status: status, Msg: fmt.Sprintf(format, args...), Err: cause}
}

// extractor fetches pages for /api/extract.
type Client struct {
	allow   HostList
	client  *http.Client
	Timeout time.Duration // for one fetch, redirects included; DefaultTimeout
	MaxBody int64         // largest body read; DefaultMaxBody
	guarded *net.Dialer   // for every host not allowed: Control refuses non-public addresses
	open    *net.Dialer   // for the hosts the operator allowed
	// LookupIP resolves host names (net.DefaultResolver; tests replace it).
	LookupIP func(ctx context.Context, host string) ([]netip.Addr, error)
}

// newExtractor returns an extractor that may also fetch from the allowed
// hosts.
func New(allow HostList) *Client {
	e := &Client{
		allow:   allow,
		Timeout: DefaultTimeout,
		MaxBody: DefaultMaxBody,
		guarded: &net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second, Control: guardControl},
		open:    &net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second},
		LookupIP: func(ctx context.Context, host string) ([]netip.Addr, error) {
			return net.DefaultResolver.LookupNetIP(ctx, "ip", host)
		},
	}
	e.client = &http.Client{
		Transport: &http.Transport{
			Proxy:                  nil, // never: the proxy would connect in our place
			DialContext:            e.dial,
			ForceAttemptHTTP2:      true,
			TLSHandshakeTimeout:    5 * time.Second,
			ResponseHeaderTimeout:  DefaultTimeout,
			MaxResponseHeaderBytes: 64 << 10,
			MaxIdleConns:           16,
			IdleConnTimeout:        30 * time.Second,
		},
		CheckRedirect: e.checkRedirect,
	}
	return e
}

// dial connects to addr, a host:port from the URL. Allowed hosts are
// dialled as they are; any other host is resolved and each address dialled
// through the guarded dialer, whose Control refuses non-public addresses
// before connecting.
func (e *Client) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	if e.allow.allows(addr) {
		return e.open.DialContext(ctx, network, addr)
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	var ips []netip.Addr
	if ip, err := netip.ParseAddr(host); err == nil {
		ips = []netip.Addr{ip}
	} else if ips, err = e.LookupIP(ctx, host); err != nil {
		return nil, err
	}
	var first error
	for _, ip := range ips {
		c, err := e.guarded.DialContext(ctx, network, net.JoinHostPort(ip.Unmap().String(), port))
		if err == nil {
			return c, nil
		}
		var be *blockedError
		if errors.As(err, &be) {
			be.host = host
			return nil, be
		}
		if first == nil {
			first = err
		}
	}
	if first == nil {
		first = fmt.Errorf("extract: %s has no address", host)
	}
	return nil, first
}

// CheckURL refuses a URL the extractor must not fetch: another scheme, a
// user name or password, or a host that is not allowed and resolves to an
// address that is not public. The dialer checks again when it connects.
func (e *Client) CheckURL(ctx context.Context, u *url.URL) error {
	if u.Scheme != "http" && u.Scheme != "https" {
		return Errorf(http.StatusBadRequest, nil, "only http and https addresses can be fetched, not %q", u.Scheme+":")
	}
	if u.User != nil {
		return Errorf(http.StatusBadRequest, nil, "addresses with a user name or password are not fetched")
	}
	host := u.Hostname()
	if host == "" {
		return Errorf(http.StatusBadRequest, nil, "the address has no host")
	}
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[u.Scheme]
	}
	if e.allow.allows(net.JoinHostPort(host, port)) {
		return nil
	}
	var ips []netip.Addr
	if ip, err := netip.ParseAddr(host); err == nil {
		ips = []netip.Addr{ip}
	} else {
		ips, err = e.LookupIP(ctx, host)
		if err != nil {
			return Errorf(http.StatusBadGateway, err, "the host %s could not be found", host)
		}
	}
	for _, ip := range ips {
		if why := blockedReason(ip); why != "" {
			return Errorf(http.StatusUnprocessableEntity, nil, "refused: %s", (&blockedError{host: host, ip: ip.WithZone("").Unmap(), why: why}).Error())
		}
	}
	return nil
}

// errTooManyRedirects stops the client after MaxRedirects.
var errTooManyRedirects = errors.New("extract: too many redirects")

func (e *Client) checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) > MaxRedirects {
		return errTooManyRedirects
	}
	return e.CheckURL(req.Context(), req.URL)
}

// fetch GETs u and returns the body (UTF-8 when the Content-Type header
// names another charset) and the final URL.
func (e *Client) Fetch(ctx context.Context, u *url.URL) ([]byte, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, "", Errorf(http.StatusBadRequest, err, "%q is not an address that can be fetched", u.String())
	}
	req.Header.Set("User-Agent", UserAgent)
	req.Header.Set("Accept", "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1")
	res, err := e.client.Do(req)
	if err != nil {
		return nil, "", fetchError(u, err)
	}
	defer res.Body.Close()
	final := res.Request.URL.String()
	if res.StatusCode < 200 || res.StatusCode > 299 {
		return nil, "", Errorf(http.StatusBadGateway, nil, "the page answered %s", res.Status)
	}
	ct := res.Header.Get("Content-Type")
	if ct != "" && !IsHTML(ct, nil) {
		return nil, "", Errorf(http.StatusUnprocessableEntity, nil, "the address is not an HTML page (Content-Type: %s)", ct)
	}
	if res.ContentLength > e.MaxBody {
		return nil, "", Errorf(http.StatusUnprocessableEntity, nil, "the page is %d bytes; the limit is %d (5 MiB)", res.ContentLength, e.MaxBody)
	}
	data, err := io.ReadAll(io.LimitReader(res.Body, e.MaxBody+1))
	if err != nil {
		return nil, "", fetchError(u, err)
	}
	if int64(len(data)) > e.MaxBody {
		return nil, "", Errorf(http.StatusUnprocessableEntity, nil, "the page is larger than %d bytes (5 MiB)", e.MaxBody)
	}
	if ct == "" && !IsHTML(ct, data) {
		return nil, "", Errorf(http.StatusUnprocessableEntity, nil, "the address is not an HTML page (no Content-Type, and the body does not look like HTML)")
	}
	if !utf8.Valid(data) {
		if _, params, err := mime.ParseMediaType(ct); err == nil && params["charset"] != "" {
			if r, err := charset.NewReader(bytes.NewReader(data), ct); err == nil {
				if dec, err := io.ReadAll(r); err == nil {
					data = dec
				}
			}
		}
	}
	return data, final, nil
}

// isHTML reports whether a response is an HTML page: its Content-Type
// says so, or it has none and the body looks like HTML.
func IsHTML(contentType string, body []byte) bool {
	if contentType == "" {
		contentType = http.DetectContentType(body)
	}
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	return mt == "text/html" || mt == "application/xhtml+xml"
}

// fetchError turns a client error into the refusal or failure to report.
func fetchError(u *url.URL, err error) error {
	var ee *Error
	var be *blockedError
	var dnsErr *net.DNSError
	switch {
	case errors.As(err, &ee):
		return ee
	case errors.As(err, &be):
		return Errorf(http.StatusUnprocessableEntity, err, "refused: %s", be.Error())
	case errors.Is(err, errTooManyRedirects):
		return Errorf(http.StatusUnprocessableEntity, err, "refused: the page redirects more than %d times", MaxRedirects)
	case errors.Is(err, context.DeadlineExceeded) || isTimeout(err):
		return Errorf(http.StatusGatewayTimeout, err, "the page did not load within %d seconds", int(DefaultTimeout/time.Second))
	case errors.As(err, &dnsErr):
		return Errorf(http.StatusBadGateway, err, "the host %s could not be found", dnsErr.Name)
	}
	return Errorf(http.StatusBadGateway, err, "the page at %s could not be fetched", u.Host)
}

func isTimeout(err error) bool {
	var t interface{ Timeout() bool }
	return errors.As(err, &t) && t.Timeout()
}
