package auth

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
)

// Transport is an http.RoundTripper that authorizes every request as one
// Threads account, on the model of golang.org/x/oauth2.Transport. Because it
// sits under the HTTP client, every API method of a client built on it gets
// the same token handling, including methods added later:
//
//   - It sets "Authorization: Bearer TOKEN" from Source (which re-reads the
//     stored account and refreshes a due token first).
//   - An expired token fails at once, before any request, with the
//     account's *ExpiredError.
//   - When Threads answers code 190 (token invalid), it re-reads the
//     account from the store and, if the store holds another token (a new
//     login, or another process's refresh), sends the request once more with
//     it. Otherwise it fails with a *RejectedError naming the login command
//     of the account (or THREADS_ACCESS_TOKEN).
//
// Its errors have a Permanent() bool method returning true, so that clients
// which retry transport errors (threads.Client) stop at once, and they stay
// reachable with errors.As through the *url.Error that net/http wraps them in.
type Transport struct {
	// Source supplies the token; required.
	Source *TokenSource
	// Base performs the requests; nil means http.DefaultTransport.
	Base http.RoundTripper
}

// maxErrorPeek bounds how much of an error answer is read to look for code 190.
const maxErrorPeek = 1 << 16

// RoundTrip implements http.RoundTripper. It never modifies req.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	tok, err := t.Source.TokenContext(req.Context())
	if err != nil {
		closeBody(req)
		return nil, err
	}
	resp, err := t.send(req, tok.AccessToken)
	if err != nil || !mayBeTokenError(resp) {
		return resp, err
	}
	api, resp, err := peekTokenError(resp, tok.AccessToken)
	if err != nil || api == nil {
		return resp, err
	}
	// Threads refused the token. Another process may have refreshed it, or
	// the user logged in again: retry once with the stored token.
	if changed, rerr := t.Source.Reload(req.Context()); rerr == nil && changed && (req.Body == nil || req.GetBody != nil) {
		retry := req
		if req.Body != nil {
			body, berr := req.GetBody()
			if berr != nil {
				return nil, fmt.Errorf("auth: resend request: %w", berr)
			}
			retry = req.Clone(req.Context())
			retry.Body = body
		}
		tok2, terr := t.Source.TokenContext(req.Context())
		if terr != nil {
			return nil, terr
		}
		resp, err = t.send(retry, tok2.AccessToken)
		if err != nil || !mayBeTokenError(resp) {
			return resp, err
		}
		api, resp, err = peekTokenError(resp, tok2.AccessToken)
		if err != nil || api == nil {
			return resp, err
		}
	} else {
		closeBody(req)
	}
	return nil, &RejectedError{Account: t.Source.Name(), Env: t.Source.Env(), API: api}
}

// send performs req with token, on a clone (RoundTrippers must not modify
// their request).
func (t *Transport) send(req *http.Request, token string) (*http.Response, error) {
	r := req.Clone(req.Context())
	r.Body = req.Body
	r.Header.Set("Authorization", "Bearer "+token)
	base := t.Base
	if base == nil {
		base = http.DefaultTransport
	}
	return base.RoundTrip(r)
}

func closeBody(req *http.Request) {
	if req.Body != nil {
		_ = req.Body.Close()
	}
}

// mayBeTokenError reports whether resp could carry a code 190 answer.
func mayBeTokenError(resp *http.Response) bool {
	return resp.StatusCode == http.StatusBadRequest || resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden
}

// peekTokenError reads resp's body: for a code 190 answer it returns the
// parsed error (and closes resp); otherwise it returns resp with its body
// restored for the caller.
func peekTokenError(resp *http.Response, token string) (*APIError, *http.Response, error) {
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxErrorPeek))
	rest := resp.Body
	if err != nil {
		_ = rest.Close()
		return nil, nil, fmt.Errorf("auth: read response: %w", redactErr(err, token))
	}
	api := parseAPIError(resp.StatusCode, body, token)
	if api.Code == 190 || (resp.StatusCode == http.StatusUnauthorized && api.Code == 0) {
		_ = rest.Close()
		return api, nil, nil
	}
	resp.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(body), rest), rest}
	return nil, resp, nil
}

// IsPermanent reports whether err (or an error it wraps) says retrying the
// request cannot help: an expired, refused or removed account.
func IsPermanent(err error) bool {
	var p interface{ Permanent() bool }
	return errors.As(err, &p) && p.Permanent()
}
