package emulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Duration is a time.Duration that reads and writes as a Go duration string
// ("1.5s", "300ms") in JSON.
type Duration time.Duration

// MarshalJSON writes d as a duration string.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

// UnmarshalJSON reads a duration string such as "2s".
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("duration must be a string such as \"1.5s\": %w", err)
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}

func dur(d time.Duration) *Duration { v := Duration(d); return &v }

// MediaFault is the processing of one media URL: how long its containers stay
// IN_PROGRESS, and the error_message they end with ("" = FINISHED).
type MediaFault struct {
	Delay Duration `json:"delay"`
	Error string   `json:"error,omitempty"`
}

// PublishFaultSpec selects a threads_publish failure for the next Times
// publishes (0 = until cleared). Mode is one of "ok", "500_but_published"
// (HTTP 500 code 10 although the post is created, as reported in
// tirthpatell/threads-go#30), "drop_after_commit" (the post is created, the
// connection dropped) and "500_not_published" (transient code 2, nothing
// created).
type PublishFaultSpec struct {
	Mode  string `json:"mode"`
	Times int    `json:"times,omitempty"`
}

// publishModes maps PublishFaultSpec.Mode to PublishFault.
var publishModes = map[string]PublishFault{"ok": PublishOK, "500_but_published": PublishFault500ButPublished,
	"drop_after_commit": PublishFaultDropAfterCommit, "500_not_published": PublishFault500NotPublished}

// DropSpec drops the connection, without a response, of the next Times
// requests (0 = until cleared) whose method is Method ("" = any) and whose
// path contains Path.
type DropSpec struct {
	Method string `json:"method,omitempty"`
	Path   string `json:"path"`
	Times  int    `json:"times,omitempty"`
}

// ErrorInjection answers the next Times requests (0 = until cleared) whose
// method is Method ("" = any) and whose path contains Path with a Graph
// error. HTTPStatus 0 picks Meta's usual status for the code.
type ErrorInjection struct {
	Method      string `json:"method,omitempty"`
	Path        string `json:"path"`
	Times       int    `json:"times,omitempty"`
	HTTPStatus  int    `json:"http_status,omitempty"`
	Code        int    `json:"code"`
	Subcode     int    `json:"error_subcode,omitempty"`
	Type        string `json:"type,omitempty"`
	Message     string `json:"message,omitempty"`
	IsTransient bool   `json:"is_transient,omitempty"`
}

// RateLimit answers Code (default 4, "Application request limit reached",
// transient) to every call beyond Calls within a rolling Window. Meta's
// limit is 4,800 calls × impressions per 24 h
// (https://developers.facebook.com/docs/threads/overview#rate-limiting).
// Calls 0 turns it off.
type RateLimit struct {
	Calls  int      `json:"calls"`
	Window Duration `json:"window"`
	Code   int      `json:"code,omitempty"`
}

type rateLimit = RateLimit

// Faults describes every fault and limit the emulator can inject, as the
// admin endpoint (POST /_emulator/faults), the command-line flags (Flags)
// and WithFaults take it. Absent (nil) members are left as they are.
type Faults struct {
	// Latency is added to every request.
	Latency *Duration `json:"latency,omitempty"`
	// ImageDelay and VideoDelay are how long image and video containers stay
	// IN_PROGRESS (unless Media says otherwise for their URL).
	ImageDelay *Duration `json:"image_delay,omitempty"`
	VideoDelay *Duration `json:"video_delay,omitempty"`
	// Media sets the processing of containers created from these URLs.
	Media map[string]MediaFault `json:"media,omitempty"`
	// PublishLag makes threads_publish answer 24/4279009 until this long
	// after a container became FINISHED.
	PublishLag *Duration `json:"publish_lag,omitempty"`
	// Publish selects a threads_publish failure.
	Publish *PublishFaultSpec `json:"publish,omitempty"`
	// Drop drops connections; Errors answers Graph errors. Both are added to
	// the ones in force.
	Drop   []DropSpec       `json:"drop,omitempty"`
	Errors []ErrorInjection `json:"errors,omitempty"`
	// RateLimit caps the call volume.
	RateLimit *RateLimit `json:"rate_limit,omitempty"`
	// Quotas sets the size of rolling 24 h quotas by kind: posts, replies,
	// deletes, location_search, keyword_search, profile_discovery.
	Quotas map[string]int `json:"quotas,omitempty"`
	// TokenTTL is the lifetime of long-lived tokens issued from now on.
	TokenTTL *Duration `json:"token_ttl,omitempty"`
	// ExpireTokens expires these tokens now; "demo" names the demo token.
	ExpireTokens []string `json:"expire_tokens,omitempty"`
	// GeoGatingIneligible makes these users (by username; "demo" names the
	// demo user) ineligible for geo-gating from now on, like
	// UserSpec.GeoGatingIneligible. It changes the users, so clearing the
	// faults does not undo it.
	GeoGatingIneligible []string `json:"geo_gating_ineligible,omitempty"`
}

// WithFaults applies f when the emulator starts (see ApplyFaults).
func WithFaults(f Faults) Option {
	return func(cf *config) { cf.faults = append(cf.faults, f) }
}

// ApplyFaults applies f on top of the faults in force.
func (e *Emulator) ApplyFaults(f Faults) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.applyFaultsLocked(f)
}

func (e *Emulator) applyFaultsLocked(f Faults) error {
	var mode PublishFault
	if f.Publish != nil {
		m, ok := publishModes[f.Publish.Mode]
		if !ok {
			return fmt.Errorf("publish mode %q: want one of %s", f.Publish.Mode, strings.Join(sortedKeys(publishModes), ", "))
		}
		mode = m
	}
	for kind, n := range f.Quotas {
		if _, ok := defaultQuotas[kind]; !ok {
			return fmt.Errorf("quota %q: want one of %s", kind, strings.Join(sortedKeys(defaultQuotas), ", "))
		}
		if n < 0 {
			return fmt.Errorf("quota %s: %d is negative", kind, n)
		}
	}
	for _, in := range f.Errors {
		if in.Code == 0 || in.Path == "" {
			return errors.New("an injected error needs a path and a code")
		}
	}
	for _, d := range f.Drop {
		if d.Path == "" {
			return errors.New("a dropped connection needs a path")
		}
	}
	var ineligible []*user
	for _, name := range f.GeoGatingIneligible {
		u := e.userByName(name)
		if u == nil {
			return fmt.Errorf("geo_gating_ineligible: no user %q", name)
		}
		ineligible = append(ineligible, u)
	}
	for _, u := range ineligible {
		e.touch()
		u.geoIneligible = true
	}
	if f.Latency != nil {
		e.latency = time.Duration(*f.Latency)
	}
	if f.ImageDelay != nil {
		e.cfg.imageDelay = time.Duration(*f.ImageDelay)
	}
	if f.VideoDelay != nil {
		e.cfg.videoDelay = time.Duration(*f.VideoDelay)
	}
	for u, m := range f.Media {
		e.outcomes[u] = MediaOutcome{Delay: time.Duration(m.Delay), ErrorMessage: m.Error}
	}
	if f.PublishLag != nil {
		e.publishLag = time.Duration(*f.PublishLag)
	}
	if f.Publish != nil {
		e.setPublishFaultLocked(mode, f.Publish.Times)
	}
	for _, d := range f.Drop {
		e.injections = append(e.injections, &injection{method: d.Method, path: d.Path, drop: true, left: left(d.Times)})
	}
	for _, in := range f.Errors {
		e.injections = append(e.injections, &injection{method: in.Method, path: in.Path, left: left(in.Times),
			spec: ErrorSpec{HTTPStatus: in.HTTPStatus, Code: in.Code, Subcode: in.Subcode, Type: in.Type,
				Message: in.Message, IsTransient: in.IsTransient}})
	}
	if f.RateLimit != nil {
		e.rateLimit, e.calls = *f.RateLimit, nil
	}
	if len(f.Quotas) > 0 {
		if e.quotaSizes == nil {
			e.quotaSizes = map[string]int{}
		}
		for kind, n := range f.Quotas {
			e.quotaSizes[kind] = n
		}
	}
	if f.TokenTTL != nil {
		e.tokenTTL = time.Duration(*f.TokenTTL)
	}
	for _, tok := range f.ExpireTokens {
		if tok == "demo" {
			tok = e.demoToken
		}
		if t, ok := e.tokens[tok]; ok {
			e.touch()
			t.expiresAt = e.now().Add(-time.Second)
		}
	}
	return nil
}

func left(times int) int {
	if times <= 0 {
		return -1
	}
	return times
}

// CurrentFaults reports the faults and limits in force.
func (e *Emulator) CurrentFaults() Faults {
	e.mu.Lock()
	defer e.mu.Unlock()
	f := Faults{Latency: dur(e.latency), ImageDelay: dur(e.cfg.imageDelay), VideoDelay: dur(e.cfg.videoDelay),
		PublishLag: dur(e.publishLag), Media: map[string]MediaFault{}, Quotas: map[string]int{},
		TokenTTL: dur(e.longLivedTTL()), RateLimit: &RateLimit{}}
	*f.RateLimit = e.rateLimit
	for u, o := range e.outcomes {
		f.Media[u] = MediaFault{Delay: Duration(o.Delay), Error: o.ErrorMessage}
	}
	for mode, p := range publishModes {
		if p == e.publishFault {
			f.Publish = &PublishFaultSpec{Mode: mode, Times: max(e.publishLeft, 0)}
		}
	}
	for _, in := range e.injections {
		if in.drop {
			f.Drop = append(f.Drop, DropSpec{Method: in.method, Path: in.path, Times: max(in.left, 0)})
			continue
		}
		s := in.spec
		f.Errors = append(f.Errors, ErrorInjection{Method: in.method, Path: in.path, Times: max(in.left, 0),
			HTTPStatus: s.HTTPStatus, Code: s.Code, Subcode: s.Subcode, Type: s.Type, Message: s.Message,
			IsTransient: s.IsTransient})
	}
	for kind := range defaultQuotas {
		f.Quotas[kind] = e.quotaTotal(kind)
	}
	return f
}

// longLivedTTL is the lifetime of a long-lived token: 60 days
// (https://developers.facebook.com/docs/threads/get-started/long-lived-tokens)
// unless Faults.TokenTTL changed it. Callers hold e.mu.
func (e *Emulator) longLivedTTL() time.Duration {
	if e.tokenTTL > 0 {
		return e.tokenTTL
	}
	return longLivedExpiresIn * time.Second
}

// rateLimited records a call and reports the error for one over the limit.
// Callers hold e.mu.
func (e *Emulator) rateLimited(now time.Time) *apiError {
	rl := e.rateLimit
	if rl.Calls <= 0 {
		return nil
	}
	cutoff := now.Add(-time.Duration(rl.Window))
	e.calls = slices.DeleteFunc(e.calls, func(t time.Time) bool { return !t.After(cutoff) })
	if len(e.calls) >= rl.Calls {
		code := rl.Code
		if code == 0 {
			code = 4
		}
		ae := &apiError{status: http.StatusBadRequest, code: code, typ: "OAuthException", transient: true,
			msg: "Application request limit reached"}
		if code == 17 || code == 32 {
			ae.msg = "User request limit reached"
		}
		if e.cfg.api.RateLimitStatus429 {
			ae.status = http.StatusTooManyRequests
		}
		return ae
	}
	e.calls = append(e.calls, now)
	return nil
}

// Activity is something another user does, for the sandbox to show: a
// Kind "post", "reply" (to ReplyTo) or "mention" (a post that @mentions
// Mention, the demo account by default) by the user named From, with Text.
// Replies follow the post's reply audience and reply approvals.
type Activity struct {
	Kind    string `json:"kind"`
	From    string `json:"from"`
	Text    string `json:"text"`
	ReplyTo string `json:"reply_to,omitempty"`
	Mention string `json:"mention,omitempty"`
}

// AddActivity publishes a at once and returns the new media id.
func (e *Emulator) AddActivity(a Activity) (string, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	var from string
	for _, id := range e.userOrder {
		if strings.EqualFold(e.users[id].username, strings.TrimPrefix(a.From, "@")) {
			from = id
		}
	}
	if from == "" {
		return "", fmt.Errorf("activity: no user %q", a.From)
	}
	if strings.TrimSpace(a.Text) == "" {
		return "", errors.New("activity: text is required")
	}
	if n := countText(a.Text); n > maxTextLen {
		return "", fmt.Errorf("activity: text counts %d characters, limit %d", n, maxTextLen)
	}
	c := &container{userID: from, mediaType: "TEXT", text: a.Text}
	switch a.Kind {
	case "post":
	case "mention":
		who := strings.TrimPrefix(a.Mention, "@")
		if who == "" {
			if u := e.users[e.demoUserID]; u != nil {
				who = u.username
			}
		}
		if !mentionsUser(c.text, who) {
			c.text = "@" + who + " " + c.text
		}
	case "reply":
		target, ok := e.media[a.ReplyTo]
		if !ok || !target.visible() || target.mediaType == "REPOST_FACADE" {
			return "", fmt.Errorf("activity: %q is not a post to reply to", a.ReplyTo)
		}
		if err := e.mayReply(from, target); err != nil {
			return "", fmt.Errorf("activity: %w", err)
		}
		c.replyToID = target.id
	default:
		return "", fmt.Errorf("activity: kind %q: want post, reply or mention", a.Kind)
	}
	return e.seedPost(c, e.now()).id, nil
}

// serveAdmin serves the emulator's own endpoints under /_emulator/:
//
//	GET    /_emulator/faults    the faults and limits in force (Faults as JSON)
//	POST   /_emulator/faults    apply a Faults JSON body on top of them
//	DELETE /_emulator/faults    clear every fault (Reset)
//	POST   /_emulator/activity  an Activity JSON body: another user posts,
//	                            replies or mentions; answers {"id": …}
//	GET    /_emulator/webhooks  the latest webhook deliveries and pending faults
//	POST   /_emulator/webhooks  a WebhookFaults JSON body for the next deliveries
func (e *Emulator) serveAdmin(w http.ResponseWriter, r *http.Request) {
	fail := func(status int, err error) {
		writeJSON(w, status, map[string]any{"error": map[string]any{"message": err.Error(), "type": "EmulatorAdmin"}})
	}
	body := func(v any) error {
		b, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			return err
		}
		dec := json.NewDecoder(strings.NewReader(string(b)))
		dec.DisallowUnknownFields()
		return dec.Decode(v)
	}
	switch strings.TrimSuffix(r.URL.Path, "/") {
	case "/_emulator/faults":
		switch r.Method {
		case http.MethodGet:
		case http.MethodPost:
			var f Faults
			if err := body(&f); err != nil {
				fail(http.StatusBadRequest, fmt.Errorf("faults: %w", err))
				return
			}
			if err := e.ApplyFaults(f); err != nil {
				fail(http.StatusBadRequest, err)
				return
			}
		case http.MethodDelete:
			e.Reset()
		default:
			fail(http.StatusMethodNotAllowed, errors.New("use GET, POST or DELETE"))
			return
		}
		writeJSON(w, http.StatusOK, e.CurrentFaults())
	case "/_emulator/activity":
		if r.Method != http.MethodPost {
			fail(http.StatusMethodNotAllowed, errors.New("use POST"))
			return
		}
		var a Activity
		if err := body(&a); err != nil {
			fail(http.StatusBadRequest, fmt.Errorf("activity: %w", err))
			return
		}
		id, err := e.AddActivity(a)
		if err != nil {
			fail(http.StatusBadRequest, err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"id": id})
	case "/_emulator/webhooks":
		switch r.Method {
		case http.MethodGet:
		case http.MethodPost:
			var f WebhookFaults
			if err := body(&f); err != nil {
				fail(http.StatusBadRequest, fmt.Errorf("webhooks: %w", err))
				return
			}
			e.SetWebhookFaults(f)
		default:
			fail(http.StatusMethodNotAllowed, errors.New("use GET or POST"))
			return
		}
		e.hooks.mu.Lock()
		pending := e.hooks.faults
		e.hooks.mu.Unlock()
		writeJSON(w, http.StatusOK, map[string]any{"deliveries": e.WebhookDeliveries(), "faults": pending})
	default:
		fail(http.StatusNotFound, fmt.Errorf("no emulator endpoint %s", r.URL.Path))
	}
}

// userByName returns the user with that username ("demo": the demo user),
// or nil. Callers hold e.mu.
func (e *Emulator) userByName(name string) *user {
	if name == "demo" {
		return e.users[e.demoUserID]
	}
	for _, id := range e.userOrder {
		if u := e.users[id]; u.username == name {
			return u
		}
	}
	return nil
}
