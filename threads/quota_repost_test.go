package threads

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestPublishingLimitEveryGroup(t *testing.T) {
	t.Parallel()
	c, mux, _ := setup(t)
	mux.HandleFunc("/me/threads_publishing_limit", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, http.MethodGet)
		testFormValues(t, r, map[string]string{"fields": "quota_usage,config,reply_quota_usage,reply_config,delete_quota_usage," +
			"delete_config,location_search_quota_usage,location_search_config,search_quota_usage,search_config"})
		writeJSON(w, 200, `{"data":[{"quota_usage":4,"config":{"quota_total":250,"quota_duration":86400},`+
			`"reply_quota_usage":3,"reply_config":{"quota_total":1000,"quota_duration":86400},`+
			`"delete_quota_usage":7,"delete_config":{"quota_total":100,"quota_duration":86400},`+
			`"location_search_quota_usage":1,"location_search_config":{"quota_total":500,"quota_duration":86400},`+
			`"search_quota_usage":12,"search_config":{"quota_total":2200,"quota_duration":86400}}]}`)
	})
	pl, _, err := c.PublishingLimit(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if pl.DeleteQuotaUsage != 7 || pl.DeleteConfig.QuotaTotal != 100 || pl.SearchQuotaUsage != 12 ||
		pl.SearchConfig.QuotaTotal != 2200 || pl.SearchConfig.QuotaDuration != 86400 || pl.LocationSearchConfig.QuotaTotal != 500 {
		t.Errorf("limit = %+v", pl)
	}
}

// TestPublishingLimitSearchFieldsRefused: Meta's reference does not list the
// search-quota fields; if Meta refuses them, the documented groups are read.
func TestPublishingLimitSearchFieldsRefused(t *testing.T) {
	t.Parallel()
	c, mux, _ := setup(t)
	var asked []string
	mux.HandleFunc("/me/threads_publishing_limit", func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		asked = append(asked, r.Form.Get("fields"))
		if slices.Contains(strings.Split(r.Form.Get("fields"), ","), "search_quota_usage") {
			writeJSON(w, 400, `{"error":{"message":"(#100) Tried accessing nonexisting field (search_quota_usage)","type":"THApiException","code":100}}`)
			return
		}
		writeJSON(w, 200, `{"data":[{"quota_usage":1,"delete_quota_usage":2}]}`)
	})
	pl, _, err := c.PublishingLimit(t.Context())
	if err != nil || pl.QuotaUsage != 1 || pl.DeleteQuotaUsage != 2 || pl.SearchConfig != nil {
		t.Fatalf("limit = %+v, %v", pl, err)
	}
	if len(asked) != 2 || asked[1] != strings.Join(documentedQuotaFields, ",") {
		t.Errorf("asked = %q", asked)
	}
	// Explicit fields are never rewritten.
	asked = nil
	if _, _, err := c.PublishingLimit(t.Context(), "search_quota_usage"); err == nil {
		t.Error("explicit search field: refusal swallowed")
	}
	if len(asked) != 1 {
		t.Errorf("explicit search field retried: %q", asked)
	}
}

func TestPublishingLimitPermissionNotRetriedWithoutSearch(t *testing.T) {
	t.Parallel()
	c, mux, _ := setup(t, WithRetryPolicy(RetryPolicy{MaxAttempts: 1}))
	calls := 0
	mux.HandleFunc("/me/threads_publishing_limit", func(w http.ResponseWriter, r *http.Request) {
		calls++
		writeJSON(w, 500, `{"error":{"message":"Application does not have permission for this action","type":"THApiException","code":10}}`)
	})
	if _, _, err := c.PublishingLimit(t.Context()); !errors.Is(err, ErrPermission) || calls != 1 {
		t.Errorf("err = %v after %d calls", err, calls)
	}
}

func TestDeleteAndRepostMetaErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, path, method, body string
		status                   int
		want                     ErrorKind
		wantCalls                int
		call                     func(c *Client) error
	}{
		{"Delete without threads_delete", "/m1", http.MethodDelete,
			`{"error":{"message":"Application does not have permission for this action","code":10,"type":"THApiException"}}`, 500, KindPermission, 1,
			func(c *Client) error { _, _, err := c.Delete(t.Context(), "m1"); return err }},
		{"Delete someone else's post", "/m2", http.MethodDelete,
			`{"error":{"message":"Unsupported delete request. Object with ID 'm2' does not exist, cannot be loaded due to missing permissions, or does not support this operation","type":"THApiException","code":100,"error_subcode":33}}`, 400, KindNotFound, 1,
			func(c *Client) error { _, _, err := c.Delete(t.Context(), "m2"); return err }},
		{"Delete over quota", "/m3", http.MethodDelete,
			`{"error":{"message":"Application request limit reached","type":"THApiException","code":4}}`, 400, KindRateLimited, 3, // a rate-limit refusal proves nothing was deleted: retried
			func(c *Client) error { _, _, err := c.Delete(t.Context(), "m3"); return err }},
		{"Repost unknown post", "/m4/repost", http.MethodPost,
			`{"error":{"message":"Unsupported post request. Object with ID 'm4' does not exist","type":"THApiException","code":100,"error_subcode":33}}`, 400, KindNotFound, 1,
			func(c *Client) error { _, _, err := c.Repost(t.Context(), "m4"); return err }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, mux, _ := setup(t)
			calls := 0
			mux.HandleFunc(tc.path, func(w http.ResponseWriter, r *http.Request) {
				calls++
				testMethod(t, r, tc.method)
				writeJSON(w, tc.status, tc.body)
			})
			err := tc.call(c)
			var ae *APIError
			if !errors.As(err, &ae) || ae.Kind() != tc.want {
				t.Fatalf("error = %v, want kind %v", err, tc.want)
			}
			if calls != tc.wantCalls {
				t.Errorf("calls = %d, want %d", calls, tc.wantCalls)
			}
		})
	}
}

func TestFindRepost(t *testing.T) {
	t.Parallel()
	since := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	c, mux, _ := setup(t)
	mux.HandleFunc("/me/threads", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, http.MethodGet)
		testFormValues(t, r, map[string]string{"fields": "id,media_type,reposted_post,timestamp,permalink", "limit": "25",
			"since": formatTime(since.Add(-recoverySlack))})
		writeJSON(w, 200, `{"data":[{"id":"p1","media_type":"TEXT_POST"},{"id":"rp0","media_type":"REPOST_FACADE","reposted_post":{"id":"other"}},`+
			`{"id":"rp1","media_type":"REPOST_FACADE","reposted_post":{"id":"orig"}}]}`)
	})
	m, _, err := c.FindRepost(t.Context(), "orig", since)
	if err != nil || m == nil || m.ID != "rp1" {
		t.Fatalf("FindRepost = %+v, %v", m, err)
	}
	if m, _, err := c.FindRepost(t.Context(), "none", since); err != nil || m != nil {
		t.Errorf("FindRepost(none) = %+v, %v", m, err)
	}
}
