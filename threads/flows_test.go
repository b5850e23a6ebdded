package threads

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
)

func TestPublishAmbiguousThenContainerStatus(t *testing.T) {
	t.Parallel()
	const publish500 = `{"error":{"message":"An unknown error occurred","type":"THApiException","code":1}}`
	tests := []struct {
		name       string
		statuses   []step // answers of GET /c1 after the ambiguous publish
		publishes  []step
		wantErr    bool
		wantStatus ContainerStatus
		wantID     string
	}{
		{
			name:       "ERROR fails with the reason",
			statuses:   []step{{200, `{"id":"c1","status":"ERROR","error_message":"UNKNOWN"}`, nil, false}},
			publishes:  []step{{500, publish500, nil, false}},
			wantErr:    true,
			wantStatus: StatusError,
		},
		{
			name:       "EXPIRED fails",
			statuses:   []step{{200, `{"id":"c1","status":"EXPIRED"}`, nil, false}},
			publishes:  []step{{hijack: true}},
			wantErr:    true,
			wantStatus: StatusExpired,
		},
		{
			name: "IN_PROGRESS waits, then publishes again",
			statuses: []step{{200, `{"id":"c1","status":"IN_PROGRESS"}`, nil, false},
				{200, `{"id":"c1","status":"FINISHED"}`, nil, false}},
			publishes: []step{{500, publish500, nil, false}, {200, `{"id":"m1"}`, nil, false}},
			wantID:    "m1",
		},
		{
			name:      "status check fails: outcome unknown",
			statuses:  []step{{400, paramBody, nil, false}},
			publishes: []step{{500, publish500, nil, false}},
			wantErr:   true,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, mux, _ := setup(t)
			mux.HandleFunc("/me/threads", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, `{"id":"c1"}`) })
			mux.Handle("/c1", &sequence{steps: tc.statuses})
			pub := &sequence{steps: tc.publishes}
			mux.Handle("/me/threads_publish", pub)
			mux.HandleFunc("/m1", func(w http.ResponseWriter, r *http.Request) {
				writeJSON(w, 200, `{"id":"m1","permalink":"https://www.threads.net/@a/post/X","timestamp":"2026-05-01T12:00:00+0000"}`)
			})
			res, err := c.PublishText(t.Context(), Post{Text: "hello"})
			if tc.wantErr {
				if err == nil {
					t.Fatalf("expected error, got %+v", res)
				}
				var ce *ContainerError
				if tc.wantStatus != "" && (!errors.As(err, &ce) || ce.Status != tc.wantStatus) {
					t.Errorf("error = %v, want container status %s", err, tc.wantStatus)
				}
				if tc.wantStatus == "" && !strings.Contains(err.Error(), "unknown") {
					t.Errorf("error = %v", err)
				}
				if pub.Calls() != 1 {
					t.Errorf("publish called %d times", pub.Calls())
				}
				return
			}
			if err != nil || res.ID != tc.wantID || res.Permalink == "" || res.Recovered {
				t.Fatalf("result = %+v, %v", res, err)
			}
		})
	}
}

func TestPublishCancelled(t *testing.T) {
	t.Parallel()
	c, mux, _ := setup(t)
	ctx, cancel := context.WithCancel(t.Context())
	mux.HandleFunc("/me/threads", func(w http.ResponseWriter, r *http.Request) {
		// Cancel while the carousel items are being created.
		cancel()
		writeJSON(w, 200, `{"id":"c1"}`)
	})
	_, err := c.PublishCarousel(ctx, Post{Items: []CarouselItem{{ImageURL: "https://x/1.jpg"}, {ImageURL: "https://x/2.jpg"}, {ImageURL: "https://x/3.jpg"}}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error = %v, want context.Canceled", err)
	}
}

func TestReadBackFailureIsOnlyANote(t *testing.T) {
	t.Parallel()
	c, mux, clk := setup(t)
	mux.HandleFunc("/me/threads", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, `{"id":"m9"}`) })
	mux.HandleFunc("/m9", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 400, paramBody) })
	res, err := c.PublishText(t.Context(), Post{Text: "auto", Extra: ContainerParams{AutoPublishText: true}})
	if err != nil {
		t.Fatal(err)
	}
	if res.ID != "m9" || !res.PublishedAt.Equal(clk.Now()) || !strings.Contains(res.Note, "permalink could not be read back") {
		t.Errorf("result = %+v", res)
	}
}
