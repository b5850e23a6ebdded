package threads

import (
	"net/url"
	"slices"
	"strings"
)

// GraphRoot returns the unversioned root of a versioned Graph API base URL:
// GraphRoot("https://graph.threads.net/v1.0") is "https://graph.threads.net".
// Token endpoints (/oauth/access_token, /access_token,
// /refresh_access_token) live under the root, not under a version
// (https://developers.facebook.com/docs/threads/get-started/long-lived-tokens).
// A base URL without a trailing /vN or /vN.M segment is returned without
// its trailing slash; "" means DefaultBaseURL.
func GraphRoot(baseURL string) string {
	u := strings.TrimRight(baseURL, "/")
	if u == "" {
		u = DefaultBaseURL
	}
	i := strings.LastIndex(u, "/v")
	if i <= strings.Index(u, "://")+2 {
		return u
	}
	if rest := u[i+2:]; rest != "" && rest[0] != '.' && strings.Trim(rest, "0123456789.") == "" {
		return u[:i]
	}
	return u
}

// secretParams are the query parameters whose values are secrets: the
// access token (Graph paging URLs embed it), the app secret and the OAuth
// code of the token exchange, the PKCE verifier, the token under inspection
// of /debug_token, and the token of a Facebook-style exchange.
var secretParams = []string{
	"access_token", "client_secret", "code", "token", "input_token", "code_verifier", "fb_exchange_token",
}

// SecretParams returns the query parameters whose values never leave the
// process: access_token, client_secret, code, token, input_token,
// code_verifier and fb_exchange_token. RedactURL masks them.
func SecretParams() []string { return slices.Clone(secretParams) }

// RedactURL returns rawURL with the value of every secret query parameter
// (SecretParams) replaced by REDACTED and any user:password removed, for
// errors and logs. Input that does not parse as a URL loses its query and
// fragment.
func RedactURL(rawURL string) string {
	return cleanURL(rawURL, func(q url.Values, k string) { q.Set(k, "REDACTED") })
}

// stripSecrets removes the secret query parameters from rawURL, so that a
// Graph paging URL stays usable with the token in the Authorization header.
func stripSecrets(rawURL string) string {
	return cleanURL(rawURL, url.Values.Del)
}

func cleanURL(s string, clean func(url.Values, string)) string {
	if s == "" {
		return s
	}
	u, err := url.Parse(s)
	if err != nil {
		if i := strings.IndexAny(s, "?#"); i >= 0 {
			return s[:i]
		}
		return s
	}
	if u.RawQuery != "" {
		q := u.Query()
		changed := false
		for _, k := range secretParams {
			if q.Has(k) {
				clean(q, k)
				changed = true
			}
		}
		if changed {
			u.RawQuery = q.Encode()
		}
	}
	u.User = nil
	return u.String()
}
