package tools_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
	"github.com/mark3labs/mcp-go/server/servertest"

	"github.com/threads-mcp/threads-mcp/schemas"
	"github.com/threads-mcp/threads-mcp/threads"
	"github.com/threads-mcp/threads-mcp/threads/emulator"
	"github.com/threads-mcp/threads-mcp/tools"
	"github.com/threads-mcp/threads-mcp/tools/ledger"
	"github.com/threads-mcp/threads-mcp/tools/state"
)

// world is one server over the demo world, for tests that connect several
// clients to it.
type world struct {
	emu      *emulator.Server
	srv      *server.MCPServer
	notifier *tools.Notifier
}

// newWorld builds a server for the demo account; name is its stored name
// ("" for the unnamed environment account).
func newWorld(t *testing.T, name string, redact func(string) string, opts ...tools.NotifierOption) *world {
	t.Helper()
	emu := emulator.NewServer(emulator.WithDemoWorld(), emulator.WithTokenPrefix(sentinel))
	t.Cleanup(emu.Close)
	st, err := state.Open(t.Context(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	led, err := ledger.Open(t.Context(), st)
	if err != nil {
		t.Fatal(err)
	}
	api := threads.NewClient(threads.WithBaseURL(emu.BaseURL()), threads.WithToken(emu.DemoToken()),
		threads.WithPollPolicy(threads.PollPolicy{Initial: 20 * time.Millisecond, Max: 100 * time.Millisecond, Multiplier: 1.5, Deadline: 20 * time.Second, VideoDeadline: 20 * time.Second}))
	n := tools.NewNotifier(opts...)
	srv := tools.NewServer(tools.Deps{
		Accounts: &tools.SingleAccount{Account: tools.Account{Name: name, API: api}, Source: "environment"},
		Settings: st, Sandbox: true, Ledger: led, Notifier: n, Redact: redact,
	}, "test")
	return &world{emu: emu, srv: srv, notifier: n}
}

// peer is one client of a world and the notifications it received.
type peer struct {
	c     *client.Client
	notes chan mcp.JSONRPCNotification
}

// connect opens an in-process client speaking protocol version (legacy
// versions make the initialize handshake; mcp.LATEST_PROTOCOL_VERSION is
// the stateless 2026-07-28 core).
func (w *world) connect(t *testing.T, version string) *peer {
	t.Helper()
	c, err := client.NewInProcessClient(w.srv)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	p := &peer{c: c, notes: make(chan mcp.JSONRPCNotification, 256)}
	c.OnNotification(func(n mcp.JSONRPCNotification) {
		select {
		case p.notes <- n:
		default:
		}
	})
	if err := c.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	init := mcp.InitializeRequest{}
	init.Params.ProtocolVersion = version
	init.Params.ClientInfo = mcp.Implementation{Name: "surface-test", Version: "0"}
	if _, err := c.Initialize(t.Context(), init); err != nil {
		t.Fatal(err)
	}
	return p
}

// await returns the first notification of method received within d.
func (p *peer) await(method string, d time.Duration) (mcp.JSONRPCNotification, bool) {
	deadline := time.After(d)
	for {
		select {
		case n := <-p.notes:
			if n.Method == method {
				return n, true
			}
		case <-deadline:
			return mcp.JSONRPCNotification{}, false
		}
	}
}

func (p *peer) read(t *testing.T, uri string) (map[string]any, mcp.TextResourceContents, error) {
	t.Helper()
	req := mcp.ReadResourceRequest{}
	req.Params.URI = uri
	res, err := p.c.ReadResource(t.Context(), req)
	if err != nil {
		return nil, mcp.TextResourceContents{}, err
	}
	if len(res.Contents) != 1 {
		t.Fatalf("%s: %d contents", uri, len(res.Contents))
	}
	tc, ok := res.Contents[0].(mcp.TextResourceContents)
	if !ok {
		t.Fatalf("%s: contents are %T", uri, res.Contents[0])
	}
	if strings.Contains(tc.Text, sentinel) {
		t.Errorf("%s: a token leaked: %s", uri, tc.Text)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(tc.Text), &m); err != nil {
		t.Fatalf("%s: not JSON: %v\n%s", uri, err, tc.Text)
	}
	return m, tc, nil
}

func (p *peer) callTool(t *testing.T, name string, args map[string]any) map[string]any {
	t.Helper()
	req := mcp.CallToolRequest{}
	req.Params.Name, req.Params.Arguments = name, args
	res, err := p.c.CallTool(t.Context(), req)
	if err != nil || res.IsError {
		t.Fatalf("%s: %v %s", name, err, text(res))
	}
	return structuredMap(res)
}

// othersReply returns a post of the demo account and a reply to it written
// by another user.
func othersReply(t *testing.T, emu *emulator.Server) (post, reply string) {
	t.Helper()
	own := map[string]bool{}
	for _, p := range emu.Posts(emu.DemoUserID()) {
		own[p.ID] = true
	}
	for _, u := range []string{"ada_builds", "lin_makes", "quill_and_ink", "river_runs"} {
		for _, p := range emu.Posts(emu.UserIDByUsername(u)) {
			if own[p.ReplyToID] {
				return p.ReplyToID, p.ID
			}
		}
	}
	t.Fatal("the demo world has no reply by another user to the demo account")
	return "", ""
}

func TestResources(t *testing.T) {
	for _, name := range []string{"", "work"} {
		t.Run("account "+name, func(t *testing.T) {
			w := newWorld(t, name, nil)
			p := w.connect(t, mcp.LATEST_PROTOCOL_VERSION)
			seg := name
			if seg == "" {
				seg = tools.DefaultAccountAlias
			}

			list, err := p.c.ListResources(t.Context(), mcp.ListResourcesRequest{})
			if err != nil {
				t.Fatal(err)
			}
			var uris []string
			for _, r := range list.Resources {
				uris = append(uris, r.URI)
			}
			for _, want := range []string{tools.ResourceAccounts, "threads://" + seg + "/profile", "threads://" + seg + "/posts"} {
				if !slices.Contains(uris, want) {
					t.Errorf("resources/list lacks %s: %v", want, uris)
				}
			}
			tl, err := p.c.ListResourceTemplates(t.Context(), mcp.ListResourceTemplatesRequest{})
			if err != nil {
				t.Fatal(err)
			}
			var tmpls []string
			for _, r := range tl.ResourceTemplates {
				tmpls = append(tmpls, r.URITemplate.Raw())
			}
			slices.Sort(tmpls)
			if want := []string{"threads://posts/{id}", "threads://posts/{id}/replies", "threads://{account}/inbox", "threads://{account}/posts", "threads://{account}/profile", "threads://{account}/scheduled"}; !slices.Equal(tmpls, want) {
				t.Errorf("templates = %v, want %v", tmpls, want)
			}

			m, _, err := p.read(t, tools.ResourceAccounts)
			if err != nil {
				t.Fatal(err)
			}
			if accts, _ := m["accounts"].([]any); len(accts) != 1 {
				t.Errorf("accounts = %v", m)
			}
			m, _, err = p.read(t, "threads://"+seg+"/profile")
			if err != nil {
				t.Fatal(err)
			}
			if m["username"] != emulator.DemoUsername || m["own"] != true {
				t.Errorf("profile = %v", m)
			}
			m, _, err = p.read(t, "threads://"+seg+"/posts")
			if err != nil {
				t.Fatal(err)
			}
			posts, _ := m["posts"].([]any)
			if len(posts) == 0 {
				t.Fatalf("posts = %v", m)
			}

			post, reply := othersReply(t, w.emu)
			m, _, err = p.read(t, tools.PostResourceURI(post))
			if err != nil {
				t.Fatal(err)
			}
			if pm, _ := m["post"].(map[string]any); pm["id"] != post {
				t.Errorf("post = %v", m)
			}
			_, tc, err := p.read(t, tools.PostResourceURI(post))
			if err != nil || tc.Meta != nil {
				t.Errorf("own post: meta %v, %v", tc.Meta, err)
			}
			if _, tc, err := p.read(t, tools.PostResourceURI(reply)); err != nil || tc.Meta["untrusted_content"] != true {
				t.Errorf("another user's post not marked untrusted: meta %v, %v", tc.Meta, err)
			}
			m, tc, err = p.read(t, tools.RepliesResourceURI(post))
			if err != nil {
				t.Fatal(err)
			}
			if m["notice"] == nil || tc.Meta["untrusted_content"] != true || tc.Meta["notice"] != schemas.UntrustedNotice {
				t.Errorf("replies lack the untrusted marker: meta %v, %v", tc.Meta, m["notice"])
			}
			found := false
			for _, r := range m["replies"].([]any) {
				r := r.(map[string]any)
				if r["id"] == reply {
					found = true
					if r["untrusted_content"] != true {
						t.Errorf("another user's reply not marked untrusted: %v", r)
					}
				}
			}
			if !found {
				t.Errorf("reply %s not in %v", reply, m["replies"])
			}

			// Errors: an account that is not configured, a URI that is no resource.
			for _, uri := range []string{"threads://nobody/profile", "threads://" + seg + "/nothing", "threads://posts/12/13", "other://accounts"} {
				if _, _, err := p.read(t, uri); err == nil {
					t.Errorf("%s: read succeeded", uri)
				}
			}
			if _, _, err := p.read(t, "threads://nobody/posts"); err == nil || !strings.Contains(err.Error(), "nobody") {
				t.Errorf("unknown account: %v", err)
			}
		})
	}
}

func TestResourceSubscriptions(t *testing.T) {
	w := newWorld(t, "", nil)
	post, _ := othersReply(t, w.emu)
	uri := tools.RepliesResourceURI(post)
	subscribed := w.connect(t, mcp.LATEST_LEGACY_PROTOCOL_VERSION)
	bystander := w.connect(t, mcp.LATEST_LEGACY_PROTOCOL_VERSION)

	sub := mcp.SubscribeRequest{}
	sub.Params.URI = uri
	if err := subscribed.c.Subscribe(t.Context(), sub); err != nil {
		t.Fatal(err)
	}
	other := mcp.SubscribeRequest{}
	other.Params.URI = tools.RepliesResourceURI("999")
	if err := bystander.c.Subscribe(t.Context(), other); err != nil {
		t.Fatal(err)
	}
	if !w.notifier.Subscribed(uri) {
		t.Fatal("subscription not remembered")
	}
	if n := w.notifier.ResourceUpdated(uri); n != 1 {
		t.Errorf("ResourceUpdated sent %d notifications, want 1", n)
	}
	n, ok := subscribed.await(string(mcp.MethodNotificationResourceUpdated), 2*time.Second)
	if !ok || n.Params.AdditionalFields["uri"] != uri {
		t.Fatalf("subscribed client got %v, %v", n, ok)
	}
	if n, ok := bystander.await(string(mcp.MethodNotificationResourceUpdated), 200*time.Millisecond); ok {
		t.Errorf("unsubscribed client got %v", n)
	}

	// A 2026-07-28 client subscribes with subscriptions/listen, for as
	// long as the stream is open.
	modern := w.connect(t, mcp.LATEST_PROTOCOL_VERSION)
	lctx, stop := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() {
		done <- modern.c.Listen(lctx, mcp.SubscriptionFilter{ResourceSubscriptions: []string{uri}})
	}()
	if _, ok := modern.await(mcp.MethodNotificationSubscriptionsAcknowledged, 2*time.Second); !ok {
		t.Fatal("subscriptions/listen was not acknowledged")
	}
	if n := w.notifier.ResourceUpdated(uri); n != 2 {
		t.Errorf("with a listening client: sent %d, want 2", n)
	}
	if _, ok := modern.await(string(mcp.MethodNotificationResourceUpdated), 2*time.Second); !ok {
		t.Error("listening client got no update")
	}
	stop()
	<-done

	unsub := mcp.UnsubscribeRequest{}
	unsub.Params.URI = uri
	if err := subscribed.c.Unsubscribe(t.Context(), unsub); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(2 * time.Second)
	for w.notifier.Subscribed(uri) && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := w.notifier.ResourceUpdated(uri); n != 0 {
		t.Errorf("after unsubscribe and end of listen: sent %d, want 0", n)
	}

	w.notifier.ResourceListChanged()
	if _, ok := subscribed.await(string(mcp.MethodNotificationResourcesListChanged), 2*time.Second); !ok {
		t.Error("no notifications/resources/list_changed")
	}

	// A publish by this server updates the account's posts resource.
	posts := tools.AccountResourceURI("", "posts")
	sub.Params.URI = posts
	if err := bystander.c.Subscribe(t.Context(), sub); err != nil {
		t.Fatal(err)
	}
	subscribed.callTool(t, "publish_text", map[string]any{"text": "news for subscribers"})
	if n, ok := bystander.await(string(mcp.MethodNotificationResourceUpdated), 2*time.Second); !ok || n.Params.AdditionalFields["uri"] != posts {
		t.Errorf("publish did not update %s: %v", posts, n)
	}
}

func TestPrompts(t *testing.T) {
	w := newWorld(t, "", nil)
	p := w.connect(t, mcp.LATEST_PROTOCOL_VERSION)
	list, err := p.c.ListPrompts(t.Context(), mcp.ListPromptsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	args := map[string][]string{}
	for _, pr := range list.Prompts {
		for _, a := range pr.Arguments {
			args[pr.Name] = append(args[pr.Name], a.Name)
		}
		if pr.Title == "" || pr.Description == "" {
			t.Errorf("%s: no title or description", pr.Name)
		}
	}
	want := map[string][]string{
		tools.PromptTriageReplies: {"account", "post_id", "since"},
		tools.PromptDraftThread:   {"topic", "parts", "account"},
		tools.PromptWeeklyReport:  {"account", "days"},
	}
	for name, w := range want {
		if !slices.Equal(args[name], w) {
			t.Errorf("%s arguments = %v, want %v", name, args[name], w)
		}
	}

	get := func(name string, a map[string]string) (string, error) {
		req := mcp.GetPromptRequest{}
		req.Params.Name, req.Params.Arguments = name, a
		res, err := p.c.GetPrompt(t.Context(), req)
		if err != nil {
			return "", err
		}
		var parts []string
		for _, m := range res.Messages {
			if tc, ok := m.Content.(mcp.TextContent); ok {
				parts = append(parts, tc.Text)
			}
		}
		return strings.Join(parts, "\n"), nil
	}
	tests := []struct {
		name string
		args map[string]string
		want []string
	}{
		{tools.PromptTriageReplies, nil, []string{"list_posts", "list_replies", "hide_reply", "reply", "ignore_reply", "untrusted_content", "1d"}},
		{tools.PromptTriageReplies, map[string]string{"account": "work", "post_id": "123", "since": "12h"}, []string{`account="work"`, "post_id=123", "12h"}},
		{tools.PromptDraftThread, map[string]string{"topic": "Go generics"}, []string{"Go generics", "3 part", "500 counted characters", schemas.CountingNote, "publish_text", "reply_to_id", "idempotency_key"}},
		{tools.PromptDraftThread, map[string]string{"topic": "x", "parts": "5"}, []string{"5 part"}},
		{tools.PromptWeeklyReport, nil, []string{"get_top_posts", "since=7d", "get_insights", time.Now().UTC().AddDate(0, 0, -7).Format(time.DateOnly)}},
	}
	for _, tc := range tests {
		got, err := get(tc.name, tc.args)
		if err != nil {
			t.Errorf("%s %v: %v", tc.name, tc.args, err)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s %v lacks %q:\n%s", tc.name, tc.args, w, got)
			}
		}
	}
	for _, bad := range []struct {
		name string
		args map[string]string
		want string
	}{
		{tools.PromptDraftThread, nil, "topic"},
		{tools.PromptDraftThread, map[string]string{"topic": "x", "parts": "0"}, "parts"},
		{tools.PromptWeeklyReport, map[string]string{"days": "365"}, "days"},
		{tools.PromptTriageReplies, map[string]string{"post_id": "abc"}, "post_id"},
		{tools.PromptTriageReplies, map[string]string{"since": "last tuesday"}, "since"},
	} {
		if _, err := get(bad.name, bad.args); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%s %v: err = %v, want one naming %s", bad.name, bad.args, err, bad.want)
		}
	}
}

func TestCompletions(t *testing.T) {
	w := newWorld(t, "work", nil)
	p := w.connect(t, mcp.LATEST_PROTOCOL_VERSION)
	complete := func(ref any, arg, value string, ctx map[string]string) []string {
		t.Helper()
		req := mcp.CompleteRequest{}
		req.Params.Ref = ref
		req.Params.Argument = mcp.CompleteArgument{Name: arg, Value: value}
		req.Params.Context = mcp.CompleteContext{Arguments: ctx}
		res, err := p.c.Complete(t.Context(), req)
		if err != nil {
			t.Fatalf("complete %s: %v", arg, err)
		}
		return res.Completion.Values
	}
	prompt := mcp.PromptReference{Type: "ref/prompt", Name: tools.PromptTriageReplies}
	if got := complete(prompt, "account", "", nil); !slices.Equal(got, []string{"work"}) {
		t.Errorf("account completions = %v", got)
	}
	if got := complete(prompt, "account", "WO", nil); !slices.Equal(got, []string{"work"}) {
		t.Errorf("account completions for WO = %v", got)
	}
	if got := complete(prompt, "account", "x", nil); len(got) != 0 {
		t.Errorf("account completions for x = %v", got)
	}
	var own []string
	for _, po := range w.emu.Posts(w.emu.DemoUserID()) {
		if po.ReplyToID == "" && !po.IsGhost {
			own = append(own, po.ID)
		}
	}
	ids := complete(prompt, "post_id", "", map[string]string{"account": "work"})
	if len(ids) == 0 {
		t.Fatal("no post id completions")
	}
	for _, id := range ids {
		if !slices.Contains(own, id) {
			t.Errorf("completed %s, not a post of the account", id)
		}
	}
	if got := complete(prompt, "post_id", ids[0], nil); !slices.Contains(got, ids[0]) {
		t.Errorf("prefix %s: %v", ids[0], got)
	}
	if got := complete(prompt, "post_id", "", map[string]string{"account": "nobody"}); len(got) != 0 {
		t.Errorf("unknown account completed %v", got)
	}
	res := mcp.ResourceReference{Type: "ref/resource", URI: "threads://posts/{id}/replies"}
	if got := complete(res, "id", "", nil); !slices.Equal(got, ids) {
		t.Errorf("resource id completions = %v, want %v", got, ids)
	}
	if got := complete(mcp.ResourceReference{Type: "ref/resource", URI: "threads://{account}/profile"}, "account", "w", nil); !slices.Equal(got, []string{"work"}) {
		t.Errorf("resource account completions = %v", got)
	}
}

func TestLoggingEvents(t *testing.T) {
	const secret = "SECRET-IN-A-PERMALINK"
	w := newWorld(t, "", func(s string) string { return strings.ReplaceAll(s, secret, "[REDACTED]") })
	caller := w.connect(t, mcp.LATEST_LEGACY_PROTOCOL_VERSION)
	quiet := w.connect(t, mcp.LATEST_LEGACY_PROTOCOL_VERSION)
	listener := w.connect(t, mcp.LATEST_LEGACY_PROTOCOL_VERSION)
	for _, p := range []*peer{caller, listener} {
		req := mcp.SetLevelRequest{}
		req.Params.Level = mcp.LoggingLevelInfo
		if err := p.c.SetLevel(t.Context(), req); err != nil {
			t.Fatal(err)
		}
	}
	out := caller.callTool(t, "publish_text", map[string]any{"text": "logged publish"})
	for who, p := range map[string]*peer{"caller": caller, "listener": listener} {
		n, ok := p.await(string(mcp.MethodNotificationMessage), 2*time.Second)
		if !ok {
			t.Fatalf("%s got no notifications/message", who)
		}
		data, _ := n.Params.AdditionalFields["data"].(map[string]any)
		if fmt.Sprint(n.Params.AdditionalFields["level"]) != "info" || n.Params.AdditionalFields["logger"] != tools.EventLogger ||
			data["event"] != tools.EventPostPublished || data["post_id"] != out["id"] || data["permalink"] != out["permalink"] ||
			data["tool"] != "publish_text" {
			t.Errorf("%s: event = %v, result %v", who, n.Params.AdditionalFields, out)
		}
	}
	// Once each: the caller is not sent its own event twice.
	if n, ok := caller.await(string(mcp.MethodNotificationMessage), 200*time.Millisecond); ok {
		t.Errorf("caller got the event twice: %v", n)
	}
	// The session level is error until the client lowers it.
	if n, ok := quiet.await(string(mcp.MethodNotificationMessage), 200*time.Millisecond); ok {
		t.Errorf("client at level error got %v", n)
	}

	// Events are scrubbed like log lines and honour the level.
	w.notifier.Event(t.Context(), mcp.LoggingLevelNotice, "token_refreshed", map[string]any{"note": "token " + secret})
	n, ok := listener.await(string(mcp.MethodNotificationMessage), 2*time.Second)
	if !ok {
		t.Fatal("no event")
	}
	if b, _ := json.Marshal(n); strings.Contains(string(b), secret) || !strings.Contains(string(b), "[REDACTED]") {
		t.Errorf("event not scrubbed: %s", b)
	}
	w.notifier.Event(t.Context(), mcp.LoggingLevelDebug, "noise", nil)
	if n, ok := listener.await(string(mcp.MethodNotificationMessage), 200*time.Millisecond); ok {
		t.Errorf("debug event reached a client at info: %v", n)
	}

	// A 2026-07-28 client gets events for the requests that ask for them.
	modern := w.connect(t, mcp.LATEST_PROTOCOL_VERSION)
	modern.callTool(t, "publish_text", map[string]any{"text": "unlogged modern publish"})
	if n, ok := modern.await(string(mcp.MethodNotificationMessage), 200*time.Millisecond); ok {
		t.Errorf("modern client without a level got %v", n)
	}
	req := mcp.SetLevelRequest{}
	req.Params.Level = mcp.LoggingLevelInfo
	if err := modern.c.SetLevel(t.Context(), req); err != nil {
		t.Fatal(err)
	}
	modern.callTool(t, "publish_text", map[string]any{"text": "logged modern publish"})
	if _, ok := modern.await(string(mcp.MethodNotificationMessage), 2*time.Second); !ok {
		t.Error("modern client at info got no event")
	}
}

// TestEventsRequestOnly: with NotifyRequestOnly (clients are different
// people), a publish is told to the client that made it and to no other
// session, whatever its level.
func TestEventsRequestOnly(t *testing.T) {
	w := newWorld(t, "", nil, tools.NotifyRequestOnly())
	caller := w.connect(t, mcp.LATEST_LEGACY_PROTOCOL_VERSION)
	other := w.connect(t, mcp.LATEST_LEGACY_PROTOCOL_VERSION)
	for _, p := range []*peer{caller, other} {
		req := mcp.SetLevelRequest{}
		req.Params.Level = mcp.LoggingLevelDebug
		if err := p.c.SetLevel(t.Context(), req); err != nil {
			t.Fatal(err)
		}
	}
	caller.callTool(t, "publish_text", map[string]any{"text": "my own business"})
	if _, ok := caller.await(string(mcp.MethodNotificationMessage), 2*time.Second); !ok {
		t.Fatal("the caller got no event of its own publish")
	}
	if n, ok := other.await(string(mcp.MethodNotificationMessage), 300*time.Millisecond); ok {
		t.Errorf("another session heard of the publish: %v", n.Params.AdditionalFields)
	}
}

func TestServerIdentity(t *testing.T) {
	w := newWorld(t, "", nil)
	c, err := client.NewInProcessClient(w.srv)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if err := c.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	init := mcp.InitializeRequest{}
	init.Params.ProtocolVersion = mcp.LATEST_LEGACY_PROTOCOL_VERSION
	init.Params.ClientInfo = mcp.Implementation{Name: "surface-test", Version: "0"}
	res, err := c.Initialize(t.Context(), init)
	if err != nil {
		t.Fatal(err)
	}
	if res.ServerInfo.Title != tools.ServerTitle || len(res.ServerInfo.Icons) == 0 ||
		!strings.HasPrefix(res.ServerInfo.Icons[0].Src, "data:image/svg+xml;base64,") {
		t.Errorf("server info = %+v", res.ServerInfo)
	}
	caps := res.Capabilities
	if caps.Resources == nil || !caps.Resources.Subscribe || !caps.Resources.ListChanged || caps.Prompts == nil ||
		caps.Logging == nil || caps.Completions == nil {
		t.Errorf("capabilities = %+v", caps)
	}
	// Tools carry no icons: tools/list is paid for in every model context,
	// and a toolset's icon on each of its tools cost 8 KB.
	for _, tl := range tools.Tools() {
		if n := len(tl.Definition().Icons); n != 0 {
			t.Errorf("%s: %d icons", tl.Name(), n)
		}
	}
}

// Over Streamable HTTP as the server runs it (stateless, no GET stream), a
// 2026-07-28 client holding subscriptions/listen receives the updates of
// the resources it listed, and another client receives nothing.
func TestResourceUpdatesOverStatelessHTTP(t *testing.T) {
	w := newWorld(t, "", nil)
	ts := servertest.NewTestStreamableHTTPServer(w.srv, server.WithStateLess(true), server.WithDisableStreaming(true))
	t.Cleanup(ts.Close)
	connect := func() *peer {
		c, err := client.NewStreamableHttpClient(ts.URL + "/mcp")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		p := &peer{c: c, notes: make(chan mcp.JSONRPCNotification, 64)}
		c.OnNotification(func(n mcp.JSONRPCNotification) {
			select {
			case p.notes <- n:
			default:
			}
		})
		if err := c.Start(t.Context()); err != nil {
			t.Fatal(err)
		}
		init := mcp.InitializeRequest{}
		init.Params.ClientInfo = mcp.Implementation{Name: "surface-http", Version: "0"}
		if _, err := c.Initialize(t.Context(), init); err != nil {
			t.Fatal(err)
		}
		return p
	}
	listener, other := connect(), connect()
	post, _ := othersReply(t, w.emu)
	uri := tools.RepliesResourceURI(post)
	lctx, stop := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- listener.c.Listen(lctx, mcp.SubscriptionFilter{ResourceSubscriptions: []string{uri}}) }()
	deadline := time.Now().Add(5 * time.Second)
	for !w.notifier.Subscribed(uri) && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := w.notifier.ResourceUpdated(uri); n != 1 {
		t.Fatalf("sent %d, want 1", n)
	}
	if n, ok := listener.await(string(mcp.MethodNotificationResourceUpdated), 2*time.Second); !ok || n.Params.AdditionalFields["uri"] != uri {
		t.Errorf("listener got %v, %v", n, ok)
	}
	if n, ok := other.await(string(mcp.MethodNotificationResourceUpdated), 300*time.Millisecond); ok {
		t.Errorf("the other client got %v", n)
	}
	stop()
	<-done
	deadline = time.Now().Add(5 * time.Second)
	for w.notifier.Subscribed(uri) && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if w.notifier.Subscribed(uri) {
		t.Error("subscription outlived its listen stream")
	}
}
