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
// # Faults and limits from outside
//
// Every fault and limit the Go API has is also described by Faults, which
// the command line (Flags: --latency, --publish-lag, --media URL=DUR:ERROR,
// --publish-fault, --drop, --error, --rate-limit, --quota, --quota-error,
// --token-ttl, --expire-demo-token, ...) and an admin endpoint take:
//
//	GET    /_emulator/faults    the faults and limits in force, as JSON
//	POST   /_emulator/faults    apply a Faults JSON body, e.g.
//	                            {"publish_lag":"10s","media":{"https://x/v.mp4":{"delay":"90s","error":"FAILED_PROCESSING_VIDEO"}},
//	                             "publish":{"mode":"500_but_published","times":1},"drop":[{"path":"threads_publish","times":1}],
//	                             "errors":[{"path":"/me/threads","code":2,"is_transient":true,"times":3}],
//	                             "rate_limit":{"calls":100,"window":"1m"},"quotas":{"posts":5},
//	                             "token_ttl":"2m","expire_tokens":["demo"]}
//	DELETE /_emulator/faults    clear them all
//	POST   /_emulator/activity  another user acts: {"kind":"reply","from":"ada_builds","reply_to":"<id>","text":"…"},
//	                            {"kind":"mention","from":"river_runs","text":"…"} or {"kind":"post",…}
//
// The admin endpoint has no authentication: the emulator is meant to listen
// on loopback only. SandboxDefaults gives the sandbox realistic latency,
// processing time and publish lag, so a client's retry paths run there too.
//
// # Persistence
//
// With WithStateFile the world lives in a JSON file: loaded at start, saved
// after every change (temporary file, fsync, rename), reloaded when another
// process replaced it, with requests serialized across processes by a flock
// on a sibling .lock file. ResetState starts over.
//
// # Memory
//
// The request log that tests read with Requests is a bounded ring
// (WithRequestLog); the sandbox turns it off, so a long-running sandbox does
// not grow with the number of calls.
//
// The emulator never writes to stdout and never logs.
package emulator
