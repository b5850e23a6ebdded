package threads

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestParseErrorBody(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		body string
		want APIError
	}{
		{
			name: "graph envelope, all members",
			body: `{"error":{"message":"The requested resource does not exist","type":"OAuthException","code":24,"error_subcode":4279009,"is_transient":false,"error_user_title":"Media Not Found","error_user_msg":"Không tìm thấy","fbtrace_id":"AOx"}}`,
			want: APIError{Message: "The requested resource does not exist", Type: "OAuthException", Code: 24, Subcode: 4279009,
				UserTitle: "Media Not Found", UserMessage: "Không tìm thấy", FBTraceID: "AOx"},
		},
		{
			name: "graph envelope, numeric strings and transient",
			body: `{"error":{"message":"retry","code":"2","error_subcode":"0","is_transient":true}}`,
			want: APIError{Message: "retry", Code: 2, IsTransient: true},
		},
		{
			name: "symbolic code",
			body: `{"error":{"message":"Too many links","type":"THApiException","code":"THREADS_API__LINK_LIMIT_EXCEEDED"}}`,
			want: APIError{Message: "Too many links", Type: "THApiException", ErrorCode: linkLimitCode},
		},
		{
			name: "symbolic code in message",
			body: `{"error":{"message":"THREADS_API__LINK_LIMIT_EXCEEDED: at most 5","code":100}}`,
			want: APIError{Message: "THREADS_API__LINK_LIMIT_EXCEEDED: at most 5", Code: 100, ErrorCode: linkLimitCode},
		},
		{
			name: "oauth envelope",
			body: `{"error_type":"OAuthException","code":400,"error_message":"Matching code was not found or was already used"}`,
			want: APIError{Type: "OAuthException", Code: 400, Message: "Matching code was not found or was already used"},
		},
		{
			name: "string error",
			body: `{"error":"invalid_request","error_description":"bad grant"}`,
			want: APIError{Message: "bad grant"},
		},
		{
			name: "html body",
			body: "<html><head><title>502</title></head><body><h1>Bad   Gateway</h1></body></html>",
			want: APIError{Message: "502 Bad Gateway"},
		},
		{
			name: "float code",
			body: `{"error":{"message":"x","code":1.0}}`,
			want: APIError{Message: "x", Code: 1},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var got APIError
			parseErrorBody(&got, []byte(tc.body))
			if fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", tc.want) {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
	var long APIError
	parseErrorBody(&long, []byte(strings.Repeat("x", 500)))
	if len(long.Message) > 210 || !strings.HasSuffix(long.Message, "…") {
		t.Errorf("long body not truncated: %d", len(long.Message))
	}
}

func TestKindAndSentinels(t *testing.T) {
	t.Parallel()
	netErr := errors.New("connection reset")
	tests := []struct {
		name      string
		err       APIError
		kind      ErrorKind
		sentinel  error
		retryable bool
	}{
		{"token 190", APIError{HTTPStatus: 400, Code: 190, Subcode: 463}, KindTokenInvalid, ErrTokenInvalid, false},
		{"401 no code", APIError{HTTPStatus: 401}, KindTokenInvalid, ErrTokenInvalid, false},
		{"scope code 10", APIError{HTTPStatus: 500, Code: 10}, KindPermission, ErrPermission, false},
		{"scope 100/10", APIError{HTTPStatus: 400, Code: 100, Subcode: 10}, KindPermission, ErrPermission, false},
		{"code 200", APIError{HTTPStatus: 400, Code: 200}, KindPermission, ErrPermission, false},
		{"403", APIError{HTTPStatus: 403}, KindPermission, ErrPermission, false},
		{"code 4", APIError{HTTPStatus: 400, Code: 4}, KindRateLimited, ErrRateLimited, true},
		{"code 17", APIError{HTTPStatus: 400, Code: 17}, KindRateLimited, ErrRateLimited, true},
		{"code 32", APIError{HTTPStatus: 400, Code: 32}, KindRateLimited, ErrRateLimited, true},
		{"code 613", APIError{HTTPStatus: 400, Code: 613}, KindRateLimited, ErrRateLimited, true},
		{"quota code 9", APIError{HTTPStatus: 400, Code: 9, Subcode: 2207042}, KindRateLimited, ErrRateLimited, true},
		{"429", APIError{HTTPStatus: 429}, KindRateLimited, ErrRateLimited, true},
		{"code 1", APIError{HTTPStatus: 500, Code: 1}, KindTransient, ErrTransient, true},
		{"code 2", APIError{HTTPStatus: 500, Code: 2}, KindTransient, ErrTransient, true},
		{"is_transient", APIError{HTTPStatus: 400, Code: 999, IsTransient: true}, KindTransient, ErrTransient, true},
		{"bare 503", APIError{HTTPStatus: 503}, KindTransient, ErrTransient, true},
		{"network", APIError{Err: netErr}, KindTransient, ErrTransient, true},
		{"not found 100/33", APIError{HTTPStatus: 400, Code: 100, Subcode: 33}, KindNotFound, ErrNotFound, false},
		{"does not exist", APIError{HTTPStatus: 400, Code: 100, Message: "Object with ID '1' does not exist"}, KindNotFound, ErrNotFound, false},
		{"404", APIError{HTTPStatus: 404}, KindNotFound, ErrNotFound, false},
		{"media not ready", APIError{HTTPStatus: 400, Code: 24, Subcode: 4279009, Message: "The requested resource does not exist"}, KindMediaNotReady, nil, true},
		{"invalid carousel", APIError{HTTPStatus: 400, Code: 100, Subcode: 4279004}, KindInvalidCarousel, ErrInvalidParameter, false},
		{"link limit code", APIError{HTTPStatus: 400, ErrorCode: linkLimitCode}, KindLinkLimit, ErrInvalidParameter, false},
		{"link limit in message", APIError{HTTPStatus: 400, Code: 100, Message: "THREADS_API__LINK_LIMIT_EXCEEDED"}, KindLinkLimit, ErrInvalidParameter, false},
		{"param", APIError{HTTPStatus: 400, Code: 100, Message: "Param text must be at most 500 characters long."}, KindInvalidParameter, ErrInvalidParameter, false},
		{"unknown", APIError{HTTPStatus: 400, Code: 368}, KindUnknown, nil, false},
	}
	all := []error{ErrTokenInvalid, ErrPermission, ErrRateLimited, ErrNotFound, ErrInvalidParameter, ErrTransient}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := tc.err
			if got := e.Kind(); got != tc.kind {
				t.Errorf("Kind = %v, want %v", got, tc.kind)
			}
			if got := e.Retryable(); got != tc.retryable {
				t.Errorf("Retryable = %v", got)
			}
			wrapped := fmt.Errorf("outer: %w", &e)
			for _, s := range all {
				if got, want := errors.Is(wrapped, s), s == tc.sentinel; got != want {
					t.Errorf("errors.Is(%v) = %v, want %v", s, got, want)
				}
			}
			var ae *APIError
			if !errors.As(wrapped, &ae) {
				t.Error("errors.As failed")
			}
			if tc.kind.String() == "" {
				t.Error("empty kind name")
			}
		})
	}
	if !errors.Is(&APIError{Err: netErr}, netErr) {
		t.Error("Unwrap does not expose the network error")
	}
}

func TestRetryAfterDefaults(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err  APIError
		want time.Duration
	}{
		{APIError{Code: 4}, defaultRateLimitWait},
		{APIError{Code: 4, retryAfter: 5 * time.Second}, 5 * time.Second},
		{APIError{Code: 2}, defaultTransientWait},
		{APIError{Subcode: subcodeMediaNotReady}, defaultNotReadyWait},
		{APIError{Code: 100}, 0},
	}
	for _, tc := range tests {
		if got := tc.err.RetryAfter(); got != tc.want {
			t.Errorf("%+v RetryAfter = %v, want %v", tc.err, got, tc.want)
		}
	}
}

func TestMissingScope(t *testing.T) {
	t.Parallel()
	perm := func(method, path string) APIError {
		return APIError{HTTPStatus: 500, Code: 10, Method: method, Path: path, Message: "Application does not have permission for this action"}
	}
	tests := []struct {
		name string
		err  APIError
		want string
	}{
		{"publish", perm(http.MethodPost, "/me/threads_publish"), "threads_content_publish"},
		{"create", perm(http.MethodPost, "/me/threads"), "threads_content_publish"},
		{"repost", perm(http.MethodPost, "/1/repost"), "threads_content_publish"},
		{"reply to others", func() APIError { e := perm(http.MethodPost, "/me/threads"); e.isReply = true; return e }(), "threads_keyword_search or threads_manage_mentions"},
		{"manage reply", perm(http.MethodPost, "/1/manage_reply"), "threads_manage_replies"},
		{"manage pending", perm(http.MethodPost, "/1/manage_pending_reply"), "threads_manage_replies"},
		{"read replies", perm(http.MethodGet, "/1/replies"), "threads_read_replies"},
		{"conversation", perm(http.MethodGet, "/1/conversation"), "threads_read_replies"},
		{"pending", perm(http.MethodGet, "/1/pending_replies"), "threads_read_replies"},
		{"media insights", perm(http.MethodGet, "/1/insights"), "threads_manage_insights"},
		{"user insights", perm(http.MethodGet, "/me/threads_insights"), "threads_manage_insights"},
		{"delete", perm(http.MethodDelete, "/1"), "threads_delete"},
		{"limits", perm(http.MethodGet, "/me/threads_publishing_limit"), "threads_content_publish"},
		{"mentions", perm(http.MethodGet, "/me/mentions"), "threads_manage_mentions"},
		{"search", perm(http.MethodGet, "/keyword_search"), "threads_keyword_search"},
		{"profile", perm(http.MethodGet, "/me"), "threads_basic"},
		{"named in message", APIError{HTTPStatus: 400, Code: 100, Subcode: 10, Message: "This action requires the threads_basic permission"}, "threads_basic"},
		{"not a permission error", APIError{HTTPStatus: 400, Code: 100, Method: http.MethodDelete, Path: "/1"}, ""},
	}
	for _, tc := range tests {
		if got := tc.err.MissingScope(); got != tc.want {
			t.Errorf("%s: MissingScope = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestParam(t *testing.T) {
	t.Parallel()
	tests := []struct{ msg, want string }{
		{"Param text must be at most 500 characters long.", "text"},
		{"Param reply_to_id is not a valid threads_media ID", "reply_to_id"},
		{"(#100) Param image_url is not a valid URI.", "image_url"},
		{"Invalid parameter", ""},
		{"", ""},
	}
	for _, tc := range tests {
		if got := (&APIError{Message: tc.msg}).Param(); got != tc.want {
			t.Errorf("Param(%q) = %q, want %q", tc.msg, got, tc.want)
		}
	}
}

func TestAPIErrorString(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err  APIError
		want string
	}{
		{APIError{HTTPStatus: 400, Code: 24, Subcode: 4279009, Type: "OAuthException", Message: "The requested resource does not exist",
			UserMessage: "Media Not Found", FBTraceID: "T", Method: "POST", Path: "/me/threads_publish"},
			"threads: POST /me/threads_publish: HTTP 400: code 24/4279009 (OAuthException): The requested resource does not exist (Media Not Found) [fbtrace_id T]"},
		{APIError{HTTPStatus: 400, Code: 100, ErrorCode: linkLimitCode, Message: "too many"},
			"threads: HTTP 400: code 100 THREADS_API__LINK_LIMIT_EXCEEDED: too many"},
		{APIError{HTTPStatus: 502, Method: "GET", Path: "/me"}, "threads: GET /me: HTTP 502: Bad Gateway"},
		{APIError{Method: "GET", Path: "/me", Err: errors.New("EOF")}, "threads: GET /me: EOF"},
	}
	for _, tc := range tests {
		if got := tc.err.Error(); got != tc.want {
			t.Errorf("Error() = %q\nwant      %q", got, tc.want)
		}
	}
}

func TestContainerErrorString(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err  ContainerError
		want []string
	}{
		{ContainerError{ContainerID: "c3", Index: 2, Total: 5, URL: "https://x/v.mp4", Status: StatusError, ErrorMessage: "FAILED_DOWNLOADING_VIDEO"},
			[]string{"carousel item 3 of 5", "https://x/v.mp4", "c3", "ERROR", "FAILED_DOWNLOADING_VIDEO", "public https"}},
		{ContainerError{ContainerID: "c1", Index: -1, Status: StatusExpired}, []string{"c1", "expired"}},
		{ContainerError{ContainerID: "c1", Index: -1, URL: "https://x/i.jpg", Status: StatusInProgress, Err: ErrWaitTimeout}, []string{"media https://x/i.jpg", "still IN_PROGRESS"}},
		{ContainerError{ContainerID: "c1", Index: 0, Status: StatusError, ErrorMessage: "INVALID_DURATION"}, []string{"carousel item 1:", "300 s"}},
	}
	for _, tc := range tests {
		got := tc.err.Error()
		for _, w := range tc.want {
			if !strings.Contains(got, w) {
				t.Errorf("%q lacks %q", got, w)
			}
		}
	}
	for _, code := range []string{"FAILED_PROCESSING_AUDIO", "FAILED_PROCESSING_VIDEO", "INVALID_ASPEC_RATIO", "UNKNOWN"} {
		_ = mediaErrorHint(code)
	}
	if mediaErrorHint("INVALID_ASPEC_RATIO") == "" || mediaErrorHint("UNKNOWN") != "" {
		t.Error("mediaErrorHint mapping wrong")
	}
	if !errors.Is(&ContainerError{Err: ErrWaitTimeout}, ErrWaitTimeout) {
		t.Error("ContainerError does not unwrap ErrWaitTimeout")
	}
}
