// Package emulator is an in-memory, faithful emulator of Meta's Threads
// Graph API and its OAuth endpoints: the sandbox mode of the shipped binary
// (--sandbox, threads-mcp emulator) and the backend of every test.
//
// # An independent oracle
//
// The emulator answers the same paths, parameters, status codes and error
// envelopes as graph.threads.net, as documented at
// https://developers.facebook.com/docs/threads and as observed in published
// responses (each rule's comment cites its evidence). It deliberately shares
// no rule code with the server: it counts text length, links and topic tags
// with its own implementation (text.go), so a test that runs the server
// against the emulator can catch a miscount instead of inheriting it. A
// differential test (textdiff_test.go) runs both implementations on random
// text and fails on any disagreement that is not a documented difference.
//
// # What it emulates
//
//   - both /v1.0/... and unversioned paths, the "me" alias, any Host header,
//     parameters in the query string, an urlencoded or multipart body, and
//     object parameters as JSON strings;
//   - the two-step publishing flow with a container state machine
//     (IN_PROGRESS, FINISHED, PUBLISHED, ERROR, EXPIRED) driven by a Clock;
//   - validation of every container parameter, scope enforcement, rolling
//     24 h quotas, pagination with opaque cursors, field selection, replies,
//     hiding, reply approvals, reposts, deletes and insights;
//   - the OAuth authorize / code exchange / long-lived exchange / refresh
//     endpoints with Meta's special error shapes;
//   - fault injection (publish ambiguity, dropped connections, propagation
//     lag, arbitrary Graph errors, latency, media processing failures).
//
// Behaviour that Meta does not document is controlled by Config; the zero
// Config selects the defaults documented on each field.
//
// The emulator never writes to stdout and never logs.
package emulator
