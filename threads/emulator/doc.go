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
// # Container rules
//
// POST /{user-id}/threads refuses, with Meta's HTTP 400 code 100
// THApiException "Param ..." shape (or the shape named), every parameter
// Meta's publishing pages rule out (publish.go cites the pages):
//
//   - text over 500 counted characters (text.go counts), alt_text over
//     1,000, more than one topic tag, more than 5 links
//     (THREADS_API__LINK_LIMIT_EXCEEDED, Config.LinkLimitError);
//   - one attachment per post: link_attachment, poll_attachment,
//     gif_attachment and text_attachment on TEXT posts only; a poll not with
//     a text attachment or a GIF; a GIF not with a text attachment or a
//     link_attachment; a text_attachment link_attachment_url not with a
//     link_attachment (a text attachment without its own link may sit next
//     to one, as Meta's text-attachments page allows);
//   - polls: option_a..option_d in order, 2 to 4 options of 1 to 25
//     characters (replies may carry them);
//   - GIFs: a gif_id, provider GIPHY;
//   - text attachments: plaintext of at most 10,000 counted characters, a
//     valid link, styles bold, italic, highlight, underline, strikethrough
//     on non-overlapping ranges that lie within plaintext;
//   - spoilers: at most 10 text_entities of type SPOILER (or spoiler) on
//     ranges within text; is_spoiler_media on IMAGE, VIDEO and CAROUSEL
//     only;
//   - ghost posts: TEXT only, not a reply, with no feature but text
//     spoilers (no attachment, quote, location, geo-gating or reply
//     approvals); archived 24 h after publishing on the emulator's Clock;
//   - allowlisted_country_codes: officially assigned ISO 3166-1 alpha-2
//     codes (THREADS_API__GEO_GATING_INVALID_COUNTRY_CODES), from a user
//     eligible for geo-gating only (THREADS_API__FEATURE_NOT_AVAILABLE,
//     Config.GeoGatingNotAvailableError);
//   - location_id: an id of the emulator's gazetteer (what location_search
//     finds), with threads_location_tagging.
//
// Two of these rules rest on settings. Config.EntityOffsetUnit
// (--entity-offset-unit) chooses the unit of spoiler and styling ranges,
// which Meta does not state: OffsetCodePoints (the default, what the threads
// client sends) or OffsetUTF16. Geo-gating eligibility is per user: users
// with at least 1,000 followers are eligible (the demo user has 1,200)
// unless UserSpec.GeoGatingIneligible, --geo-gating-ineligible USER or the
// admin endpoint's {"geo_gating_ineligible":["<username>" or "demo"]} says
// otherwise; GET /me?fields=is_eligible_for_geo_gating reports it.
//
// # Faults and limits from outside
//
// Every fault and limit the Go API has is also described by Faults, which
// the command line (Flags: --latency, --publish-lag, --media URL=DUR:ERROR,
// --publish-fault, --drop, --error, --rate-limit, --quota, --quota-error,
// --token-ttl, --expire-demo-token, --geo-gating-ineligible, ...) and an
// admin endpoint take:
//
//	GET    /_emulator/faults    the faults and limits in force, as JSON
//	POST   /_emulator/faults    apply a Faults JSON body, e.g.
//	                            {"publish_lag":"10s","media":{"https://x/v.mp4":{"delay":"90s","error":"FAILED_PROCESSING_VIDEO"}},
//	                             "publish":{"mode":"500_but_published","times":1},"drop":[{"path":"threads_publish","times":1}],
//	                             "errors":[{"path":"/me/threads","code":2,"is_transient":true,"times":3}],
//	                             "rate_limit":{"calls":100,"window":"1m"},"quotas":{"posts":5},
//	                             "token_ttl":"2m","expire_tokens":["demo"],"geo_gating_ineligible":["demo"]}
//	DELETE /_emulator/faults    clear them all
//	POST   /_emulator/activity  another user acts: {"kind":"reply","from":"ada_builds","reply_to":"<id>","text":"…"},
//	                            {"kind":"mention","from":"river_runs","text":"…"} or {"kind":"post",…}
//	GET    /_emulator/webhooks  the latest webhook deliveries and the pending delivery faults
//	POST   /_emulator/webhooks  {"tamper":1,"duplicate":1,"out_of_order":1}: alter the next deliveries
//
// # Webhooks
//
// With WithWebhooks (--webhook-url) or after an app subscribed through
// POST /{app-id}/subscriptions (app token; the callback is verified with
// Meta's GET handshake first), replies to and mentions of a user who
// authorized the app, and that user's posts published and deleted, are
// POSTed to the callback as Meta-shaped Threads webhook deliveries signed
// with X-Hub-Signature-256 (HMAC-SHA256 of the body with the app secret),
// one at a time and in order, each retried with doubling delays until it is
// answered 2xx (webhooks.go).
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
