package transport

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// SSE and the 2026-07-28 revision.
//
// The HTTP+SSE transport predates 2026-07-28 and cannot carry it: that
// revision's requests must come with the Mcp-Method and Mcp-Name headers of
// Streamable HTTP, and mcp-go refuses every one that lacks them (-32020). Yet
// server/discover advertises, by default, every revision mcp-go implements.
// So a modern client would discover 2026-07-28, choose it, and then have
// every request refused. Over SSE the server therefore advertises only the
// revisions that use the initialize handshake (mcp.LegacyProtocolVersions),
// and a request that declares a modern revision in its _meta is answered
// with the "unsupported protocol version" error listing them, as Streamable
// HTTP does for a version it is configured not to serve; clients negotiate
// down from it and fall back to initialize.

// sseOptions make the SSE server advertise only the revisions it can serve.
func sseOptions() []server.SSEOption {
	return []server.SSEOption{
		server.WithSSEContextFunc(func(ctx context.Context, _ *http.Request) context.Context {
			return server.WithSupportedProtocolVersions(ctx, mcp.LegacyProtocolVersions())
		}),
	}
}

// sseLegacyOnly answers, on the session's event stream, every request posted
// to /message that declares a modern protocol revision; the rest go to next.
func sseLegacyOnly(s *server.SSEServer, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		session := r.URL.Query().Get("sessionId")
		if r.Method != http.MethodPost || r.Body == nil || session == "" {
			next.ServeHTTP(w, r)
			return
		}
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, "Bad request: reading the body failed", http.StatusBadRequest)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		var msg struct {
			ID     json.RawMessage `json:"id"`
			Method string          `json:"method"`
			Params struct {
				Meta *mcp.Meta `json:"_meta"`
			} `json:"params"`
		}
		if json.Unmarshal(body, &msg) != nil || msg.Method == "" || !mcp.IsModernProtocol(msg.Params.Meta.ProtocolVersion()) {
			next.ServeHTTP(w, r)
			return
		}
		if len(msg.ID) == 0 || string(msg.ID) == "null" {
			w.WriteHeader(http.StatusAccepted) // a notification: nothing to answer
			return
		}
		e := mcp.UnsupportedProtocolVersionError{
			Version:   msg.Params.Meta.ProtocolVersion(),
			Supported: mcp.LegacyProtocolVersions(),
		}.JSONRPCError()
		answer := rpcError{JSONRPC: mcp.JSONRPC_VERSION, ID: msg.ID, Error: e.Error}
		if err := s.SendEventToSession(session, answer); err != nil {
			// An unknown session is mcp-go's to answer; a closed or full
			// one gets the answer in the response body.
			if strings.HasPrefix(err.Error(), "session not found") {
				next.ServeHTTP(w, r)
				return
			}
			writeRPCError(w, http.StatusBadRequest, answer)
			return
		}
		w.WriteHeader(http.StatusAccepted)
	})
}

// rpcError is a JSON-RPC error response with the request's id as sent.
type rpcError struct {
	JSONRPC string                  `json:"jsonrpc"`
	ID      json.RawMessage         `json:"id"`
	Error   mcp.JSONRPCErrorDetails `json:"error"`
}

// writeRPCError writes e as the HTTP response with status.
func writeRPCError(w http.ResponseWriter, status int, e rpcError) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(e)
}
