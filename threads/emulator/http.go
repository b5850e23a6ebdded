package emulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// apiError is a Graph error envelope with its HTTP status.
type apiError struct {
	status    int
	code      int
	subcode   int
	typ       string
	msg       string
	userTitle string
	userMsg   string
	transient bool
}

func (a *apiError) Error() string { return fmt.Sprintf("graph error %d: %s", a.code, a.msg) }

// oauthError is the special code-exchange shape {"error_type","code","error_message"}.
type oauthError struct{ msg string }

func (o *oauthError) Error() string { return o.msg }

// errDrop asks the dispatcher to drop the connection without a response.
var errDrop = errors.New("drop connection")

func fromSpec(s ErrorSpec) *apiError {
	return &apiError{status: s.HTTPStatus, code: s.Code, subcode: s.Subcode, typ: s.Type,
		msg: s.Message, userTitle: s.ErrorUserTitle, userMsg: s.ErrorUserMsg, transient: s.IsTransient}
}

// errParam is the usual HTTP 400 code 100 THApiException.
func errParam(format string, args ...any) *apiError {
	return &apiError{status: 400, code: 100, typ: "THApiException", msg: fmt.Sprintf(format, args...)}
}

// errObject is Graph's 100/33 for unknown or unreadable objects.
func errObject(method, id string) *apiError {
	return &apiError{status: 400, code: 100, subcode: 33, typ: "THApiException",
		msg: fmt.Sprintf("Unsupported %s request. Object with ID '%s' does not exist, cannot be loaded due to missing permissions, or does not support this operation", strings.ToLower(method), id)}
}

// errMediaNotFound is the 24/4279009 publish error for a container that is
// not ready, as answered in fbsamples/threads_api#70 and seen in production
// right after FINISHED (gitroomhq/postiz-app#2047).
func errMediaNotFound() *apiError {
	return &apiError{status: 400, code: 24, subcode: 4279009, typ: "OAuthException",
		msg: "The requested resource does not exist", userTitle: "Media Not Found",
		userMsg: "The requested media could not be found. It may still be processing; try again in a few seconds."}
}

func errField(name string) *apiError {
	return &apiError{status: 400, code: 100, typ: "THApiException",
		msg: fmt.Sprintf("Tried accessing nonexisting field (%s)", name)}
}

// reqCtx carries one request through the handlers.
type reqCtx struct {
	r       *http.Request
	params  url.Values
	tok     *token
	tokStr  string
	me      *user
	now     time.Time
	version bool // the path carried /v1.0
}

func (rc *reqCtx) get(name string) string { return strings.TrimSpace(rc.params.Get(name)) }
func (rc *reqCtx) has(name string) bool   { _, ok := rc.params[name]; return ok }

// boolParam parses a boolean parameter; absent is false.
func (rc *reqCtx) boolParam(name string) (bool, error) {
	v := rc.get(name)
	if v == "" {
		return false, nil
	}
	switch strings.ToLower(v) {
	case "true", "1":
		return true, nil
	case "false", "0":
		return false, nil
	}
	return false, errParam("Param %s must be a boolean", name)
}

func (e *Emulator) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if e.serveMediaHost(w, r) {
		return
	}
	if strings.HasPrefix(r.URL.Path, "/_emulator/") {
		end := e.beginRequest()
		defer end()
		e.serveAdmin(w, r)
		return
	}
	params, form := e.readParams(r)
	e.mu.Lock()
	now := e.now()
	if e.requests.recording() {
		e.requests.add(Request{Method: r.Method, Path: r.URL.Path,
			Query: r.URL.Query(), Form: form, Header: r.Header.Clone(), At: now})
	}
	latency := e.latency
	e.mu.Unlock()

	if latency > 0 {
		t := time.NewTimer(latency)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}

	end := e.beginRequest()
	defer end()
	rc := &reqCtx{r: r, params: params}
	body, err := e.dispatch(rc)
	switch {
	case errors.Is(err, errDrop):
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, herr := hj.Hijack(); herr == nil {
				_ = conn.Close()
				return
			}
		}
		panic(http.ErrAbortHandler)
	case err != nil:
		e.writeError(w, err)
	default:
		if red, ok := body.(redirect); ok {
			http.Redirect(w, r, string(red), http.StatusFound)
			return
		}
		writeJSON(w, http.StatusOK, body)
	}
}

// redirect is a handler result answered with 302.
type redirect string

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		b = []byte(`{"error":{"message":"An unknown error has occurred.","type":"OAuthException","code":1}}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func (e *Emulator) writeError(w http.ResponseWriter, err error) {
	var oe *oauthError
	if errors.As(err, &oe) {
		writeJSON(w, http.StatusBadRequest, map[string]any{
			"error_type": "OAuthException", "code": 400, "error_message": oe.msg})
		return
	}
	var ae *apiError
	if !errors.As(err, &ae) {
		ae = &apiError{status: 500, code: 1, typ: "OAuthException", msg: "An unknown error has occurred."}
	}
	e.mu.Lock()
	trace := "A" + e.randString(22)
	e.mu.Unlock()
	body := map[string]any{"message": ae.msg, "type": ae.typ, "code": ae.code, "fbtrace_id": trace}
	if ae.subcode != 0 {
		body["error_subcode"] = ae.subcode
	}
	if ae.transient {
		body["is_transient"] = true
	}
	if ae.userTitle != "" {
		body["error_user_title"] = ae.userTitle
	}
	if ae.userMsg != "" {
		body["error_user_msg"] = ae.userMsg
	}
	status := ae.status
	if status == 0 {
		status = http.StatusBadRequest
	}
	w.Header().Set("X-Fb-Trace-Id", trace)
	writeJSON(w, status, map[string]any{"error": body})
}

// readParams merges the query string and the body (urlencoded, multipart,
// or JSON when enabled); body values win. It returns the merged values and
// the body values alone.
func (e *Emulator) readParams(r *http.Request) (url.Values, url.Values) {
	params := r.URL.Query()
	form := url.Values{}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch {
	case r.Body == nil || r.Method == http.MethodGet:
	case ct == "multipart/form-data":
		if err := r.ParseMultipartForm(32 << 20); err == nil && r.MultipartForm != nil {
			for k, vs := range r.MultipartForm.Value {
				form[k] = vs
			}
		}
	case ct == "application/json":
		if !e.cfg.api.AcceptJSONBody {
			break
		}
		var m map[string]any
		b, _ := io.ReadAll(io.LimitReader(r.Body, 32<<20))
		if json.Unmarshal(b, &m) == nil {
			for k, v := range m {
				switch x := v.(type) {
				case string:
					form.Set(k, x)
				case bool:
					form.Set(k, strconv.FormatBool(x))
				case float64:
					form.Set(k, strconv.FormatFloat(x, 'f', -1, 64))
				default:
					form.Set(k, jsonString(x))
				}
			}
		}
	default:
		b, _ := io.ReadAll(io.LimitReader(r.Body, 32<<20))
		if v, err := url.ParseQuery(string(b)); err == nil {
			form = v
		}
	}
	for k, vs := range form {
		params[k] = vs
	}
	return params, form
}

// matchInjection consumes a matching injected fault, if any: errDrop or
// an *apiError. It also applies the rate limit.
func (e *Emulator) matchInjection(r *http.Request) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if ae := e.rateLimited(e.now()); ae != nil {
		return ae
	}
	for i, in := range e.injections {
		if in.method != "" && !strings.EqualFold(in.method, r.Method) {
			continue
		}
		if !strings.Contains(r.URL.Path, in.path) {
			continue
		}
		if in.left > 0 {
			in.left--
			if in.left == 0 {
				e.injections = append(e.injections[:i:i], e.injections[i+1:]...)
			}
		}
		if in.drop {
			return errDrop
		}
		ae := fromSpec(in.spec)
		if ae.typ == "" {
			ae.typ = "OAuthException"
		}
		if ae.status == 0 {
			ae.status = http.StatusBadRequest
			switch ae.code {
			case 4, 17, 32, 613:
				if e.cfg.api.RateLimitStatus429 {
					ae.status = http.StatusTooManyRequests
				}
			case 1, 2:
				ae.status = http.StatusInternalServerError
			}
		}
		return ae
	}
	return nil
}

// splitPath strips an optional /v1.0 prefix and returns the segments.
func splitPath(p string) ([]string, bool) {
	p = strings.Trim(p, "/")
	versioned := false
	if p == "v1.0" || strings.HasPrefix(p, "v1.0/") {
		versioned = true
		p = strings.TrimPrefix(strings.TrimPrefix(p, "v1.0"), "/")
	}
	if p == "" {
		return nil, versioned
	}
	return strings.Split(p, "/"), versioned
}

func (e *Emulator) dispatch(rc *reqCtx) (any, error) {
	r := rc.r
	if err := e.matchInjection(r); err != nil {
		return nil, err
	}
	segs, versioned := splitPath(r.URL.Path)
	rc.version = versioned
	// OAuth endpoints need no user token.
	switch {
	case len(segs) == 2 && segs[0] == "oauth" && segs[1] == "authorize":
		return e.authorize(rc)
	case len(segs) == 2 && segs[0] == "oauth" && segs[1] == "access_token":
		return e.oauthAccessToken(rc)
	case len(segs) == 1 && segs[0] == "access_token":
		if versioned && r.Method == http.MethodGet {
			return nil, errParam("Unsupported request - method type: get")
		}
		return e.exchangeToken(rc)
	case len(segs) == 1 && segs[0] == "refresh_access_token":
		return e.refreshToken(rc)
	case len(segs) == 1 && segs[0] == "debug_token":
		return e.debugToken(rc)
	case len(segs) == 2 && segs[1] == "subscriptions":
		return e.appSubscriptions(rc, segs[0])
	}

	e.mu.Lock()
	defer e.mu.Unlock()
	rc.now = e.now()
	if err := e.authenticate(rc); err != nil {
		return nil, err
	}
	if len(segs) == 0 || len(segs) > 2 {
		return nil, errParam("Unknown path components: /%s", strings.Join(segs, "/"))
	}
	id := segs[0]
	if id == "me" {
		id = rc.me.id
	}
	if len(segs) == 1 {
		if h, ok := map[string]func(*reqCtx) (any, error){"keyword_search": e.keywordSearch,
			"profile_lookup": e.profileLookup, "profile_posts": e.profilePosts,
			"location_search": e.locationSearch}[id]; ok {
			if r.Method != http.MethodGet {
				return nil, errParam("Unsupported %s request", strings.ToLower(r.Method))
			}
			return h(rc)
		}
		return e.node(rc, id)
	}
	return e.edge(rc, id, segs[1])
}

// authenticate resolves the token from the Authorization header or the
// access_token parameter. Callers hold e.mu.
func (e *Emulator) authenticate(rc *reqCtx) error {
	tok := ""
	if h := rc.r.Header.Get("Authorization"); h != "" {
		if v, ok := strings.CutPrefix(h, "Bearer "); ok {
			tok = strings.TrimSpace(v)
		} else if v, ok := strings.CutPrefix(h, "OAuth "); ok {
			tok = strings.TrimSpace(v)
		}
	}
	if tok == "" {
		tok = rc.get("access_token")
	}
	if tok == "" {
		return &apiError{status: 400, code: 190, typ: "OAuthException",
			msg: "An active access token must be used to query information about the current user."}
	}
	t, err := e.lookupToken(tok, rc.now)
	if err != nil {
		return err
	}
	if t.app {
		return &apiError{status: 400, code: 190, typ: "OAuthException",
			msg: "This endpoint requires a user access token; an app access token was provided."}
	}
	u := e.users[t.userID]
	if u == nil {
		return &apiError{status: 400, code: 190, subcode: 467, typ: "OAuthException",
			msg: "Error validating access token: The user is not registered."}
	}
	rc.tok, rc.tokStr, rc.me = t, tok, u
	if !t.scopes[ScopeBasic] {
		return e.scopeError()
	}
	return nil
}

// lookupToken validates a token string. Callers hold e.mu.
func (e *Emulator) lookupToken(tok string, now time.Time) (*token, error) {
	t, ok := e.tokens[tok]
	if !ok {
		return nil, &apiError{status: 400, code: 190, typ: "OAuthException",
			msg: "Invalid OAuth access token - Cannot parse access token"}
	}
	if t.revoked {
		return nil, &apiError{status: 400, code: 190, subcode: 467, typ: "OAuthException",
			msg: "Error validating access token: The session has been invalidated because the access token was refreshed."}
	}
	if !now.Before(t.expiresAt) {
		const f = "Monday, 02-Jan-06 15:04:05 MST"
		return nil, &apiError{status: 400, code: 190, subcode: 463, typ: "OAuthException",
			msg: fmt.Sprintf("Error validating access token: Session has expired on %s. The current time is %s.",
				t.expiresAt.UTC().Format(f), now.UTC().Format(f))}
	}
	return t, nil
}

func (e *Emulator) scopeError() *apiError {
	s := e.cfg.api.MissingScopeError
	if s == (ErrorSpec{}) {
		s = ScopeErrorCode10
	}
	return fromSpec(s)
}

// need fails unless the token holds every scope. Callers hold e.mu.
func (e *Emulator) need(rc *reqCtx, scopes ...string) error {
	for _, s := range scopes {
		if !rc.tok.scopes[s] {
			return e.scopeError()
		}
	}
	return nil
}

// node serves /{id}.
func (e *Emulator) node(rc *reqCtx, id string) (any, error) {
	method := rc.r.Method
	switch method {
	case http.MethodGet:
		if id == rc.me.id {
			return e.profile(rc)
		}
		if _, ok := e.users[id]; ok {
			return nil, errObject(method, id)
		}
		if c, ok := e.containers[id]; ok && c.userID == rc.me.id {
			return e.containerStatus(rc, c)
		}
		if m, ok := e.media[id]; ok && !m.deleted {
			return e.getMedia(rc, m)
		}
		if l, ok := locationByID(id); ok {
			fields := parseFields(rc.get("fields"))
			if len(fields) == 0 {
				fields = []string{"id"}
			}
			return l.render(fields)
		}
		return nil, errObject(method, id)
	case http.MethodDelete:
		return e.deleteMedia(rc, id)
	case http.MethodPost:
		if m, ok := e.media[id]; ok && !m.deleted {
			return nil, errParam("Unsupported post request. Threads media cannot be updated after publishing")
		}
		return nil, errObject(method, id)
	}
	return nil, errParam("Unsupported request - method type: %s", strings.ToLower(method))
}

// edge serves /{id}/{edge}.
func (e *Emulator) edge(rc *reqCtx, id, edge string) (any, error) {
	method := rc.r.Method
	isUser := id == rc.me.id
	if _, other := e.users[id]; other && !isUser {
		return nil, errObject(method, id)
	}
	type route struct {
		method string
		user   bool
		h      func(*reqCtx, string) (any, error)
	}
	routes := map[string]route{
		"threads":                  {"", true, e.userThreads},
		"threads_publish":          {http.MethodPost, true, e.publish},
		"replies":                  {http.MethodGet, false, e.replies}, // user or media
		"ghost_posts":              {http.MethodGet, true, e.ghostPosts},
		"threads_insights":         {http.MethodGet, true, e.userInsights},
		"threads_publishing_limit": {http.MethodGet, true, e.publishingLimit},
		"conversation":             {http.MethodGet, false, e.conversation},
		"pending_replies":          {http.MethodGet, false, e.pendingReplies},
		"manage_reply":             {http.MethodPost, false, e.manageReply},
		"manage_pending_reply":     {http.MethodPost, false, e.managePendingReply},
		"repost":                   {http.MethodPost, false, e.repost},
		"insights":                 {http.MethodGet, false, e.mediaInsights},
		"mentions":                 {http.MethodGet, true, e.mentions},
	}
	rt, ok := routes[edge]
	if !ok {
		return nil, errParam("Unknown path components: /%s", edge)
	}
	if rt.method != "" && rt.method != method {
		return nil, errParam("Unsupported %s request. Unknown edge or method: /%s", strings.ToLower(method), edge)
	}
	if edge == "threads" {
		if !isUser {
			return nil, errObject(method, id)
		}
		switch method {
		case http.MethodGet:
			return e.userThreads(rc, id)
		case http.MethodPost:
			return e.createContainer(rc, id)
		}
		return nil, errParam("Unsupported %s request", strings.ToLower(method))
	}
	if edge == "replies" && isUser {
		return e.userReplies(rc, id)
	}
	if rt.user != isUser {
		return nil, errObject(method, id)
	}
	return rt.h(rc, id)
}
