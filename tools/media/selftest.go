package media

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"
)

// selfTestBytes are the bytes SelfTest stages: a few bytes, never a post.
var selfTestBytes = []byte("threads-mcp media store self-test\n")

// SelfTest stages a small object in the store, signs a URL for it and,
// when fetch is set, reads it back through that URL as Meta's crawler
// would, then deletes it. It says what it did, or why it failed. The self
// store is served by the running server, so a doctor outside it passes
// fetch false for that store.
func (m *Media) SelfTest(ctx context.Context, fetch bool, client *http.Client) (string, error) {
	st := m.o.Store
	if st == nil {
		return "", errors.New("no media store is configured")
	}
	obj := Object{ID: newID("selftest-"), ContentType: "text/plain", Size: int64(len(selfTestBytes)), Created: time.Now()}
	if err := st.Put(ctx, obj, bytes.NewReader(selfTestBytes)); err != nil {
		return "", fmt.Errorf("upload to %s: %w", st.Name(), err)
	}
	defer func() { _ = st.Delete(context.WithoutCancel(ctx), obj.ID) }()
	u, err := st.URL(ctx, obj.ID, time.Minute)
	if err != nil {
		return "", fmt.Errorf("sign a URL on %s: %w", st.Name(), err)
	}
	if !fetch {
		return fmt.Sprintf("%s: upload and signed URL work", st.Name()), nil
	}
	if client == nil {
		client = http.DefaultClient
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return "", fmt.Errorf("signed URL of %s: %w", st.Name(), err)
	}
	req.Header.Set("User-Agent", CrawlerUserAgent)
	resp, err := client.Do(req)
	if err != nil {
		return "", fmt.Errorf("fetch the signed URL of %s: %w", st.Name(), err)
	}
	defer resp.Body.Close()
	got, err := io.ReadAll(io.LimitReader(resp.Body, int64(len(selfTestBytes))+1))
	if err != nil || resp.StatusCode != http.StatusOK || !bytes.Equal(got, selfTestBytes) {
		return "", fmt.Errorf("fetching the signed URL of %s gave HTTP %d and %d bytes, not the %d staged (%v)", st.Name(), resp.StatusCode, len(got), len(selfTestBytes), err)
	}
	return fmt.Sprintf("%s: upload, signed URL and fetch work", st.Name()), nil
}
