package doctor

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"time"
)

// Clock skew limits. Meta judges token expiry and signed requests by its
// own clock and TLS certificates are checked against this one; a minute
// off is worth knowing, five minutes break things.
const (
	skewWarn = time.Minute
	skewFail = 5 * time.Minute
)

// checkGraph checks that the Graph API host answers and compares this
// machine's clock with the Date header of its answer (RFC 9110 §6.6.1).
// Any HTTP answer counts as reachable: the request carries no token.
func checkGraph(ctx context.Context, env *Env) []Finding {
	u, err := url.Parse(env.BaseURL)
	if err != nil || u.Host == "" {
		return Failed(fmt.Sprintf("the Graph API base URL %q is not a URL", env.BaseURL),
			"set --api-base-url / THREADS_API_BASE_URL to https://graph.threads.net/v1.0, or unset it")
	}
	root := u.Scheme + "://" + u.Host + "/"
	rctx, cancel := context.WithTimeout(ctx, env.timeout())
	defer cancel()
	req, err := http.NewRequestWithContext(rctx, http.MethodGet, root, nil)
	if err != nil {
		return Failed(err.Error(), "set --api-base-url / THREADS_API_BASE_URL to https://graph.threads.net/v1.0, or unset it")
	}
	sent := env.now()
	resp, err := env.client().Do(req)
	if err != nil {
		return Failed(fmt.Sprintf("cannot reach %s: %v", u.Host, err),
			"check the network connection, the firewall and any proxy (HTTPS_PROXY) for "+u.Host+
				"; if you meant another endpoint, set --api-base-url / THREADS_API_BASE_URL")
	}
	_ = resp.Body.Close()
	took := env.now().Sub(sent)
	reach := fmt.Sprintf("%s answers (HTTP %d in %s)", u.Host, resp.StatusCode, took.Round(time.Millisecond))
	date, err := http.ParseTime(resp.Header.Get("Date"))
	if err != nil {
		return []Finding{{Status: StatusOK, Detail: reach}, {Name: "clock", Status: StatusSkip, Detail: "the answer has no Date header to compare the clock with"}}
	}
	// The server stamped Date somewhere between sending and receiving.
	skew := sent.Add(took / 2).Sub(date)
	abs := skew.Abs()
	clock := Finding{Name: "clock", Status: StatusOK, Detail: fmt.Sprintf("within %s of %s", max(abs.Round(time.Second), time.Second), u.Host)}
	if abs >= skewWarn {
		dir := "ahead of"
		if skew < 0 {
			dir = "behind"
		}
		clock.Status = StatusWarn
		if abs >= skewFail {
			clock.Status = StatusFail
		}
		clock.Detail = fmt.Sprintf("this machine's clock is %s %s %s", abs.Round(time.Second), dir, u.Host)
		clock.Fix = "turn on automatic time sync (Linux: timedatectl set-ntp true; macOS: System Settings › General › Date & Time › Set automatically; Windows: Settings › Time › Sync now)"
	}
	return []Finding{{Status: StatusOK, Detail: reach}, clock}
}
