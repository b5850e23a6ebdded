package accounts_test

import (
	"errors"
	"testing"

	"github.com/threads-mcp/threads-mcp/auth/accounts"
	"github.com/threads-mcp/threads-mcp/threads"
)

// TestMissingScopeOfQuotaFields: a default login (no threads_delete) asking
// for the delete quota is refused, and the error names threads_delete, not
// threads_content_publish (which the account has).
func TestMissingScopeOfQuotaFields(t *testing.T) {
	h := newAcctHarness(t)
	h.putFresh(t, "work", h.user("bob_t"), "bob_t")
	r, err := accounts.New(t.Context(), accounts.Options{Store: h.store(t), BaseURL: h.emu.BaseURL()})
	if err != nil {
		t.Fatal(err)
	}
	acct, err := r.Resolve(t.Context(), "work")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := acct.API.PublishingLimit(t.Context(), "quota_usage", "config"); err != nil {
		t.Fatalf("the post quota needs only threads_content_publish: %v", err)
	}
	for _, tc := range []struct {
		fields []string
		want   string
	}{
		{[]string{"delete_quota_usage", "delete_config"}, "threads_delete"},
		{[]string{"quota_usage", "location_search_quota_usage"}, "threads_location_tagging"},
	} {
		_, _, err := acct.API.PublishingLimit(t.Context(), tc.fields...)
		var ae *threads.APIError
		if !errors.As(err, &ae) || ae.Kind() != threads.KindPermission {
			t.Fatalf("%v: %v, want a permission error", tc.fields, err)
		}
		if got := ae.MissingScope(); got != tc.want {
			t.Errorf("%v: MissingScope = %q, want %q", tc.fields, got, tc.want)
		}
	}
}
