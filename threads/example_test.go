package threads_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/threads-mcp/threads-mcp/threads"
	"github.com/threads-mcp/threads-mcp/threads/emulator"
)

// This example publishes a text post against the in-memory emulator; in
// production leave out WithBaseURL and pass a real token (or a refreshing
// token source with WithTokenSource).
func ExampleClient_PublishText() {
	srv := emulator.NewServer()
	defer srv.Close()
	uid := srv.AddUser(emulator.UserSpec{Username: "gopher"})
	token := srv.IssueToken(uid, emulator.DefaultScopes, time.Hour)

	client := threads.NewClient(
		threads.WithBaseURL(srv.BaseURL()),
		threads.WithToken(token),
	)
	res, err := client.PublishText(context.Background(), threads.Post{
		Text: "Hello from Go!",
		Progress: func(p threads.Progress) {
			fmt.Printf("%d/%d %s\n", p.Current, p.Total, p.Step)
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("published:", res.ID != "", "permalink:", res.Permalink != "")
	// Output:
	// 1/4 create
	// 2/4 processing
	// 3/4 publishing
	// 4/4 published
	// published: true permalink: true
}

// This example shows how a caller reacts to a typed API error.
func ExampleAPIError_Kind() {
	srv := emulator.NewServer()
	defer srv.Close()
	uid := srv.AddUser(emulator.UserSpec{Username: "gopher"})
	token := srv.IssueToken(uid, emulator.DefaultScopes, time.Hour)
	srv.ExpireToken(token)

	client := threads.NewClient(threads.WithBaseURL(srv.BaseURL()), threads.WithToken(token))
	_, _, err := client.Me(context.Background())
	var apiErr *threads.APIError
	if errors.As(err, &apiErr) {
		fmt.Println("kind:", apiErr.Kind(), "retryable:", apiErr.Retryable())
	}
	// Output:
	// kind: token_invalid retryable: false
}
