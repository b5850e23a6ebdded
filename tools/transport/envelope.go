package transport

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"

	"github.com/mark3labs/mcp-go/mcp"
)

// The JSON-RPC envelope check.
//
// mcp-go parses each message with encoding/json, which refuses input nested
// deeper than 10,000 levels. mcp-go then answers with a parse error whose id
// is null, so the client, which matches answers by id, waits for its request
// forever. And mcp-go answers any id it is given, {"x":1} included, although
// a JSON-RPC id is a string or a number (and MCP forbids null). Both
// transports therefore check each incoming message first:
//
//   - a request whose id is not a string or a number is refused with
//     -32600 Invalid Request and id null (its id cannot be echoed);
//   - a well-formed message nested too deep for encoding/json is refused with
//     -32600 and the request's own id, read by a scan of the top-level
//     object (json.Decoder tokens, which have no depth limit) instead of a
//     full parse;
//   - everything else, malformed JSON included, goes on to mcp-go, whose
//     parse error keeps id null as JSON-RPC requires when no id can be
//     trusted.

// maxScanDepth bounds the top-level scan of a message encoding/json could
// not parse (the decoder keeps one int per level). An HTTP body is at most
// 1 MiB, so this only binds stdio lines, which get the parse error instead.
const maxScanDepth = 1 << 20

// CheckEnvelope returns the JSON-RPC error response the transport sends
// itself for msg (one message, without its line end), or nil when msg goes
// on to mcp-go.
func CheckEnvelope(msg []byte) []byte {
	e := refuse(msg)
	if e == nil {
		return nil
	}
	b, _ := json.Marshal(e)
	return b
}

// refuse is the refusal of msg, or nil.
func refuse(msg []byte) *rpcError {
	msg = bytes.TrimSpace(msg)
	if len(msg) == 0 || msg[0] != '{' {
		return nil
	}
	var env struct {
		ID     json.RawMessage `json:"id"`
		Method json.RawMessage `json:"method"`
	}
	if err := json.Unmarshal(msg, &env); err == nil {
		if len(env.Method) == 0 || len(env.ID) == 0 || validID(env.ID) {
			return nil // a response, a notification or a well-formed request
		}
		return refusal(nil, "the id "+kindOf(env.ID)+" is not a JSON-RPC request id: use a string or a number")
	}
	id, hasMethod, ok := scanTopLevel(msg)
	if !ok || !hasMethod || len(id) == 0 {
		return nil
	}
	if !validID(id) {
		return refusal(nil, "the id "+kindOf(id)+" is not a JSON-RPC request id: use a string or a number")
	}
	return refusal(id, "the message nests deeper than this server parses (10000 levels)")
}

// validID reports whether raw is a string or a number.
func validID(raw json.RawMessage) bool {
	switch c := raw[0]; {
	case c == '"', c == '-', c >= '0' && c <= '9':
		return true
	}
	return false
}

// kindOf names the JSON type of raw, for the refusal message.
func kindOf(raw json.RawMessage) string {
	switch raw[0] {
	case '{':
		return "(an object)"
	case '[':
		return "(an array)"
	case 't', 'f':
		return "(a boolean)"
	case 'n':
		return "(null)"
	}
	return "(" + string(raw) + ")"
}

// refusal is a -32600 Invalid Request response with id (null when nil).
func refusal(id json.RawMessage, msg string) *rpcError {
	if id == nil {
		id = json.RawMessage("null")
	}
	return &rpcError{
		JSONRPC: mcp.JSONRPC_VERSION,
		ID:      id,
		Error:   mcp.JSONRPCErrorDetails{Code: mcp.INVALID_REQUEST, Message: "Invalid Request: " + msg},
	}
}

// scanTopLevel reads msg, a JSON object, token by token and returns its
// top-level "id" (raw; the last one if repeated) and whether it has a
// "method"; ok is false unless msg is one complete, well-formed JSON value.
func scanTopLevel(msg []byte) (id json.RawMessage, hasMethod, ok bool) {
	dec := json.NewDecoder(bytes.NewReader(msg))
	dec.UseNumber()
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, false, false
	}
	depth, wantKey, key := 1, true, ""
	for depth > 0 {
		t, err := dec.Token()
		if err != nil {
			return nil, false, false
		}
		if depth == 1 && wantKey {
			if t == json.Delim('}') {
				depth = 0
				break
			}
			key, wantKey = t.(string), false
			continue
		}
		topValue := depth == 1 // t is the value of key
		switch t {
		case json.Delim('{'), json.Delim('['):
			if depth++; depth > maxScanDepth {
				return nil, false, false
			}
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
		if topValue {
			switch key {
			case "id":
				id = rawToken(t)
			case "method":
				hasMethod = true
			}
		}
		if depth == 1 {
			wantKey = true
		}
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, false, false // trailing data
	}
	return id, hasMethod, true
}

// rawToken is the JSON text of a scalar token, or of the opening of a
// composite one (enough for validID and kindOf).
func rawToken(t json.Token) json.RawMessage {
	switch v := t.(type) {
	case json.Delim:
		return json.RawMessage(v.String())
	case json.Number:
		return json.RawMessage(v.String())
	case nil:
		return json.RawMessage("null")
	default:
		b, _ := json.Marshal(v)
		return b
	}
}

// checkedPOST answers, itself, every POST whose body CheckEnvelope refuses;
// the rest go to next. Over Streamable HTTP the answer is the response
// (400, like mcp-go's own parse errors). Over SSE, where answers travel on
// the session's event stream and the client waits there for its id, a
// refusal that carries the request's id goes on that stream (POST 202); one
// with id null is the POST's response.
func checkedPOST(sse interface {
	SendEventToSession(string, any) error
}, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.Body == nil || r.Body == http.NoBody {
			next.ServeHTTP(w, r)
			return
		}
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, "Bad request: reading the body failed", http.StatusBadRequest)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		e := refuse(body)
		if e == nil {
			next.ServeHTTP(w, r)
			return
		}
		if sse != nil && string(e.ID) != "null" {
			if session := r.URL.Query().Get("sessionId"); session != "" && sse.SendEventToSession(session, e) == nil {
				w.WriteHeader(http.StatusAccepted)
				return
			}
		}
		writeRPCError(w, http.StatusBadRequest, *e)
	})
}
