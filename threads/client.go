package threads

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/oauth2"
)

// DefaultBaseURL is the Graph API base the client talks to by default.
const DefaultBaseURL = "https://graph.threads.net/v1.0"

// DefaultUserAgent is sent when no WithUserAgent option is given.
const DefaultUserAgent = "threads-mcp-go"

// maxBodyBytes bounds how much of a response body is read.
const maxBodyBytes = 10 << 20

// Clock is the client's source of time; tests inject a fake.
type Clock interface {
	Now() time.Time
	// Sleep waits for d or until ctx is done, returning ctx.Err() in the latter case.
	Sleep(ctx context.Context, d time.Duration) error
}

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

func (realClock) Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// PollPolicy controls how the client waits for a container to finish
// processing. Checks come at ages (time since waiting began) that grow
// geometrically: each check comes Multiplier times as late as the one
// before, but never less than Initial and never more than Max after it, so
// the wait overshoots the processing time by at most a fraction
// Multiplier−1 (plus one round trip). Videos, and carousel items once only
// videos are pending, use VideoMultiplier and VideoMax instead. Waiting stops
// after Deadline (VideoDeadline for videos and carousels holding a video).
//
// Meta's troubleshooting page recommends checking a container's status
// about once a minute for at most five minutes
// (https://developers.facebook.com/docs/threads/troubleshooting#publishing-does-not-return-a-media-id);
// images usually finish within seconds, so the defaults check text and
// images early and back off toward one check a minute for video.
type PollPolicy struct {
	// Initial is the wait before the first check of a media container and
	// the least interval between checks.
	Initial time.Duration
	// Max is the greatest interval between checks of images (and of text
	// and carousel containers when Meta says they are not ready).
	Max time.Duration
	// Multiplier is how much later than the previous one each image check
	// comes, measured from the start of waiting (>= 1).
	Multiplier float64
	// Deadline bounds the wait for anything but video.
	Deadline time.Duration
	// VideoMax is the greatest interval between checks of videos.
	VideoMax time.Duration
	// VideoMultiplier is Multiplier for videos.
	VideoMultiplier float64
	// VideoDeadline bounds the wait for a video or a carousel holding one.
	VideoDeadline time.Duration
}

// DefaultPollPolicy returns the policy used unless WithPollPolicy is given:
// first check after 250 ms; images at ages ×1.125 (12.5 % overshoot) at most
// 2 s apart, 2 min deadline; videos at ages ×1.25 at most 1 min apart, 5 min
// deadline. A video that takes the whole 5 minutes costs about 30 status
// calls, a 2 s image 8 (TestPollingBudget states the budgets).
func DefaultPollPolicy() PollPolicy {
	return PollPolicy{
		Initial:         250 * time.Millisecond,
		Max:             2 * time.Second,
		Multiplier:      1.125,
		Deadline:        2 * time.Minute,
		VideoMax:        time.Minute,
		VideoMultiplier: 1.25,
		VideoDeadline:   5 * time.Minute,
	}
}

// RetryPolicy bounds retries: MaxAttempts tries in all per request, with
// exponential backoff from Base capped at Max and full jitter.
// NotReadyAttempts is how many times threads_publish is retried on
// 24/4279009 (media not ready) before the container is recreated once.
type RetryPolicy struct {
	MaxAttempts      int
	Base             time.Duration
	Max              time.Duration
	NotReadyAttempts int
}

// DefaultRetryPolicy returns the policy used unless WithRetryPolicy is
// given: 4 attempts, backoff 500 ms doubling up to 8 s, 5 not-ready retries
// (about 15 s) before the container is recreated.
func DefaultRetryPolicy() RetryPolicy {
	return RetryPolicy{
		MaxAttempts:      4,
		Base:             500 * time.Millisecond,
		Max:              8 * time.Second,
		NotReadyAttempts: 5,
	}
}

// Client talks to the Threads Graph API. Create it with NewClient; it is safe
// for concurrent use.
type Client struct {
	baseURL     *url.URL
	httpClient  *http.Client
	tokenSource oauth2.TokenSource
	userAgent   string
	logger      *slog.Logger
	clock       Clock
	poll        PollPolicy
	retry       RetryPolicy
	userID      string
	concurrency int
	baseErr     error
}

// Option configures a Client.
type Option func(*Client)

// NewClient returns a client for the Threads Graph API.
// Without options it talks to DefaultBaseURL as "me" with no token.
func NewClient(opts ...Option) *Client {
	c := &Client{
		httpClient:  &http.Client{Timeout: 60 * time.Second},
		userAgent:   DefaultUserAgent,
		logger:      slog.New(slog.DiscardHandler),
		clock:       realClock{},
		poll:        DefaultPollPolicy(),
		retry:       DefaultRetryPolicy(),
		userID:      "me",
		concurrency: defaultConcurrency,
	}
	c.baseURL, _ = url.Parse(DefaultBaseURL)
	for _, o := range opts {
		o(c)
	}
	return c
}

// WithBaseURL sets the Graph API base URL (default DefaultBaseURL).
// Token endpoints are not under it.
func WithBaseURL(u string) Option {
	return func(c *Client) {
		p, err := url.Parse(strings.TrimRight(u, "/"))
		if err != nil || p.Scheme == "" || p.Host == "" {
			c.baseErr = fmt.Errorf("threads: invalid base URL %q", RedactURL(u))
			return
		}
		c.baseURL = p
		c.baseErr = nil
	}
}

// WithHTTPClient sets the HTTP client used for every request.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *Client) {
		if hc != nil {
			c.httpClient = hc
		}
	}
}

// WithTokenSource sets where the access token comes from; it is asked for a
// token before every request, so a refreshing source plugs in here.
func WithTokenSource(ts oauth2.TokenSource) Option {
	return func(c *Client) { c.tokenSource = ts }
}

// WithToken uses a fixed access token.
func WithToken(token string) Option {
	return WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: token}))
}

// WithUserAgent sets the User-Agent header.
func WithUserAgent(ua string) Option {
	return func(c *Client) { c.userAgent = ua }
}

// WithLogger sets the logger for one debug line per request (default: discard).
// Tokens are never logged.
func WithLogger(l *slog.Logger) Option {
	return func(c *Client) {
		if l != nil {
			c.logger = l
		}
	}
}

// WithClock sets the clock used for polling, backoff and timestamps.
func WithClock(clk Clock) Option {
	return func(c *Client) {
		if clk != nil {
			c.clock = clk
		}
	}
}

// WithPollPolicy sets how containers are polled; zero fields keep their defaults.
func WithPollPolicy(p PollPolicy) Option {
	return func(c *Client) {
		d := DefaultPollPolicy()
		if p.Initial > 0 {
			d.Initial = p.Initial
		}
		if p.Max > 0 {
			d.Max = p.Max
		}
		if p.Multiplier >= 1 {
			d.Multiplier = p.Multiplier
		}
		if p.Deadline > 0 {
			d.Deadline = p.Deadline
		}
		if p.VideoMax > 0 {
			d.VideoMax = p.VideoMax
		}
		if p.VideoMultiplier >= 1 {
			d.VideoMultiplier = p.VideoMultiplier
		}
		if p.VideoDeadline > 0 {
			d.VideoDeadline = p.VideoDeadline
		}
		c.poll = d
	}
}

// WithRetryPolicy sets the retry policy; zero fields keep their defaults
// (MaxAttempts 1 disables retries).
func WithRetryPolicy(p RetryPolicy) Option {
	return func(c *Client) {
		d := DefaultRetryPolicy()
		if p.MaxAttempts > 0 {
			d.MaxAttempts = p.MaxAttempts
		}
		if p.Base > 0 {
			d.Base = p.Base
		}
		if p.Max > 0 {
			d.Max = p.Max
		}
		if p.NotReadyAttempts > 0 {
			d.NotReadyAttempts = p.NotReadyAttempts
		}
		c.retry = d
	}
}

// WithUserID sets the Threads user id used in paths (default "me").
func WithUserID(id string) Option {
	return func(c *Client) {
		if id != "" {
			c.userID = id
		}
	}
}

// WithCarouselConcurrency bounds how many carousel item requests (creates,
// status checks) are in flight at once (default MaxCarouselItems, so that
// every item starts processing at the same time: Meta documents no
// concurrency limit, and its call-volume limit counts calls per 24 hours,
// not calls in flight).
func WithCarouselConcurrency(n int) Option {
	return func(c *Client) {
		if n > 0 {
			c.concurrency = n
		}
	}
}

// Response wraps the HTTP response of an API call with the headers the
// client understands.
type Response struct {
	*http.Response
	// RequestID is the X-Fb-Request-Id header.
	RequestID string
	// AppUsage is the raw X-App-Usage header, if Meta sent one.
	AppUsage string
	// RetryAfter is the parsed Retry-After header, if any.
	RetryAfter time.Duration
}

func (c *Client) newResponse(r *http.Response) *Response {
	resp := &Response{
		Response:  r,
		RequestID: r.Header.Get("X-Fb-Request-Id"),
		AppUsage:  r.Header.Get("X-App-Usage"),
	}
	if ra := r.Header.Get("Retry-After"); ra != "" {
		if secs, err := strconv.Atoi(strings.TrimSpace(ra)); err == nil && secs >= 0 {
			resp.RetryAfter = time.Duration(secs) * time.Second
		} else if t, err := http.ParseTime(ra); err == nil {
			if d := t.Sub(c.clock.Now()); d > 0 {
				resp.RetryAfter = d
			}
		}
	}
	return resp
}

// retryMode says which failures of a request may be retried.
type retryMode int

const (
	// retryRead: GETs — transient errors, rate limits, network errors, 5xx.
	retryRead retryMode = iota
	// retryCreate: non-idempotent POST/DELETE — only failures proving nothing happened.
	retryCreate
	// retryNever: threads_publish (it may have published even when it
	// fails); the flows settle its outcome from the container status.
	retryNever
)

// request is one API call, rebuilt for every attempt.
type request struct {
	method  string
	path    string // relative to the base URL, starting with "/"
	params  url.Values
	retry   retryMode
	isReply bool
}

// endpoint joins escaped path segments: endpoint("me", "threads") = "/me/threads".
func endpoint(segments ...string) string {
	var b strings.Builder
	for _, s := range segments {
		b.WriteByte('/')
		b.WriteString(url.PathEscape(s))
	}
	return b.String()
}

// do performs rq with retries and decodes a successful JSON body into v.
func (c *Client) do(ctx context.Context, rq request, v any) (*Response, error) {
	if c.baseErr != nil {
		return nil, c.baseErr
	}
	maxAttempts := max(c.retry.MaxAttempts, 1)
	if rq.retry == retryNever {
		maxAttempts = 1
	}
	for attempt := 1; ; attempt++ {
		resp, err := c.doOnce(ctx, rq, v, attempt)
		if err == nil || attempt >= maxAttempts || !retryable(rq.retry, err) {
			return resp, err
		}
		delay := c.backoff(attempt)
		var ae *APIError
		if errors.As(err, &ae) && ae.retryAfter > 0 {
			if ae.retryAfter > c.retry.Max {
				return resp, err // too long to wait here; the caller decides
			}
			delay = max(delay, ae.retryAfter)
		}
		if serr := c.clock.Sleep(ctx, delay); serr != nil {
			return resp, fmt.Errorf("threads: %s %s: giving up retry after %v: %w", rq.method, rq.path, err, serr)
		}
	}
}

// backoff is the full-jitter exponential delay before retry number attempt.
func (c *Client) backoff(attempt int) time.Duration {
	ceil := c.expDelay(attempt)
	if ceil <= 0 {
		return 0
	}
	return time.Duration(rand.Int64N(int64(ceil) + 1))
}

// expDelay is Base·2^(attempt-1) capped at Max, without jitter.
func (c *Client) expDelay(attempt int) time.Duration {
	d := c.retry.Base
	for i := 1; i < attempt && d < c.retry.Max; i++ {
		d *= 2
	}
	return min(d, c.retry.Max)
}

// retryable decides whether err may be retried under mode.
func retryable(mode retryMode, err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var ae *APIError
	if !errors.As(err, &ae) {
		return false
	}
	if ae.kind != nil && *ae.kind == KindTokenInvalid {
		return false // the token source failed: no request was made, retrying cannot help
	}
	switch mode {
	case retryRead:
		if ae.Err != nil {
			return true // network error on a GET
		}
		switch ae.Kind() {
		case KindTransient, KindRateLimited:
			return true
		case KindUnknown:
			return ae.HTTPStatus >= 500
		}
		return false
	case retryCreate:
		if ae.Err != nil {
			return connRefused(ae.Err)
		}
		switch ae.Code {
		case codeUnknown, codeService, codeTooManyCalls, codeUserRequestLimit, codeRateLimit613:
			return true
		}
		return false
	}
	return false
}

// connRefused reports whether err proves the request never reached the server.
func connRefused(err error) bool {
	if errors.Is(err, syscall.ECONNREFUSED) {
		return true
	}
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// doOnce performs one attempt.
func (c *Client) doOnce(ctx context.Context, rq request, v any, attempt int) (*Response, error) {
	u := *c.baseURL
	raw := strings.TrimRight(c.baseURL.EscapedPath(), "/") + rq.path
	if p, err := url.PathUnescape(raw); err == nil {
		u.Path, u.RawPath = p, raw
	}
	var body io.Reader
	if rq.method == http.MethodGet || rq.method == http.MethodDelete {
		u.RawQuery = rq.params.Encode()
	} else {
		body = strings.NewReader(rq.params.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, rq.method, u.String(), body)
	if err != nil {
		return nil, fmt.Errorf("threads: building %s %s: %w", rq.method, rq.path, err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	token := ""
	if c.tokenSource != nil {
		tok, err := c.tokenSource.Token()
		if err != nil {
			k := KindTokenInvalid
			return nil, &APIError{Method: rq.method, Path: rq.path, Message: "cannot obtain an access token",
				Err: fmt.Errorf("token source: %w", err), kind: &k}
		}
		token = tok.AccessToken
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
	}

	start := c.clock.Now()
	hr, err := c.httpClient.Do(req)
	dur := c.clock.Now().Sub(start)
	if err != nil {
		c.logger.DebugContext(ctx, "threads request", "method", rq.method, "path", rq.path,
			"status", 0, "duration_ms", dur.Milliseconds(), "attempt", attempt, "error", redact(err.Error(), token))
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, fmt.Errorf("threads: %s %s: %w", rq.method, rq.path, ctxErr)
		}
		if perm, ok := permanent(err); ok {
			// The transport refused for good (an expired or rejected token):
			// no network failure, nothing to retry; its own error says what to do.
			return nil, fmt.Errorf("threads: %s %s: %w", rq.method, rq.path, perm)
		}
		return nil, &APIError{Method: rq.method, Path: rq.path, Err: sanitizeError(err, token), isReply: rq.isReply}
	}
	defer hr.Body.Close()
	c.logger.DebugContext(ctx, "threads request", "method", rq.method, "path", rq.path,
		"status", hr.StatusCode, "duration_ms", dur.Milliseconds(), "attempt", attempt)
	resp := c.newResponse(hr)
	data, err := io.ReadAll(io.LimitReader(hr.Body, maxBodyBytes))
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return resp, fmt.Errorf("threads: %s %s: %w", rq.method, rq.path, ctxErr)
		}
		return resp, &APIError{Method: rq.method, Path: rq.path, Err: sanitizeError(err, token), isReply: rq.isReply}
	}
	if hr.StatusCode < 200 || hr.StatusCode > 299 {
		ae := &APIError{HTTPStatus: hr.StatusCode, Method: rq.method, Path: rq.path,
			retryAfter: resp.RetryAfter, isReply: rq.isReply, fields: rq.params.Get("fields")}
		parseErrorBody(ae, data)
		ae.Message = redact(ae.Message, token)
		ae.UserMessage = redact(ae.UserMessage, token)
		ae.UserTitle = redact(ae.UserTitle, token)
		return resp, ae
	}
	if v != nil {
		if err := json.Unmarshal(data, v); err != nil {
			return resp, fmt.Errorf("threads: %s %s: decoding response: %w", rq.method, rq.path, err)
		}
	}
	return resp, nil
}

// permanentError is an error of an http.RoundTripper (such as auth.Transport)
// saying that retrying the request cannot help.
type permanentError interface {
	error
	Permanent() bool
}

// permanent returns the permanent transport error in err's chain, if any.
func permanent(err error) (permanentError, bool) {
	var p permanentError
	if errors.As(err, &p) && p.Permanent() {
		return p, true
	}
	return nil, false
}

// redact replaces every occurrence of token in s.
func redact(s, token string) string {
	if token == "" || s == "" {
		return s
	}
	return strings.ReplaceAll(s, token, "[REDACTED]")
}

// sanitizeError re-wraps a *url.Error so that its string has no credentials.
func sanitizeError(err error, token string) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return &url.Error{Op: ue.Op, URL: redact(RedactURL(ue.URL), token), Err: ue.Err}
	}
	return err
}

// formatTime renders t as Unix seconds for since/until.
func formatTime(t time.Time) string { return strconv.FormatInt(t.Unix(), 10) }
