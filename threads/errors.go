package threads

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// ErrorKind classifies an API failure by what a caller should do about it.
type ErrorKind int

// Error kinds returned by (*APIError).Kind.
const (
	// KindUnknown is any failure not covered by another kind.
	KindUnknown ErrorKind = iota
	// KindTransient is a temporary failure (codes 1 and 2, is_transient, network errors, 5xx).
	KindTransient
	// KindTokenInvalid means the access token is expired or invalid (code 190).
	KindTokenInvalid
	// KindPermission means the token lacks a permission (code 10, 200–299, 100/10).
	KindPermission
	// KindRateLimited means a call-volume or quota limit was hit (codes 4, 9, 17, 32, 613, HTTP 429).
	KindRateLimited
	// KindInvalidParameter means a request parameter was refused (code 100 without a better match).
	KindInvalidParameter
	// KindNotFound means the object does not exist or cannot be read (100/33, "does not exist").
	KindNotFound
	// KindMediaNotReady means a container was not ready to publish (24/4279009).
	KindMediaNotReady
	// KindInvalidCarousel means the carousel children were invalid, unfinished or expired (100/4279004).
	KindInvalidCarousel
	// KindLinkLimit means the post holds more than 5 unique links (THREADS_API__LINK_LIMIT_EXCEEDED).
	KindLinkLimit
)

// String returns the kind's name, e.g. "rate_limited".
func (k ErrorKind) String() string {
	switch k {
	case KindTransient:
		return "transient"
	case KindTokenInvalid:
		return "token_invalid"
	case KindPermission:
		return "permission"
	case KindRateLimited:
		return "rate_limited"
	case KindInvalidParameter:
		return "invalid_parameter"
	case KindNotFound:
		return "not_found"
	case KindMediaNotReady:
		return "media_not_ready"
	case KindInvalidCarousel:
		return "invalid_carousel"
	case KindLinkLimit:
		return "link_limit"
	default:
		return "unknown"
	}
}

// Sentinel errors matched by (*APIError).Is, so that
// errors.Is(err, threads.ErrRateLimited) works on any returned error.
var (
	// ErrTokenInvalid matches KindTokenInvalid.
	ErrTokenInvalid = errors.New("threads: access token invalid or expired")
	// ErrPermission matches KindPermission.
	ErrPermission = errors.New("threads: permission denied")
	// ErrRateLimited matches KindRateLimited.
	ErrRateLimited = errors.New("threads: rate limited")
	// ErrNotFound matches KindNotFound.
	ErrNotFound = errors.New("threads: not found")
	// ErrInvalidParameter matches KindInvalidParameter, KindInvalidCarousel and KindLinkLimit.
	ErrInvalidParameter = errors.New("threads: invalid parameter")
	// ErrTransient matches KindTransient.
	ErrTransient = errors.New("threads: transient error")
	// ErrWaitTimeout is wrapped by a *ContainerError when a container did not
	// finish processing within the wait deadline.
	ErrWaitTimeout = errors.New("threads: container still processing at the deadline")
)

// Error codes and subcodes of the Graph API that the client acts on.
const (
	codeUnknown          = 1
	codeService          = 2
	codeTooManyCalls     = 4
	codeQuota            = 9
	codePermission       = 10
	codeUserRequestLimit = 17
	codePageRequestLimit = 32
	codeInvalidParameter = 100
	codeTokenInvalid     = 190
	codeRateLimit613     = 613

	subcodeNotFound       = 33
	subcodeInvalidCarouse = 4279004
	subcodeMediaNotReady  = 4279009
	subcodePermission     = 10

	linkLimitCode = "THREADS_API__LINK_LIMIT_EXCEEDED"
)

// APIError is a failure reported by the Threads API, or a network failure
// while calling it (then HTTPStatus is 0 and Err is set).
// It never contains the access token: Path has no query string.
type APIError struct {
	HTTPStatus  int
	Code        int
	Subcode     int
	Type        string
	Message     string
	UserTitle   string
	UserMessage string
	FBTraceID   string
	IsTransient bool
	// ErrorCode is a symbolic code Meta sent instead of (or besides) a number,
	// e.g. THREADS_API__LINK_LIMIT_EXCEEDED.
	ErrorCode string
	// Method and Path identify the request, e.g. "POST" and "/me/threads_publish".
	Method string
	Path   string
	// Err is the underlying cause for network failures.
	Err error

	retryAfter time.Duration // from the Retry-After header, if any
	isReply    bool          // the request created a reply
	fields     string        // the request's fields parameter, if any
	kind       *ErrorKind    // forced kind (token source failures)
}

// Error describes the failure, e.g.
// "threads: POST /me/threads_publish: HTTP 400: code 24/4279009 (OAuthException): The requested resource does not exist".
func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString("threads: ")
	if e.Method != "" {
		fmt.Fprintf(&b, "%s %s: ", e.Method, e.Path)
	}
	if e.HTTPStatus != 0 {
		fmt.Fprintf(&b, "HTTP %d: ", e.HTTPStatus)
	}
	if e.Code != 0 || e.ErrorCode != "" {
		b.WriteString("code ")
		if e.Code != 0 {
			b.WriteString(strconv.Itoa(e.Code))
			if e.Subcode != 0 {
				fmt.Fprintf(&b, "/%d", e.Subcode)
			}
		}
		if e.ErrorCode != "" {
			if e.Code != 0 {
				b.WriteByte(' ')
			}
			b.WriteString(e.ErrorCode)
		}
		if e.Type != "" {
			fmt.Fprintf(&b, " (%s)", e.Type)
		}
		b.WriteString(": ")
	}
	switch {
	case e.Message != "":
		b.WriteString(e.Message)
		if e.Err != nil {
			fmt.Fprintf(&b, ": %v", e.Err)
		}
	case e.Err != nil:
		b.WriteString(e.Err.Error())
	default:
		b.WriteString(http.StatusText(e.HTTPStatus))
	}
	if e.UserMessage != "" && e.UserMessage != e.Message {
		fmt.Fprintf(&b, " (%s)", e.UserMessage)
	}
	if e.FBTraceID != "" {
		fmt.Fprintf(&b, " [fbtrace_id %s]", e.FBTraceID)
	}
	return b.String()
}

// Unwrap returns the underlying network error, if any.
func (e *APIError) Unwrap() error { return e.Err }

// Is reports whether target is the sentinel error of e's kind.
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrTokenInvalid:
		return e.Kind() == KindTokenInvalid
	case ErrPermission:
		return e.Kind() == KindPermission
	case ErrRateLimited:
		return e.Kind() == KindRateLimited
	case ErrNotFound:
		return e.Kind() == KindNotFound
	case ErrInvalidParameter:
		k := e.Kind()
		return k == KindInvalidParameter || k == KindInvalidCarousel || k == KindLinkLimit
	case ErrTransient:
		return e.Kind() == KindTransient
	}
	return false
}

// Kind classifies the error by what to do about it.
func (e *APIError) Kind() ErrorKind {
	if e.kind != nil {
		return *e.kind
	}
	msg := strings.ToLower(e.Message)
	switch {
	case e.HTTPStatus == 0 && e.Err != nil:
		return KindTransient
	case e.Code == codeTokenInvalid || e.Code == 102 ||
		(e.HTTPStatus == http.StatusUnauthorized && e.Code == 0):
		return KindTokenInvalid
	case e.Subcode == subcodeMediaNotReady:
		return KindMediaNotReady
	case e.Subcode == subcodeInvalidCarouse:
		return KindInvalidCarousel
	case e.isLinkLimit():
		return KindLinkLimit
	case e.Code == codeTooManyCalls || e.Code == codeQuota || e.Code == codeUserRequestLimit ||
		e.Code == codePageRequestLimit || e.Code == codeRateLimit613 ||
		(e.HTTPStatus == http.StatusTooManyRequests && e.Code == 0):
		return KindRateLimited
	case e.Code == codeUnknown || e.Code == codeService || e.IsTransient:
		return KindTransient
	case e.Code == codePermission || (e.Code >= 200 && e.Code <= 299) || e.Code == 3 ||
		(e.Code == codeInvalidParameter && e.Subcode == subcodePermission) ||
		(e.HTTPStatus == http.StatusForbidden && e.Code == 0):
		return KindPermission
	case e.Subcode == subcodeNotFound || strings.Contains(msg, "does not exist") ||
		(e.HTTPStatus == http.StatusNotFound && e.Code == 0):
		return KindNotFound
	case e.Code == codeInvalidParameter:
		return KindInvalidParameter
	case e.Code == 0 && e.HTTPStatus >= 500:
		return KindTransient
	}
	return KindUnknown
}

func (e *APIError) isLinkLimit() bool {
	for _, s := range []string{e.ErrorCode, e.Type, e.Message, e.UserTitle, e.UserMessage} {
		if strings.Contains(strings.ToUpper(s), "LINK_LIMIT_EXCEEDED") {
			return true
		}
	}
	return false
}

// Retryable reports whether the same request may succeed later
// (transient errors, rate limits, media not ready yet).
func (e *APIError) Retryable() bool {
	switch e.Kind() {
	case KindTransient, KindRateLimited, KindMediaNotReady:
		return true
	}
	return false
}

// Default waits suggested by RetryAfter when Meta sends no Retry-After header.
const (
	defaultRateLimitWait = 60 * time.Second
	defaultTransientWait = 2 * time.Second
	defaultNotReadyWait  = 3 * time.Second
)

// RetryAfter is how long to wait before retrying: the Retry-After header if
// Meta sent one, else a default backoff for the kind (0 if not retryable).
func (e *APIError) RetryAfter() time.Duration {
	if e.retryAfter > 0 {
		return e.retryAfter
	}
	switch e.Kind() {
	case KindRateLimited:
		return defaultRateLimitWait
	case KindTransient:
		return defaultTransientWait
	case KindMediaNotReady:
		return defaultNotReadyWait
	}
	return 0
}

var scopeRE = regexp.MustCompile(`\bthreads_[a-z_]+`)

// MissingScope is a best guess of the permission (OAuth scope) a
// KindPermission error lacks: the scope named in Meta's message if any, else
// one derived from the endpoint. It is "" for other kinds. For a reply to
// another user's post it returns "threads_keyword_search or threads_manage_mentions"
// (either suffices).
func (e *APIError) MissingScope() string {
	if e.Kind() != KindPermission {
		return ""
	}
	for _, s := range []string{e.Message, e.UserMessage} {
		if m := scopeRE.FindString(s); m != "" && m != "threads_media" {
			return m
		}
	}
	p := e.Path
	switch {
	case e.isReply:
		return "threads_keyword_search or threads_manage_mentions"
	case strings.HasSuffix(p, "/threads_publish"), e.Method == http.MethodPost && strings.HasSuffix(p, "/threads"),
		strings.HasSuffix(p, "/repost"):
		return "threads_content_publish"
	case strings.HasSuffix(p, "/manage_reply"), strings.HasSuffix(p, "/manage_pending_reply"):
		return "threads_manage_replies"
	case strings.HasSuffix(p, "/replies"), strings.HasSuffix(p, "/conversation"), strings.HasSuffix(p, "/pending_replies"):
		return "threads_read_replies"
	case strings.HasSuffix(p, "/insights"), strings.HasSuffix(p, "/threads_insights"):
		return "threads_manage_insights"
	case e.Method == http.MethodDelete:
		return "threads_delete"
	case strings.HasSuffix(p, "/threads_publishing_limit"):
		return quotaFieldsScope(e.fields)
	case strings.HasSuffix(p, "/mentions"):
		return "threads_manage_mentions"
	case strings.HasSuffix(p, "/keyword_search"):
		return "threads_keyword_search"
	}
	return "threads_basic"
}

// quotaFieldsScope is the scope a threads_publishing_limit request needs
// beyond threads_content_publish (which the endpoint itself needs), by the
// quota fields it asked for: reply_* need threads_manage_replies, delete_*
// threads_delete, location_search_* threads_location_tagging
// (https://developers.facebook.com/docs/threads/reference/publishing-limit).
// Several groups give alternatives joined with " or ".
func quotaFieldsScope(fields string) string {
	var scopes []string
	for _, f := range strings.Split(fields, ",") {
		s := ""
		switch f = strings.TrimSpace(f); {
		case strings.HasPrefix(f, "reply_"):
			s = "threads_manage_replies"
		case strings.HasPrefix(f, "delete_"):
			s = "threads_delete"
		case strings.HasPrefix(f, "location_search_"):
			s = "threads_location_tagging"
		}
		if s != "" && !slices.Contains(scopes, s) {
			scopes = append(scopes, s)
		}
	}
	if len(scopes) == 0 {
		return "threads_content_publish"
	}
	return strings.Join(scopes, " or ")
}

var paramRE = regexp.MustCompile(`(?i)\bparam(?:eter)?\s+\(?#?([A-Za-z_][A-Za-z0-9_.\[\]]*)`)

// Param is the parameter named by Meta's message ("Param text must be ..." →
// "text"), or "".
func (e *APIError) Param() string {
	for _, s := range []string{e.Message, e.UserMessage} {
		if m := paramRE.FindStringSubmatch(s); m != nil {
			return m[1]
		}
	}
	return ""
}

// ContainerError reports a media container that failed processing (status
// ERROR or EXPIRED) or did not finish before the wait deadline.
type ContainerError struct {
	ContainerID string
	// Index is the 0-based carousel item index, or -1 if not a carousel item.
	Index int
	// Total is the number of carousel items (0 if not a carousel item).
	Total int
	// URL is the item's media URL, if known.
	URL          string
	Status       ContainerStatus
	ErrorMessage string
	// Err is ErrWaitTimeout when the wait deadline passed.
	Err error
}

// Error describes the failure, naming a carousel item 1-based with its URL.
func (e *ContainerError) Error() string {
	var b strings.Builder
	b.WriteString("threads: ")
	if e.Index >= 0 {
		if e.Total > 0 {
			fmt.Fprintf(&b, "carousel item %d of %d", e.Index+1, e.Total)
		} else {
			fmt.Fprintf(&b, "carousel item %d", e.Index+1)
		}
		if e.URL != "" {
			fmt.Fprintf(&b, " (%s)", e.URL)
		}
		b.WriteString(": ")
	} else if e.URL != "" {
		fmt.Fprintf(&b, "media %s: ", e.URL)
	}
	fmt.Fprintf(&b, "container %s ", e.ContainerID)
	switch {
	case errors.Is(e.Err, ErrWaitTimeout):
		fmt.Fprintf(&b, "still %s at the wait deadline", e.Status)
	case e.Status == StatusExpired:
		b.WriteString("expired (not published within 24 hours)")
	default:
		fmt.Fprintf(&b, "failed processing: status %s", e.Status)
	}
	if e.ErrorMessage != "" {
		fmt.Fprintf(&b, ": %s", e.ErrorMessage)
		if hint := mediaErrorHint(e.ErrorMessage); hint != "" {
			fmt.Fprintf(&b, " (%s)", hint)
		}
	}
	return b.String()
}

// Unwrap returns ErrWaitTimeout for timeouts, else nil.
func (e *ContainerError) Unwrap() error { return e.Err }

// OutcomeUnknownError reports a publish whose outcome the client could not
// establish: the post may be live or not. It is returned when a publish
// request got no answer (connection dropped, timeout, cancelled context) and
// the container status that would settle it could not be read either, when
// ResumePublish cannot read the container status for now, and when an
// auto_publish_text create got no answer and no matching post was found.
//
// The contract: nothing is known to have failed, so a caller that records
// publishes (an idempotency ledger) must keep ContainerID and resume later
// with ResumePublish, which reads the status and either recovers the post
// (PUBLISHED) or publishes it (FINISHED) — never start over, and never
// report the publish as failed. A definite failure is any other error: a
// *ContainerError (processing ERROR or EXPIRED, or the wait deadline) or an
// *APIError refusing the request; after those nothing was published.
//
// Match it with errors.As; Unwrap exposes the last failure, so errors.Is
// with context.Canceled or a sentinel such as ErrTransient still works.
type OutcomeUnknownError struct {
	// ContainerID is the container whose publish outcome is unknown; "" for
	// an auto_publish_text create, which has no container.
	ContainerID string
	// Err is the last failure seen.
	Err error
}

// Error says that the outcome is unknown and what to do about it.
func (e *OutcomeUnknownError) Error() string {
	what := "auto_publish_text post"
	if e.ContainerID != "" {
		what = "container " + e.ContainerID
	}
	return fmt.Sprintf("threads: publish of %s: outcome unknown, the post may or may not be live: %v", what, e.Err)
}

// Unwrap returns the last failure.
func (e *OutcomeUnknownError) Unwrap() error { return e.Err }

// MediaErrorAdvice explains a container's error_message code (the
// processing failures Meta lists at
// https://developers.facebook.com/docs/threads/troubleshooting): problem says
// what is wrong with the media, fix what to change. Both are empty for a code
// it does not know.
func MediaErrorAdvice(code string) (problem, fix string) {
	switch code {
	case "FAILED_DOWNLOADING_VIDEO", "FAILED_DOWNLOADING_IMAGE":
		return "Meta could not download the media; the URL must be public https",
			"make sure the URL is public over https and serves the file directly (no login, no redirect to a page)."
	case "UNSUPPORTED_FORMAT":
		return "the file is not a supported format", "give a JPEG or PNG image, or an MP4 or MOV video, served with its real Content-Type."
	case "FILE_SIZE_EXCEEDED":
		return "the file is too large", "keep images under 8 MB and videos under 1 GB."
	case "FAILED_PROCESSING_AUDIO", "INVALID_AUDIO_CHANNELS", "INVALID_AUDIO_CHANNEL_LAYOUT":
		return "the audio track is unsupported", "re-encode the audio as AAC, 48 kHz max, mono or stereo."
	case "FAILED_PROCESSING_VIDEO", "INVALID_BIT_RATE", "INVALID_FRAME_RATE":
		return "the video encoding is unsupported",
			"re-encode as MP4/MOV, H.264 or HEVC, 23–60 fps, at most 100 Mbps, moov atom at the front."
	case "INVALID_ASPEC_RATIO":
		return "the aspect ratio is outside 0.01:1–10:1", "use an aspect ratio between 0.01:1 and 10:1 (9:16 recommended)."
	case "INVALID_DURATION":
		return "the video must be longer than 0 s and at most 300 s", "use a video longer than 0 s and at most 300 s."
	}
	return "", ""
}

// mediaErrorHint is the problem half of MediaErrorAdvice.
func mediaErrorHint(code string) string {
	problem, _ := MediaErrorAdvice(code)
	return problem
}

// flexInt decodes a JSON number or numeric string; a non-numeric string is
// kept in sym.
type flexInt struct {
	n   int
	sym string
}

func (f *flexInt) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || string(b) == "null" {
		return nil
	}
	if b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		if n, err := strconv.Atoi(s); err == nil {
			f.n = n
		} else {
			f.sym = s
		}
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return err
	}
	i, err := n.Int64()
	if err != nil {
		fl, ferr := n.Float64()
		if ferr != nil {
			return err
		}
		i = int64(fl)
	}
	f.n = int(i)
	return nil
}

type graphError struct {
	Message     string  `json:"message"`
	Type        string  `json:"type"`
	Code        flexInt `json:"code"`
	Subcode     flexInt `json:"error_subcode"`
	IsTransient bool    `json:"is_transient"`
	UserTitle   string  `json:"error_user_title"`
	UserMessage string  `json:"error_user_msg"`
	FBTraceID   string  `json:"fbtrace_id"`
}

type errorEnvelope struct {
	Error        json.RawMessage `json:"error"`
	ErrorType    string          `json:"error_type"`
	Code         flexInt         `json:"code"`
	ErrorMessage string          `json:"error_message"`
	ErrorDesc    string          `json:"error_description"`
}

// parseErrorBody fills e from an error response body. It understands the
// Graph envelope {"error":{...}}, the OAuth envelope
// {"error_type","code","error_message"} and tolerates non-JSON bodies.
func parseErrorBody(e *APIError, body []byte) {
	var env errorEnvelope
	if err := json.Unmarshal(body, &env); err == nil {
		if len(env.Error) > 0 && env.Error[0] == '{' {
			var g graphError
			if err := json.Unmarshal(env.Error, &g); err == nil {
				e.Message = g.Message
				e.Type = g.Type
				e.Code = g.Code.n
				e.Subcode = g.Subcode.n
				e.ErrorCode = firstNonEmpty(g.Code.sym, g.Subcode.sym)
				e.IsTransient = g.IsTransient
				e.UserTitle = g.UserTitle
				e.UserMessage = g.UserMessage
				e.FBTraceID = g.FBTraceID
				if e.ErrorCode == "" && strings.Contains(e.Message, linkLimitCode) {
					e.ErrorCode = linkLimitCode
				}
				return
			}
		}
		if env.ErrorType != "" || env.ErrorMessage != "" {
			e.Type = env.ErrorType
			e.Code = env.Code.n
			e.ErrorCode = env.Code.sym
			e.Message = env.ErrorMessage
			return
		}
		if len(env.Error) > 0 && env.Error[0] == '"' {
			var s string
			_ = json.Unmarshal(env.Error, &s)
			e.Message = firstNonEmpty(env.ErrorDesc, s)
			return
		}
	}
	// Not JSON (e.g. an HTML 502 page from a proxy): keep a short, tag-free excerpt.
	e.Message = excerpt(body)
}

var tagRE = regexp.MustCompile(`<[^>]*>`)

func excerpt(body []byte) string {
	s := tagRE.ReplaceAllString(string(body), " ")
	s = strings.Join(strings.Fields(s), " ")
	const maxLen = 200
	if len(s) > maxLen {
		s = s[:maxLen] + "…"
	}
	return s
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
