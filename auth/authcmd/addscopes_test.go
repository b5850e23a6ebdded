package authcmd_test

import (
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/threads-mcp/threads-mcp/auth/authcmd"
	"github.com/threads-mcp/threads-mcp/threads/emulator"
	"github.com/threads-mcp/threads-mcp/tools/state"
)

var scopeParam = regexp.MustCompile(`[?&]scope=([^&\s]+)`)

// TestLoginAddScopes: `auth login --account NAME --add-scopes S` asks for
// the account's granted scopes plus S, and stores them all.
func TestLoginAddScopes(t *testing.T) {
	h := newHarness(t)
	uid := h.srv.AddUser(emulator.UserSpec{Username: "scoped"})
	st := h.store(t)
	granted := []string{"threads_basic", "threads_content_publish", "threads_read_replies"}
	if err := st.PutAccount(t.Context(), state.Account{Name: "work", UserID: uid, Username: "scoped", Token: "old-token-0123456789", Scopes: granted}); err != nil {
		t.Fatal(err)
	}
	// The authorize URL is printed before the code is pasted; get a code
	// for exactly the scopes it asks for.
	code := func(scope string) string {
		q := url.Values{"client_id": {h.env["THREADS_APP_ID"]}, "redirect_uri": {authcmd.DefaultRedirectURI}, "response_type": {"code"},
			"scope": {scope}, "user_id": {uid}}
		u, _ := url.Parse(location(t, h.srv.URL+"/oauth/authorize?"+q.Encode()))
		return u.Query().Get("code")
	}
	want := append(slices.Clone(granted), "threads_delete")
	exit, _, stderr := h.run(t, code(strings.Join(want, ","))+"\ny\n", "login", "--account", "work", "--add-scopes", "threads_delete")
	if exit != 0 {
		t.Fatalf("login --add-scopes: exit %d\n%s", exit, stderr)
	}
	m := scopeParam.FindStringSubmatch(stderr)
	if m == nil {
		t.Fatalf("no scope in the printed address:\n%s", stderr)
	}
	asked, _ := url.QueryUnescape(m[1])
	if asked != strings.Join(want, ",") {
		t.Errorf("asked for %q, want the granted scopes plus threads_delete: %q", asked, strings.Join(want, ","))
	}
	a, err := st.AccountByName(t.Context(), "work")
	if err != nil {
		t.Fatal(err)
	}
	// The granted scopes, as debug_token lists them (in its own order).
	if !slices.Equal(slices.Sorted(slices.Values(a.Scopes)), slices.Sorted(slices.Values(want))) {
		t.Errorf("stored scopes %v, want %v", a.Scopes, want)
	}

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"login", "--account", "ghost", "--add-scopes", "threads_delete"}, "no stored account"},
		{[]string{"login", "--account", "work", "--add-scopes", "delete"}, "not a Threads scope"},
		{[]string{"login", "--account", "work", "--add-scopes", "threads_delete", "--scopes", "threads_basic"}, "exclude each other"},
	} {
		if exit, _, stderr := h.run(t, "", tc.args...); exit == 0 || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want a failure containing %q", tc.args, exit, stderr, tc.want)
		}
	}
}
