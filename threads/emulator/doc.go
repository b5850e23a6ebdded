// Package emulator is an in-memory, faithful emulator of Meta's Threads
// Graph API and its OAuth endpoints.
//
// It is used by every test of the project and by the server's sandbox mode,
// and it can be served over a real listener (see NewServer) so that any
// Threads client can be pointed at it. The emulator works purely at the
// HTTP/JSON level: it answers the same paths, parameters, status codes and
// error envelopes as graph.threads.net (see /work/shared/threads-api.md,
// sections 1–7 and 11), including:
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
// Behaviour that Meta does not document (marked UNCONFIRMED in the reference)
// is controlled by Config; the zero Config selects the documented defaults.
//
// The emulator never writes to stdout and never logs.
package emulator
