package oauthserver

import (
	"crypto/rand"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/threads-mcp/threads-mcp/auth"
	"github.com/threads-mcp/threads-mcp/tools"
)

// authorize serves the authorization endpoint: GET validates the request
// (OAuth 2.1 section 4.1.1) and shows the consent screen; POST is the
// user's answer from that screen.
func (s *Server) authorize(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
		s.authorizeRequest(w, r)
	case http.MethodPost:
		s.consentAnswer(w, r)
	default:
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	}
}

func (s *Server) authorizeRequest(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	ctx := r.Context()
	// Until client and redirect URI are known good, errors are shown to
	// the user, never redirected (RFC 6749 section 4.1.2.1).
	c, err := s.db.client(ctx, q.Get("client_id"))
	if err != nil {
		s.page(w, http.StatusBadRequest, "Unknown client", "This sign-in link names an application that is not registered with this server. Go back to the application and add the server again.")
		return
	}
	redirectURI := q.Get("redirect_uri")
	if !slices.Contains(c.RedirectURIs, redirectURI) {
		s.page(w, http.StatusBadRequest, "Redirect address mismatch", "This sign-in link would send you to an address the application did not register. Nothing was shared.")
		return
	}
	st := q.Get("state")
	fail := func(code, desc string) { s.redirectError(w, r, redirectURI, st, code, desc) }
	switch {
	case q.Get("response_type") != "code":
		fail("unsupported_response_type", "response_type must be code")
		return
	case st == "":
		fail("invalid_request", "state is required")
		return
	case q.Get("code_challenge") == "":
		fail("invalid_request", "PKCE is required: send code_challenge with code_challenge_method=S256")
		return
	case q.Get("code_challenge_method") != "S256":
		fail("invalid_request", "code_challenge_method must be S256 (plain is not accepted)")
		return
	case len(q.Get("code_challenge")) < 43 || len(q.Get("code_challenge")) > 128:
		fail("invalid_request", "code_challenge must be the base64url SHA-256 of the verifier")
		return
	}
	scope, ok := s.parseScope(q.Get("scope"))
	if !ok {
		fail("invalid_scope", "scope must be among: "+strings.Join(s.scopes, " "))
		return
	}
	resource := q.Get("resource")
	if resource == "" {
		resource = s.resource
	}
	if resource != s.resource {
		fail("invalid_target", "resource must be "+s.resource)
		return
	}
	handle := rand.Text() + rand.Text()
	req := request{ClientID: c.ID, RedirectURI: redirectURI, State: st, Scope: scope, Resource: resource,
		Challenge: q.Get("code_challenge"), ExpiresAt: s.now().Add(requestTTL)}
	if err := s.db.putRequest(ctx, handle, req, s.now()); err != nil {
		s.cfg.Logger.Error("oauth: store authorization request", "err", err)
		s.page(w, http.StatusInternalServerError, "Server error", "The request could not be stored. Try again.")
		return
	}
	name := c.Name
	if name == "" {
		name = "An unnamed application"
	}
	target, _ := url.Parse(redirectURI)
	data := consentData{Client: name, ClientID: c.ID, RedirectHost: target.Host, Handle: handle, Action: AuthorizePath}
	for _, sc := range strings.Fields(scope) {
		data.Scopes = append(data.Scopes, scopeLine{Scope: sc, Description: s.describe(sc)})
	}
	secureHeaders(w)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := consentPage.Execute(w, data); err != nil {
		s.cfg.Logger.Error("oauth: consent page", "err", err)
	}
}

// parseScope checks a requested scope: space-separated scopes of the
// server, none meaning all of them. It returns them deduplicated, in the
// server's order.
func (s *Server) parseScope(raw string) (string, bool) {
	want := strings.Fields(raw)
	if len(want) == 0 {
		return strings.Join(s.scopes, " "), true
	}
	for _, w := range want {
		if !slices.Contains(s.scopes, w) {
			return "", false
		}
	}
	var out []string
	for _, sc := range s.scopes {
		if slices.Contains(want, sc) {
			out = append(out, sc)
		}
	}
	return strings.Join(out, " "), true
}

// describe is the consent screen's line for a scope: its toolset's
// description.
func (s *Server) describe(scope string) string {
	name, _ := tools.ScopeToolset(scope)
	for _, ts := range tools.Toolsets() {
		if ts.Name == name {
			return ts.Description
		}
	}
	return scope
}

// consentAnswer handles the consent form: deny returns access_denied to
// the client; approve sends the user to sign in with Threads.
func (s *Server) consentAnswer(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		s.page(w, http.StatusBadRequest, "Bad request", "The form could not be read.")
		return
	}
	ctx := r.Context()
	handle := r.PostForm.Get("request")
	req, err := s.db.requestByHandle(ctx, handle)
	if err != nil || !s.now().Before(req.ExpiresAt) {
		s.page(w, http.StatusBadRequest, "This request has expired", "Go back to the application and connect again.")
		return
	}
	if r.PostForm.Get("decision") != "approve" {
		_ = s.db.deleteRequest(ctx, handle)
		s.redirectError(w, r, req.RedirectURI, req.State, "access_denied", "the user declined")
		return
	}
	wl, err := auth.StartWebLogin(s.cfg.Threads)
	if err != nil {
		s.cfg.Logger.Error("oauth: start Threads login", "err", err)
		s.page(w, http.StatusInternalServerError, "Server error", "Signing in with Threads is not configured on this server.")
		return
	}
	if ok, err := s.db.startLogin(ctx, handle, wl.State, wl.Verifier); err != nil || !ok {
		s.page(w, http.StatusBadRequest, "This request was already answered", "Go back to the application and connect again.")
		return
	}
	http.Redirect(w, r, wl.AuthCodeURL, http.StatusSeeOther)
}

// callback receives Threads' redirect: it finishes the Threads login,
// stores the user's Threads account, records the grant bound to it and
// sends the user back to the client with an authorization code.
func (s *Server) callback(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	ctx := r.Context()
	q := r.URL.Query()
	loginState := q.Get("state")
	if loginState == "" {
		s.page(w, http.StatusBadRequest, "Not a sign-in", "This address does not belong to a sign-in in progress.")
		return
	}
	req, err := s.db.takeRequest(ctx, loginState)
	if err != nil || !s.now().Before(req.ExpiresAt) {
		s.page(w, http.StatusBadRequest, "This sign-in has expired", "Go back to the application and connect again.")
		return
	}
	acct, err := auth.CompleteWebLogin(ctx, s.cfg.Threads, auth.WebLogin{State: loginState, Verifier: req.LoginVerifier}, q)
	if errors.Is(err, auth.ErrAccessDenied) {
		s.redirectError(w, r, req.RedirectURI, req.State, "access_denied", "the user did not sign in with Threads")
		return
	}
	if err != nil {
		s.cfg.Logger.Warn("oauth: Threads sign-in failed", "err", err)
		s.redirectError(w, r, req.RedirectURI, req.State, "server_error", "signing in with Threads failed")
		return
	}
	acct.Name = AccountPrefix + acct.UserID
	if err := s.cfg.Store.PutAccount(ctx, *acct); err != nil {
		s.cfg.Logger.Error("oauth: store Threads account", "err", err)
		s.redirectError(w, r, req.RedirectURI, req.State, "server_error", "the Threads account could not be stored")
		return
	}
	g := grant{ID: rand.Text(), ClientID: req.ClientID, Subject: acct.UserID, Accounts: []string{acct.Name},
		Scope: req.Scope, Resource: req.Resource}
	code := "tmcc_" + rand.Text() + rand.Text()
	now := s.now()
	if err := s.db.putCode(ctx, code, g, req.RedirectURI, req.Challenge, now.Add(codeTTL), now); err != nil {
		s.cfg.Logger.Error("oauth: store code", "err", err)
		s.redirectError(w, r, req.RedirectURI, req.State, "server_error", "the grant could not be stored")
		return
	}
	s.cfg.Logger.Info("oauth: signed in", "client_id", req.ClientID, "account", acct.Name, "username", acct.Username, "scope", req.Scope)
	s.redirectTo(w, r, req.RedirectURI, url.Values{"code": {code}, "state": {req.State}})
}

// redirectError sends an error response to the client's redirect URI
// (RFC 6749 section 4.1.2.1), with the state when there is one.
func (s *Server) redirectError(w http.ResponseWriter, r *http.Request, redirectURI, st, code, desc string) {
	v := url.Values{"error": {code}, "error_description": {desc}}
	if st != "" {
		v.Set("state", st)
	}
	s.redirectTo(w, r, redirectURI, v)
}

// redirectTo redirects to redirectURI with v and iss (RFC 9207) added to
// its query.
func (s *Server) redirectTo(w http.ResponseWriter, r *http.Request, redirectURI string, v url.Values) {
	u, err := url.Parse(redirectURI)
	if err != nil {
		s.page(w, http.StatusBadRequest, "Bad redirect address", "The application's redirect address is not valid.")
		return
	}
	q := u.Query()
	for k, vs := range v {
		q[k] = vs
	}
	q.Set("iss", s.issuer)
	u.RawQuery = q.Encode()
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, u.String(), http.StatusFound)
}

// secureHeaders keeps the server's pages out of frames (clickjacking of
// the consent button) and caches.
func secureHeaders(w http.ResponseWriter) {
	w.Header().Set("X-Frame-Options", "DENY")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
}

// page shows a short message page.
func (s *Server) page(w http.ResponseWriter, status int, title, text string) {
	secureHeaders(w)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_ = messagePage.Execute(w, struct{ Title, Text string }{title, text})
}

type scopeLine struct{ Scope, Description string }

type consentData struct {
	Client, ClientID, RedirectHost, Handle, Action string
	Scopes                                         []scopeLine
}

const pageStyle = `<style>body{font-family:system-ui,sans-serif;max-width:36em;margin:3em auto;padding:0 1em;line-height:1.5}
code{background:#f2f2f2;padding:0 .2em}button{font-size:1em;padding:.5em 1.2em;margin-right:.5em}</style>`

var consentPage = template.Must(template.New("consent").Parse(`<!doctype html><html><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width"><title>threads-mcp: allow {{.Client}}?</title>` + pageStyle + `</head><body>
<h1>Allow {{.Client}} to use your Threads account?</h1>
<p><strong>{{.Client}}</strong> (client <code>{{.ClientID}}</code>, returning to <code>{{.RedirectHost}}</code>) asks to use threads-mcp as you. It will be able to:</p>
<ul>{{range .Scopes}}<li><code>{{.Scope}}</code>: {{.Description}}</li>{{end}}</ul>
<p>Next you sign in with Threads; the application then acts only as the Threads account you sign in with. You can revoke this access at any time.</p>
<form method="post" action="{{.Action}}"><input type="hidden" name="request" value="{{.Handle}}">
<button type="submit" name="decision" value="approve">Continue with Threads</button>
<button type="submit" name="decision" value="deny">Cancel</button></form>
</body></html>`))

var messagePage = template.Must(template.New("message").Parse(`<!doctype html><html><head><meta charset="utf-8">
<title>threads-mcp: {{.Title}}</title>` + pageStyle + `</head><body><h1>{{.Title}}</h1><p>{{.Text}}</p></body></html>`))
