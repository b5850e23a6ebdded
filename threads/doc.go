// Package threads is a client for Meta's Threads Graph API
// (https://developers.facebook.com/docs/threads), in the style of go-github:
// a Client built with NewClient and functional options, methods taking a
// context first and returning (value, *Response, error), and typed errors
// (*APIError with Kind, *ContainerError) matched with errors.As or the
// sentinel errors with errors.Is.
//
// Besides one method per endpoint, the client runs the publishing flows:
// create a container, poll it adaptively until FINISHED, publish it, and read
// the post back (PublishText, PublishImage, PublishVideo, PublishCarousel,
// Reply, PublishPost). Carousel items are created and awaited concurrently.
// threads_publish is never retried blindly: after an ambiguous failure the
// container status decides (PUBLISHED means success, FINISHED means a new
// attempt is safe), as the project's decision 6 requires.
//
// The access token is sent only in the Authorization header, never in a URL,
// and is stripped from every URL and error the client returns; it is never
// logged. Reads and transient failures are retried with exponential backoff
// and full jitter; non-idempotent calls only when the failure proves nothing
// happened. The package has no MCP dependency and writes nothing to stdout.
package threads
