// Package transport serves an MCP server (mcp-go's *server.MCPServer) over
// stdio, Streamable HTTP and the deprecated HTTP+SSE transport, with the
// guards and lifecycle mcp-go leaves to the application.
//
// # Stdio
//
// ServeStdio reads one JSON-RPC message a line. When stdin ends (or ctx is
// cancelled) it stops reading and drains: it waits, bounded by
// DrainTimeout, until every request it has read is answered on stdout, and
// only then lets mcp-go's listener stop. It counts answers rather than
// running calls because a request still queued behind mcp-go's worker pool
// has not started when stdin closes, and mcp-go would drop it; a client that
// writes its requests and closes its end (`printf … | threads-mcp`) still
// gets every answer.
//
// # The envelope check (stdio and HTTP)
//
// Before mcp-go sees a message, CheckEnvelope looks at its top level: a
// request whose id is not a string or a number gets -32600 with id null
// (mcp-go would echo an object id), and a well-formed message nested deeper
// than encoding/json's 10,000 levels gets -32600 under its own id, read by
// a token scan of the top-level object, where mcp-go would answer a parse
// error with id null and leave the client waiting. Over SSE that answer goes
// on the session's event stream, where the client waits for it.
//
// # HTTP
//
// ServeHTTP serves KindHTTP (Streamable HTTP at /mcp) or KindSSE (/sse and
// /message) behind tools/httpmw: the Host and Origin checks (403), bearer
// authentication (401 with WWW-Authenticate) and the body limit (413, also
// for chunked bodies, which bufferBody reads in full before mcp-go sees
// them). Every http.Server timeout is set (slowloris, idle keep-alives); the
// write timeout is lifted only for long-lived GET event streams. On
// shutdown the tool calls counted by Inflight are waited for (bounded) before
// the transport and the server stop.
//
// # Streamable HTTP: stateless, no standalone GET stream
//
// Streamable HTTP runs stateless: no Mcp-Session-Id is issued or checked,
// as the 2026-07-28 revision has no protocol sessions, and any number of
// server processes can sit behind one URL. A request's notifications
// (progress above all) travel on the SSE stream of that request's own POST
// response, which mcp-go opens when the first one is sent.
//
// GET /mcp answers 405 Method Not Allowed (server.WithDisableStreaming),
// which the specification allows and every client handles (the TypeScript
// SDK v1 and mcp-remote open that stream by default and carry on without
// it). The reason: in mcp-go v1.2.1's stateless mode every client has the
// same empty session key, so an open GET stream registers the session ""
// and every legacy-era POST (revisions up to 2025-11-25) then runs in it.
// Their notifications all go to that session's one channel, read at once by
// the GET stream and by every POST in flight: a client lost part of its own
// progress and received part of other clients'. TestProgressStaysWithItsRequest
// holds a GET stream open next to two legacy clients and a 2026-07-28 one.
//
// What this means for server-initiated messages outside a request
// (resources/updated, list_changed, logging not tied to a call): they have
// no path to legacy-era clients over Streamable HTTP. A 2026-07-28 client
// receives them on its subscriptions/listen stream, a POST like any other,
// which mcp-go routes per request and which therefore keeps working here.
// Serving them to legacy clients needs stateful sessions
// (server.WithStateful, one Mcp-Session-Id per client, sticky routing
// between processes) with the GET stream back on; even then mcp-go shares
// one channel between a session's GET stream and its POSTs, so a request's
// progress may arrive on the client's GET stream instead of its POST (same
// client, still delivered). Stdio and SSE have one stream per client and are
// not affected.
//
// # SSE: legacy revisions only
//
// HTTP+SSE cannot carry the 2026-07-28 revision (its requests need the
// Mcp-Method and Mcp-Name headers of Streamable HTTP; mcp-go refuses them
// with -32020 without). Over SSE the server advertises only
// mcp.LegacyProtocolVersions(), and answers any request declaring a modern
// revision, server/discover included, with "unsupported protocol version"
// listing them, so that a modern client falls back to initialize.
package transport
