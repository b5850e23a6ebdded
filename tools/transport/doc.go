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
// Streamable HTTP runs stateless: no Mcp-Session-Id is issued or checked,
// as the 2026-07-28 revision has no protocol sessions.
package transport
