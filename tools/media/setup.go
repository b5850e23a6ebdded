package media

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
)

// Setup is the media configuration of a server (--media-store,
// --media-root, --public-url), resolved by Open.
type Setup struct {
	// Store is "" (none; the emulator's media host in sandbox mode),
	// "self", or "s3://bucket/prefix".
	Store string
	// Roots are the --media-root directories.
	Roots []string
	// Preflight is --media-preflight: "all" or "" (every media URL),
	// "staged" (staged files only) or "off". The sandbox checks staged
	// files only, whatever it says, unless it is "off".
	Preflight string
	// PublicURL is where Meta's crawler reaches this server (https), for
	// the self store.
	PublicURL string
	// StateDir keeps the self store's files and signing key.
	StateDir string
	// Sandbox is the root URL of the sandbox's emulator ("" when live).
	Sandbox string
	// Getenv reads the S3 environment (AWS_*).
	Getenv func(string) string
	// Logger receives sweep and cleanup failures.
	Logger *slog.Logger
}

// Open returns the server's Media and, for the self store, the handler of
// its public routes (mount at "/media/"; nil otherwise).
func Open(s Setup) (*Media, http.Handler, error) {
	o := Options{Roots: s.Roots, Logger: s.Logger}
	var handler http.Handler
	switch spec := strings.TrimSpace(s.Store); {
	case spec == "" && s.Sandbox != "":
		o.Store = NewEmulatorStore(s.Sandbox, nil)
	case spec == "":
		o.StoreHint = "start the server with --media-store s3://bucket/prefix (S3, R2, MinIO…) or --media-store self with " +
			"--public-url https://… (THREADS_MCP_MEDIA_STORE, THREADS_MCP_PUBLIC_URL), or give a public https url"
	case spec == "self":
		st, err := NewSelfStore(s.StateDir, s.PublicURL)
		if err != nil {
			return nil, nil, err
		}
		o.Store, handler = st, st.Handler()
	case strings.HasPrefix(spec, "s3://"):
		getenv := s.Getenv
		if getenv == nil {
			getenv = func(string) string { return "" }
		}
		st, err := NewS3Store(spec, getenv, nil)
		if err != nil {
			return nil, nil, err
		}
		o.Store = st
	default:
		return nil, nil, fmt.Errorf("--media-store %q: want s3://bucket/prefix, self, or nothing", spec)
	}
	switch strings.ToLower(strings.TrimSpace(s.Preflight)) {
	case "", "all":
	case "staged":
		o.Preflight = PreflightStaged
	case "off", "none":
		o.Preflight = PreflightNone
	default:
		return nil, nil, fmt.Errorf("--media-preflight %q: want all, staged or off", s.Preflight)
	}
	if s.Sandbox != "" {
		// The sandbox's made-up public URLs are never fetched (by the
		// pre-flight or the emulator); its staged files are, on the
		// emulator's loopback listener.
		if o.Preflight == PreflightAll {
			o.Preflight = PreflightStaged
		}
		allow, err := hostAddr(s.Sandbox)
		if err != nil {
			return nil, nil, err
		}
		o.Prober = NewProber(ProberOptions{Allow: func(ap netip.AddrPort) bool { return ap == allow }})
	}
	return New(o), handler, nil
}

// hostAddr is the address of a loopback URL such as http://127.0.0.1:PORT.
func hostAddr(raw string) (netip.AddrPort, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return netip.AddrPort{}, fmt.Errorf("sandbox URL %q: %w", raw, err)
	}
	ap, err := netip.ParseAddrPort(u.Host)
	if err != nil {
		return netip.AddrPort{}, fmt.Errorf("sandbox URL %q: %w", raw, err)
	}
	return ap, nil
}
