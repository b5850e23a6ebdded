package emulator

import (
	"flag"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// admin sends a JSON body to an admin endpoint.
func (a *api) admin(method, path, body string) resp {
	a.t.Helper()
	req, err := http.NewRequestWithContext(a.t.Context(), method, a.s.URL+path, strings.NewReader(body))
	if err != nil {
		a.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	return send(a.t, req)
}

// Every fault and limit is reachable through POST /_emulator/faults.
func TestAdminFaults(t *testing.T) {
	tests := []struct {
		name  string
		body  string
		check func(t *testing.T, s *Server, clk *ManualClock, a *api)
	}{
		{"publish lag", `{"publish_lag":"30s"}`, func(t *testing.T, s *Server, clk *ManualClock, a *api) {
			cid := a.container("media_type", "TEXT", "text", "lagging")
			e := wantErr(t, a.post("/v1.0/me/threads_publish", "creation_id", cid), 400, 24)
			if num(e["error_subcode"]) != 4279009 {
				t.Errorf("subcode %v", e["error_subcode"])
			}
			clk.Advance(31 * time.Second)
			mustOK(t, a.post("/v1.0/me/threads_publish", "creation_id", cid))
		}},
		{"media processing and failure per URL",
			`{"media":{"https://cdn.example.com/slow.mp4":{"delay":"2m"},"https://cdn.example.com/bad.mp4":{"delay":"1s","error":"FAILED_PROCESSING_VIDEO"}}}`,
			func(t *testing.T, s *Server, clk *ManualClock, a *api) {
				slow := a.container("media_type", "VIDEO", "video_url", "https://cdn.example.com/slow.mp4")
				bad := a.container("media_type", "VIDEO", "video_url", "https://cdn.example.com/bad.mp4")
				clk.Advance(time.Minute)
				if st := a.status(slow); st != StatusInProgress {
					t.Errorf("slow after 1m: %s", st)
				}
				r := mustOK(t, a.get("/v1.0/"+bad, "fields", "status,error_message"))
				if r.body["status"] != StatusError || r.body["error_message"] != "FAILED_PROCESSING_VIDEO" {
					t.Errorf("bad: %s", r.raw)
				}
				clk.Advance(time.Minute)
				if st := a.status(slow); st != StatusFinished {
					t.Errorf("slow after 2m: %s", st)
				}
			}},
		{"processing delays", `{"image_delay":"10s","video_delay":"1m"}`, func(t *testing.T, s *Server, clk *ManualClock, a *api) {
			img := a.container("media_type", "IMAGE", "image_url", "https://cdn.example.com/a.jpg")
			clk.Advance(9 * time.Second)
			if st := a.status(img); st != StatusInProgress {
				t.Errorf("image after 9s: %s", st)
			}
			clk.Advance(2 * time.Second)
			if st := a.status(img); st != StatusFinished {
				t.Errorf("image after 11s: %s", st)
			}
		}},
		{"500 but published", `{"publish":{"mode":"500_but_published","times":1}}`, func(t *testing.T, s *Server, clk *ManualClock, a *api) {
			cid := a.container("media_type", "TEXT", "text", "ambiguous")
			wantErr(t, a.post("/v1.0/me/threads_publish", "creation_id", cid), 500, 10)
			if st := a.status(cid); st != StatusPublished {
				t.Errorf("container %s, want PUBLISHED", st)
			}
			a.publishText("the next publish works")
		}},
		{"dropped connections", `{"drop":[{"path":"threads_publishing_limit","times":1}]}`, func(t *testing.T, s *Server, clk *ManualClock, a *api) {
			req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, s.URL+"/v1.0/me/threads_publishing_limit", nil)
			req.Header.Set("Authorization", "Bearer "+a.tok)
			// A fresh connection: Go retries a GET once on a reused one that drops.
			c := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
			res, err := c.Do(req)
			if err == nil {
				_, _ = io.Copy(io.Discard, res.Body)
				res.Body.Close()
				t.Fatalf("connection not dropped: HTTP %d", res.StatusCode)
			}
			mustOK(t, a.get("/v1.0/me/threads_publishing_limit"))
		}},
		{"injected error", `{"errors":[{"path":"/me/threads","method":"POST","code":2,"is_transient":true,"times":2}]}`,
			func(t *testing.T, s *Server, clk *ManualClock, a *api) {
				for range 2 {
					if e := wantErr(t, a.post("/v1.0/me/threads", "media_type", "TEXT", "text", "x"), 500, 2); e["is_transient"] != true {
						t.Errorf("is_transient missing: %v", e)
					}
				}
				a.container("media_type", "TEXT", "text", "x")
			}},
		{"latency", `{"latency":"60ms"}`, func(t *testing.T, s *Server, clk *ManualClock, a *api) {
			start := time.Now()
			mustOK(t, a.get("/v1.0/me"))
			if d := time.Since(start); d < 60*time.Millisecond {
				t.Errorf("request took %v, want at least 60ms", d)
			}
		}},
		{"rate limit", `{"rate_limit":{"calls":3,"window":"1m"}}`, func(t *testing.T, s *Server, clk *ManualClock, a *api) {
			for range 3 {
				mustOK(t, a.get("/v1.0/me"))
			}
			if e := wantErr(t, a.get("/v1.0/me"), 400, 4); e["is_transient"] != true {
				t.Errorf("rate limit error = %v", e)
			}
			clk.Advance(61 * time.Second)
			mustOK(t, a.get("/v1.0/me"))
		}},
		{"quota size", `{"quotas":{"posts":0,"keyword_search":5}}`, func(t *testing.T, s *Server, clk *ManualClock, a *api) {
			cid := a.container("media_type", "TEXT", "text", "over quota")
			e := wantErr(t, a.post("/v1.0/me/threads_publish", "creation_id", cid), 400, 9)
			if num(e["error_subcode"]) != 2207042 {
				t.Errorf("quota error = %v", e)
			}
			lim := mustOK(t, a.get("/v1.0/me/threads_publishing_limit", "fields", "config,search_config")).data()[0]
			if num(lim["config"].(map[string]any)["quota_total"]) != 0 || num(lim["search_config"].(map[string]any)["quota_total"]) != 5 {
				t.Errorf("publishing limit = %v", lim)
			}
		}},
		{"token expiry", `{"expire_tokens":["demo"]}`, func(t *testing.T, s *Server, clk *ManualClock, a *api) {
			if e := wantErr(t, a.get("/v1.0/me"), 400, 190); num(e["error_subcode"]) != 463 {
				t.Errorf("expired token error = %v", e)
			}
		}},
		{"token lifetime", `{"token_ttl":"2h"}`, func(t *testing.T, s *Server, clk *ManualClock, a *api) {
			tok := s.IssueToken(s.DemoUserID(), DefaultScopes, 0)
			clk.Advance(3 * time.Hour)
			wantErr(t, a.as(tok).get("/v1.0/me"), 400, 190)
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, clk, a := newWorld(t)
			mustOK(t, a.admin(http.MethodPost, "/_emulator/faults", tc.body))
			tc.check(t, s, clk, a)
		})
	}
}

func TestAdminFaultsStateAndErrors(t *testing.T) {
	_, _, a := newWorld(t)
	got := mustOK(t, a.admin(http.MethodPost, "/_emulator/faults", `{"publish_lag":"5s","quotas":{"replies":7}}`))
	if got.body["publish_lag"] != "5s" || num(got.body["quotas"].(map[string]any)["replies"]) != 7 {
		t.Errorf("faults after POST = %s", got.raw)
	}
	if r := mustOK(t, a.admin(http.MethodGet, "/_emulator/faults", "")); r.body["publish_lag"] != "5s" {
		t.Errorf("GET faults = %s", r.raw)
	}
	r := mustOK(t, a.admin(http.MethodDelete, "/_emulator/faults", ""))
	if r.body["publish_lag"] != "0s" || num(r.body["quotas"].(map[string]any)["replies"]) != 1000 {
		t.Errorf("faults after DELETE = %s", r.raw)
	}
	for _, body := range []string{`{"publish_lag":5}`, `{"nope":true}`, `{"publish":{"mode":"explode"}}`,
		`{"quotas":{"tweets":1}}`, `{"errors":[{"path":"x"}]}`, `not json`} {
		if r := a.admin(http.MethodPost, "/_emulator/faults", body); r.status != http.StatusBadRequest {
			t.Errorf("POST %s: HTTP %d, want 400", body, r.status)
		}
	}
	if r := a.admin(http.MethodGet, "/_emulator/nothing", ""); r.status != http.StatusNotFound {
		t.Errorf("unknown admin path: HTTP %d", r.status)
	}
}

// Another user's activity seeded from outside shows up where the account reads it.
func TestAdminActivity(t *testing.T) {
	s, _, a := newWorld(t)
	hello := demoPost(t, s, DemoUsername, "Hello, Threads!")
	ask := demoPost(t, s, DemoUsername, "Asking @ada_builds")
	r := mustOK(t, a.admin(http.MethodPost, "/_emulator/activity", `{"kind":"reply","from":"river_runs","reply_to":"`+hello.ID+`","text":"Late to the party!"}`))
	if got := texts(mustOK(t, a.get("/v1.0/"+hello.ID+"/replies", "fields", "text"))); !anyContains(got, "Late to the party!") {
		t.Errorf("seeded reply %s not listed: %q", r.id(), got)
	}
	mustOK(t, a.admin(http.MethodPost, "/_emulator/activity", `{"kind":"mention","from":"lin_makes","text":"have you seen this?"}`))
	if got := texts(mustOK(t, a.get("/v1.0/me/mentions", "fields", "text"))); !anyContains(got, "@sandbox_demo have you seen this?") {
		t.Errorf("seeded mention not listed: %q", got)
	}
	for _, body := range []string{
		`{"kind":"reply","from":"lin_makes","reply_to":"` + ask.ID + `","text":"not mentioned"}`,
		`{"kind":"reply","from":"lin_makes","reply_to":"1","text":"x"}`,
		`{"kind":"post","from":"nobody","text":"x"}`,
		`{"kind":"dance","from":"lin_makes","text":"x"}`,
		`{"kind":"post","from":"lin_makes","text":""}`,
	} {
		if r := a.admin(http.MethodPost, "/_emulator/activity", body); r.status != http.StatusBadRequest {
			t.Errorf("activity %s: HTTP %d, want 400", body, r.status)
		}
	}
}

// The flags build the same faults the admin endpoint takes.
func TestFlags(t *testing.T) {
	parse := func(args ...string) (*Emulator, error) {
		fs := flag.NewFlagSet("emulator", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		build := Flags(fs, "sandbox-")
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		opts, err := build()
		if err != nil {
			return nil, err
		}
		return Open(append(SandboxDefaults(), opts...)...)
	}
	e, err := parse("--sandbox-latency", "0s", "--sandbox-publish-lag", "7s", "--sandbox-image-delay", "2s",
		"--sandbox-media", "https://x.example/v.mp4=30s:FAILED_PROCESSING_VIDEO", "--sandbox-publish-fault", "500_but_published:2",
		"--sandbox-drop", "threads_publish:1", "--sandbox-error", "/me/threads=2:3", "--sandbox-error", "threads_publish=24/4279009",
		"--sandbox-rate-limit", "100/1m", "--sandbox-quota", "posts=10", "--sandbox-token-ttl", "1h",
		"--sandbox-quota-error", "code4", "--sandbox-keyword-search-own-posts-only", "--sandbox-expire-demo-token",
		"--sandbox-request-log", "5", "--sandbox-entity-offset-unit", "utf16", "--sandbox-geo-gating-ineligible", "demo")
	if err != nil {
		t.Fatal(err)
	}
	f := e.CurrentFaults()
	if *f.Latency != 0 || *f.PublishLag != Duration(7*time.Second) || *f.ImageDelay != Duration(2*time.Second) ||
		f.Media["https://x.example/v.mp4"].Error != "FAILED_PROCESSING_VIDEO" || f.Publish.Mode != "500_but_published" ||
		f.Publish.Times != 2 || len(f.Drop) != 1 || len(f.Errors) != 2 || f.Errors[1].Subcode != 4279009 ||
		f.RateLimit.Calls != 100 || f.Quotas["posts"] != 10 || *f.TokenTTL != Duration(time.Hour) {
		t.Errorf("faults from flags = %+v", f)
	}
	if e.cfg.api.QuotaError != QuotaErrorCode4 || !e.cfg.api.KeywordSearchOwnPostsOnly || e.requests.max != 5 ||
		e.cfg.api.EntityOffsetUnit != OffsetUTF16 {
		t.Errorf("config from flags = %+v", e.cfg.api)
	}
	if tok := e.tokens[e.DemoToken()]; tok.expiresAt.After(time.Now()) {
		t.Errorf("demo token not expired")
	}
	if e.users[e.DemoUserID()].geoEligible() {
		t.Errorf("demo user still eligible for geo-gating")
	}
	for _, args := range [][]string{
		{"--sandbox-latency", "soon"}, {"--sandbox-media", "https://x/v.mp4"}, {"--sandbox-publish-fault", "explode"},
		{"--sandbox-error", "threads_publish=abc"}, {"--sandbox-rate-limit", "100"}, {"--sandbox-quota", "tweets=1"},
		{"--sandbox-quota-error", "code7"}, {"--sandbox-entity-offset-unit", "bytes"},
	} {
		if _, err := parse(args...); err == nil || !strings.Contains(err.Error(), strings.TrimPrefix(args[0], "--")) {
			t.Errorf("%v: error %v, want one naming the flag", args, err)
		}
	}
	if _, err := parse("--sandbox-geo-gating-ineligible", "nobody_here"); err == nil || !strings.Contains(err.Error(), `geo_gating_ineligible: no user "nobody_here"`) {
		t.Errorf("unknown user: error %v, want one naming it", err)
	}
	if _, err := parse(); err != nil {
		t.Errorf("no flags: %v", err)
	}
}
