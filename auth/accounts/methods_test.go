package accounts_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/threads-mcp/threads-mcp/auth"
	"github.com/threads-mcp/threads-mcp/auth/accounts"
	"github.com/threads-mcp/threads-mcp/threads"
	"github.com/threads-mcp/threads-mcp/tools/state"
)

// methodArgs overrides the simple argument of a type for the methods that
// validate it before making a request.
var methodArgs = map[string]map[reflect.Type]any{
	"PublishImage":          {reflect.TypeFor[threads.Post](): threads.Post{ImageURL: "https://example.com/a.jpg"}},
	"PublishVideo":          {reflect.TypeFor[threads.Post](): threads.Post{VideoURL: "https://example.com/a.mp4"}},
	"PublishCarousel":       {reflect.TypeFor[threads.Post](): carousel},
	"PublishCarouselSerial": {reflect.TypeFor[threads.Post](): carousel},
	"KeywordSearch":         {reflect.TypeFor[threads.KeywordSearchOptions](): threads.KeywordSearchOptions{Query: "golang"}},
	"LocationSearch":        {reflect.TypeFor[threads.LocationSearchOptions](): threads.LocationSearchOptions{Query: "Berlin"}},
	"ResolveShortcode":      {reflect.TypeFor[threads.PostRef](): threads.PostRef{Username: "bob_t", Shortcode: "DAbCdEfGhIj"}},
	"Subscribe":             {reflect.TypeFor[threads.SubscribeOptions](): threads.SubscribeOptions{CallbackURL: "https://example.com/webhooks/threads"}},
}

// appCredentials are the methods that authenticate with the app's id and
// secret in the request, not with the account's token: an account's token
// error cannot be theirs.
var appCredentials = map[string]bool{"AppAccessToken": true}

var carousel = threads.Post{Items: []threads.CarouselItem{{ImageURL: "https://example.com/a.jpg"}, {ImageURL: "https://example.com/b.jpg"}}}

// simpleArg is a plain valid value of typ: a real context, short ids and
// texts, zero for everything else (option structs, variadic lists).
func simpleArg(ctx context.Context, method string, typ reflect.Type) reflect.Value {
	if v, ok := methodArgs[method][typ]; ok {
		return reflect.ValueOf(v)
	}
	switch {
	case typ == reflect.TypeFor[context.Context]():
		return reflect.ValueOf(ctx)
	case typ == reflect.TypeFor[threads.Post]():
		return reflect.ValueOf(threads.Post{Text: "hello", ReplyToID: "1"})
	case typ == reflect.TypeFor[threads.ContainerParams]():
		return reflect.ValueOf(threads.ContainerParams{MediaType: threads.MediaTypeText, Text: "hello"})
	case typ == reflect.TypeFor[time.Time]():
		return reflect.ValueOf(time.Now())
	case typ == reflect.TypeFor[time.Duration]():
		return reflect.ValueOf(time.Second)
	case typ.Kind() == reflect.String:
		return reflect.ValueOf("17841400000000001").Convert(typ)
	}
	return reflect.Zero(typ)
}

// callEveryMethod calls every exported method of client, enumerated by
// reflection, with simple arguments, and hands each error to check.
func callEveryMethod(t *testing.T, client *threads.Client, check func(t *testing.T, method string, err error)) {
	v := reflect.ValueOf(client)
	typ := v.Type()
	if typ.NumMethod() < 20 {
		t.Fatalf("only %d methods found on *threads.Client", typ.NumMethod())
	}
	errType := reflect.TypeFor[error]()
	for i := range typ.NumMethod() {
		m := typ.Method(i)
		if appCredentials[m.Name] {
			continue
		}
		t.Run(m.Name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
			defer cancel()
			mt := m.Func.Type() // receiver first
			var args []reflect.Value
			n := mt.NumIn()
			if mt.IsVariadic() {
				n-- // call with no variadic arguments
			}
			for j := 1; j < n; j++ {
				args = append(args, simpleArg(ctx, m.Name, mt.In(j)))
			}
			if mt.NumOut() == 0 || mt.Out(mt.NumOut()-1) != errType {
				t.Fatalf("%s does not return an error; decide here whether it needs a token", m.Name)
			}
			start := time.Now()
			out := v.Method(i).Call(args)
			err, _ := out[len(out)-1].Interface().(error)
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("%s took %v: a token error must fail at once, not be retried", m.Name, d)
			}
			var ae *threads.APIError
			if errors.As(err, &ae) {
				t.Errorf("%s: the token error is dressed as a Threads API error (%v, kind %v): tools would explain it as such", m.Name, ae, ae.Kind())
			}
			check(t, m.Name, err)
		})
	}
}

// storedClient is the *threads.Client of stored account name.
func storedClient(t *testing.T, h *acctHarness, name string) *threads.Client {
	t.Helper()
	r, err := accounts.New(t.Context(), accounts.Options{Store: h.store(t), BaseURL: h.emu.BaseURL()})
	if err != nil {
		t.Fatal(err)
	}
	acct, err := r.Resolve(t.Context(), name)
	if err != nil {
		t.Fatal(err)
	}
	client, ok := acct.API.(*threads.Client)
	if !ok {
		t.Fatalf("the account's API is a %T, not a *threads.Client", acct.API)
	}
	return client
}

// TestEveryClientMethodExpiredToken calls every exported method of
// *threads.Client as a stored account whose token has expired: each fails
// at once, without a request, with that account's own error. A method added
// to the client later is covered by construction.
func TestEveryClientMethodExpiredToken(t *testing.T) {
	h := newAcctHarness(t)
	uid := h.user("bob_t")
	now := time.Now()
	h.put(t, state.Account{Name: "work", UserID: uid, Username: "bob_t", Token: h.token(t, uid, 0),
		ObtainedAt: now.Add(-61 * 24 * time.Hour), ExpiresAt: now.Add(-time.Hour), Scopes: auth.DefaultScopes})
	h.putFresh(t, "personal", h.user("alice_t"), "alice_t")
	callEveryMethod(t, storedClient(t, h, "work"), func(t *testing.T, method string, err error) {
		var expired *auth.ExpiredError
		if !errors.As(err, &expired) || expired.Account != "work" {
			t.Fatalf("%s: err = %v, want the *auth.ExpiredError of account work", method, err)
		}
		if !strings.Contains(err.Error(), "run `threads-mcp auth login --account work`") {
			t.Errorf("%s: %v: does not name the login command of the account", method, err)
		}
	})
	if n := len(h.emu.Requests()); n != 0 {
		t.Errorf("%d requests reached Threads with an expired token, want none", n)
	}
}

// TestEveryClientMethodRejectedToken: the same for a token whose recorded
// expiry is ahead but which Threads refuses (code 190) while the store holds
// nothing newer: every method fails with the account's *auth.RejectedError.
func TestEveryClientMethodRejectedToken(t *testing.T) {
	h := newAcctHarness(t)
	uid := h.user("bob_t")
	tok := h.putFresh(t, "work", uid, "bob_t")
	h.emu.ExpireToken(tok)
	callEveryMethod(t, storedClient(t, h, "work"), func(t *testing.T, method string, err error) {
		var rej *auth.RejectedError
		if !errors.As(err, &rej) || rej.Account != "work" || rej.Env {
			t.Fatalf("%s: err = %v, want the *auth.RejectedError of account work", method, err)
		}
		if !strings.Contains(err.Error(), "run `threads-mcp auth login --account work`") {
			t.Errorf("%s: %v: does not name the login command of the account", method, err)
		}
	})
}
