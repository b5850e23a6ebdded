package media

import (
	"context"
	"crypto/tls"
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

	"github.com/threads-mcp/threads-mcp/schemas"
)

// CrawlerUserAgent is the User-Agent of Meta's crawler, which fetches the
// media of a post (https://developers.facebook.com/docs/sharing/webmasters/web-crawlers).
const CrawlerUserAgent = "facebookexternalhit/1.1"

// Pre-flight bounds.
const (
	probeTimeout   = 20 * time.Second
	probeFirst     = 1 << 20 // bytes asked for by the first request
	probeRequests  = 6       // range requests per URL
	probeRedirects = 5
)

// ProberOptions configure a Prober.
type ProberOptions struct {
	// Timeout bounds one URL's check; zero: 20 s.
	Timeout time.Duration
	// Allow lets the prober connect to addresses it otherwise refuses
	// (loopback, private, link-local): the sandbox's own emulator and
	// tests. It is set by the program, never from a tool argument.
	Allow func(netip.AddrPort) bool
	// TLS, when set, is the TLS configuration of the prober's requests
	// (tests: the certificate of a loopback https server).
	TLS *tls.Config
	// Resolve, when set, maps "host:port" to the address dialled instead
	// (tests: a public name served by a loopback server, as curl
	// --resolve); the address check still applies to what is dialled.
	Resolve map[string]string
}

// Prober fetches media URLs as Meta's crawler does and checks them against
// Meta's specification. Connections to loopback, private, link-local and
// other non-public addresses are refused in the dialer, after DNS
// resolution, so neither a redirect nor DNS rebinding reaches them.
type Prober struct {
	client  *http.Client
	timeout time.Duration
}

// NewProber returns a Prober.
func NewProber(o ProberOptions) *Prober {
	d := &net.Dialer{Timeout: 10 * time.Second, Control: func(_, address string, _ syscall.RawConn) error {
		ap, err := netip.ParseAddrPort(address)
		if err != nil {
			return fmt.Errorf("pre-flight: unexpected address %q", address)
		}
		if o.Allow != nil && o.Allow(ap) {
			return nil
		}
		if !PublicAddr(ap.Addr()) {
			return &privateAddrError{addr: ap.Addr()}
		}
		return nil
	}}
	tr := &http.Transport{
		Proxy: nil, // a proxy would dial for us, past the address check
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			if to, ok := o.Resolve[addr]; ok {
				addr = to
			}
			return d.DialContext(ctx, network, addr)
		},
		TLSClientConfig:       o.TLS,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: 15 * time.Second,
		MaxIdleConnsPerHost:   2,
		IdleConnTimeout:       30 * time.Second,
	}
	to := o.Timeout
	if to <= 0 {
		to = probeTimeout
	}
	return &Prober{timeout: to, client: &http.Client{Transport: tr, CheckRedirect: func(req *http.Request, via []*http.Request) error {
		if len(via) > probeRedirects {
			return errTooManyRedirects
		}
		if req.URL.Scheme != "https" && req.URL.Scheme != "http" {
			return fmt.Errorf("redirect to a %s URL", req.URL.Scheme)
		}
		return nil
	}}}
}

var errTooManyRedirects = errors.New("more than 5 redirects")

type privateAddrError struct{ addr netip.Addr }

func (e *privateAddrError) Error() string {
	return fmt.Sprintf("%s is not a public address", e.addr)
}

// PublicAddr reports whether a is a public unicast address (not loopback,
// private, link-local, CGNAT, unspecified, multicast or documentation).
func PublicAddr(a netip.Addr) bool {
	a = a.Unmap()
	if !a.IsValid() || a.IsLoopback() || a.IsPrivate() || a.IsLinkLocalUnicast() || a.IsLinkLocalMulticast() ||
		a.IsInterfaceLocalMulticast() || a.IsMulticast() || a.IsUnspecified() {
		return false
	}
	for _, p := range nonPublic {
		if p.Contains(a) {
			return false
		}
	}
	return true
}

var nonPublic = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("100.64.0.0/10"), // CGNAT
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("192.0.2.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("198.51.100.0/24"),
	netip.MustParsePrefix("203.0.113.0/24"),
	netip.MustParsePrefix("240.0.0.0/4"),
	netip.MustParsePrefix("64:ff9b::/96"), // NAT64 can reach private IPv4
	netip.MustParsePrefix("2001:db8::/32"),
}

// Check fetches rawURL as Meta would (crawler User-Agent, Range requests,
// bounded time, bytes and redirects) and applies the specification for kind
// (image or video). field names the item in the error, which is a
// *schemas.FieldError naming the rule and the fix. It returns a note for an
// image Threads will scale.
func (p *Prober) Check(ctx context.Context, field, kind, rawURL string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, p.timeout)
	defer cancel()
	rr := &rangeReader{p: p, ctx: ctx, url: rawURL, field: field, kind: kind}
	if err := rr.first(); err != nil {
		return "", err
	}
	if err := tooLarge(field, kind, rr.size); err != nil {
		return "", err
	}
	_, note, err := inspect(field, kind, rr, rr.size)
	var fe *schemas.FieldError
	if rr.err != nil && (err == nil || !errors.As(err, &fe) || strings.HasPrefix(fe.Rule, "unreadable")) {
		// A fetch failure explains an unreadable file better.
		return "", rr.err
	}
	return note, err
}

// rangeReader reads a remote file with Range requests, keeping the first
// chunk; at most probeRequests requests.
type rangeReader struct {
	p           *Prober
	ctx         context.Context
	url         string
	field, kind string
	size        int64 // -1 when the server does not say
	head        []byte
	ranges      bool // the server answered 206
	requests    int
	err         error // a fetch failure, reported instead of a parse error
}

func (r *rangeReader) fail(rule, detail, fix string) error {
	return &schemas.FieldError{Field: r.field, Rule: rule, Detail: detail, Fix: fix}
}

func (r *rangeReader) get(from, to int64) (*http.Response, error) {
	r.requests++
	req, err := http.NewRequestWithContext(r.ctx, http.MethodGet, r.url, nil)
	if err != nil {
		return nil, r.fail("bad URL", err.Error(), "give a public https URL")
	}
	req.Header.Set("User-Agent", CrawlerUserAgent)
	req.Header.Set("Range", fmt.Sprintf("bytes=%d-%d", from, to))
	resp, err := r.p.client.Do(req)
	if err != nil {
		var pe *privateAddrError
		switch {
		case errors.As(err, &pe):
			return nil, r.fail("not a public address", fmt.Sprintf("the URL leads to %s, which Threads' servers cannot reach", pe.addr),
				"give a URL on a public host, or a local file in path")
		case errors.Is(err, errTooManyRedirects):
			return nil, r.fail("too many redirects", "the URL redirects more than 5 times", "give the final URL of the file")
		case errors.Is(err, context.DeadlineExceeded):
			return nil, r.fail("unreachable", fmt.Sprintf("no answer within %s", r.p.timeout), "check that the URL is public and its host responds, or pass preflight: false")
		}
		return nil, r.fail("unreachable", fmt.Sprintf("fetching it failed (%v)", unwrapURLError(err)), "check that the URL is public, or pass preflight: false")
	}
	return resp, nil
}

func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// first makes the first request: status, content type, size and the first
// chunk.
func (r *rangeReader) first() error {
	resp, err := r.get(0, probeFirst-1)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusOK, http.StatusPartialContent:
	case http.StatusForbidden, http.StatusUnauthorized:
		return r.fail("refused to Meta's crawler", fmt.Sprintf("the server answers %s to User-Agent %s", resp.Status, CrawlerUserAgent),
			"allow facebookexternalhit in the host's robots rules and firewall, or give a local file in path")
	case http.StatusNotFound, http.StatusGone:
		return r.fail("not found", fmt.Sprintf("the server answers %s", resp.Status), "check the URL")
	default:
		return r.fail("bad status", fmt.Sprintf("the server answers %s; Threads needs 200", resp.Status), "give a URL that serves the file directly")
	}
	ct, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	want := ContentTypes(r.kind)
	if !contains(want, ct) {
		return r.fail("wrong content type", fmt.Sprintf("the server sends Content-Type %q; Threads takes %s", resp.Header.Get("Content-Type"), strings.Join(want, " or ")),
			"serve the file with its real type (for example "+want[0]+"), or give it in path")
	}
	r.size = -1
	if resp.StatusCode == http.StatusPartialContent {
		r.ranges = true
		if cr := resp.Header.Get("Content-Range"); cr != "" {
			if i := strings.LastIndexByte(cr, '/'); i >= 0 {
				if n, err := strconv.ParseInt(cr[i+1:], 10, 64); err == nil {
					r.size = n
				}
			}
		}
	} else if resp.ContentLength >= 0 {
		r.size = resp.ContentLength
	}
	r.head, err = io.ReadAll(io.LimitReader(resp.Body, probeFirst))
	if err != nil {
		return r.fail("unreachable", fmt.Sprintf("reading it failed (%v)", err), "check that the URL is public, or pass preflight: false")
	}
	if r.size < 0 && int64(len(r.head)) < probeFirst {
		r.size = int64(len(r.head))
	}
	return nil
}

// ReadAt serves reads from the first chunk, or with a Range request.
func (r *rangeReader) ReadAt(b []byte, off int64) (int, error) {
	if off < int64(len(r.head)) && off+int64(len(b)) <= int64(len(r.head)) {
		return copy(b, r.head[off:]), nil
	}
	if r.size >= 0 && off >= r.size {
		return 0, io.EOF
	}
	if !r.ranges || r.requests >= probeRequests || r.err != nil {
		if off < int64(len(r.head)) {
			return copy(b, r.head[off:]), io.ErrUnexpectedEOF
		}
		if r.err == nil && !r.ranges {
			r.err = r.fail("no range requests", "the server ignores Range requests, so the video's boxes past the first megabyte cannot be checked",
				"host it where Range requests work, or pass preflight: false")
		}
		return 0, io.ErrUnexpectedEOF
	}
	resp, err := r.get(off, off+int64(len(b))-1)
	if err != nil {
		r.err = err
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusPartialContent {
		r.err = r.fail("no range requests", fmt.Sprintf("a Range request got %s", resp.Status), "host it where Range requests work, or pass preflight: false")
		return 0, r.err
	}
	n, err := io.ReadFull(resp.Body, b)
	if errors.Is(err, io.ErrUnexpectedEOF) {
		err = io.EOF
	}
	return n, err
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
