package emulator

import (
	"errors"
	"flag"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Flags registers the emulator's fault, limit and behaviour flags on fs, each
// name prefixed with prefix (e.g. "" for `threads-mcp emulator`, "sandbox-"
// for the server), and returns a function that, after fs.Parse, builds the
// options they select. Options come after SandboxDefaults, so an unset flag
// keeps the default. Every flag maps to a member of Faults or Config:
//
//	--latency DUR                 delay added to every request
//	--image-delay DUR             image processing time
//	--video-delay DUR             video processing time
//	--media URL=DUR[:ERROR]       processing of one URL, e.g. https://x/a.mp4=30s:FAILED_PROCESSING_VIDEO (repeatable)
//	--publish-lag DUR             24/4279009 answers for this long after FINISHED
//	--publish-fault MODE[:N]      500_but_published, drop_after_commit or 500_not_published, N times
//	--drop PATH[:N]               drop connections of requests whose path contains PATH (repeatable)
//	--error PATH=CODE[/SUB][:N]   answer a Graph error to requests whose path contains PATH (repeatable)
//	--rate-limit CALLS/DUR        code 4 beyond CALLS calls within DUR
//	--quota KIND=N                quota size: posts, replies, deletes, location_search, keyword_search, profile_discovery (repeatable)
//	--quota-error code9|code4     the quota-exhausted error shape (Meta documents none)
//	--token-ttl DUR               lifetime of long-lived tokens issued from now on
//	--expire-demo-token           start with the demo token expired
//	--keyword-search-own-posts-only, --profile-discovery-meta-only
//	                              behave like an app whose permissions are not approved in App Review
//	--entity-offset-unit UNIT     unit of spoiler and styling ranges: code_points (default) or utf16
//	--geo-gating-ineligible USER  make USER (a username, or demo) ineligible for geo-gating (repeatable)
//	--request-log N               keep the last N requests (0: none)
//	--webhook-url URL             deliver signed webhooks (replies, mentions, publish, delete) to URL
//	--webhook-secret SECRET       sign them with SECRET (default: the demo app's secret)
//	--webhook-retries N           retry a failed delivery N times (default 5)
func Flags(fs *flag.FlagSet, prefix string) func() ([]Option, error) {
	durs := map[string]*string{}
	for _, n := range []string{"latency", "image-delay", "video-delay", "publish-lag", "token-ttl"} {
		durs[n] = fs.String(prefix+n, "", map[string]string{
			"latency":     "delay added to every emulated request (e.g. 150ms)",
			"image-delay": "how long image containers stay IN_PROGRESS",
			"video-delay": "how long video containers stay IN_PROGRESS",
			"publish-lag": "answer 24/4279009 to threads_publish for this long after a container is FINISHED",
			"token-ttl":   "lifetime of long-lived tokens issued from now on (default 60 days)",
		}[n])
	}
	var media, drops, errs, quotas, geoIneligible multiFlag
	fs.Var(&media, prefix+"media", "processing of one media URL: URL=DELAY[:ERROR_MESSAGE] (repeatable)")
	fs.Var(&drops, prefix+"drop", "drop the connection of requests whose path contains PATH: PATH[:TIMES] (repeatable)")
	fs.Var(&errs, prefix+"error", "answer a Graph error to requests whose path contains PATH: PATH=CODE[/SUBCODE][:TIMES] (repeatable)")
	fs.Var(&quotas, prefix+"quota", "quota size, KIND=N; kinds: posts, replies, deletes, location_search, keyword_search, profile_discovery (repeatable)")
	publish := fs.String(prefix+"publish-fault", "", "threads_publish failure: 500_but_published, drop_after_commit or 500_not_published, optionally :TIMES")
	rate := fs.String(prefix+"rate-limit", "", "answer code 4 beyond CALLS calls within DURATION: CALLS/DURATION (e.g. 100/1m)")
	quotaErr := fs.String(prefix+"quota-error", "", "quota-exhausted error shape: code9 (Instagram's 9/2207042, default) or code4")
	expire := fs.Bool(prefix+"expire-demo-token", false, "start with the demo token expired (code 190 on every call)")
	ownOnly := fs.Bool(prefix+"keyword-search-own-posts-only", false, "keyword search finds only the caller's posts, as before App Review approval")
	metaOnly := fs.Bool(prefix+"profile-discovery-meta-only", false, "profile discovery resolves only @meta, @threads, @instagram and @facebook")
	unit := fs.String(prefix+"entity-offset-unit", "", "unit of text_entities and text_with_styling_info ranges: code_points (default) or utf16")
	fs.Var(&geoIneligible, prefix+"geo-gating-ineligible", "make this user (a username, or demo) ineligible for geo-gating (repeatable)")
	reqLog := fs.Int(prefix+"request-log", -1, "keep the last N requests in memory for inspection (0: none)")
	hookURL := fs.String(prefix+"webhook-url", "", "deliver signed Threads webhooks (replies, mentions, publish, delete) to this callback URL")
	hookSecret := fs.String(prefix+"webhook-secret", "", "app secret the webhooks are signed with (default: the demo app's)")
	hookRetries := fs.Int(prefix+"webhook-retries", 0, "how many times a failed webhook delivery is retried (default 5)")

	return func() ([]Option, error) {
		var f Faults
		var problems []error
		bad := func(name, v string, err error) {
			problems = append(problems, fmt.Errorf("--%s%s %q: %w", prefix, name, v, err))
		}
		for name, v := range durs {
			if *v == "" {
				continue
			}
			d, err := time.ParseDuration(*v)
			if err != nil || d < 0 {
				bad(name, *v, errors.New("want a duration such as 1.5s"))
				continue
			}
			p := dur(d)
			switch name {
			case "latency":
				f.Latency = p
			case "image-delay":
				f.ImageDelay = p
			case "video-delay":
				f.VideoDelay = p
			case "publish-lag":
				f.PublishLag = p
			case "token-ttl":
				f.TokenTTL = p
			}
		}
		for _, v := range media {
			u, spec, ok := cutLast(v, "=")
			delay, msg, _ := strings.Cut(spec, ":")
			d, err := time.ParseDuration(delay)
			if !ok || u == "" || err != nil {
				bad("media", v, errors.New("want URL=DELAY[:ERROR_MESSAGE]"))
				continue
			}
			if f.Media == nil {
				f.Media = map[string]MediaFault{}
			}
			f.Media[u] = MediaFault{Delay: Duration(d), Error: msg}
		}
		if *publish != "" {
			mode, n, err := withTimes(*publish)
			if _, known := publishModes[mode]; err != nil || !known {
				bad("publish-fault", *publish, errors.New("want 500_but_published, drop_after_commit or 500_not_published, optionally :TIMES"))
			} else {
				f.Publish = &PublishFaultSpec{Mode: mode, Times: n}
			}
		}
		for _, v := range drops {
			p, n, err := withTimes(v)
			if err != nil || p == "" {
				bad("drop", v, errors.New("want PATH[:TIMES]"))
				continue
			}
			f.Drop = append(f.Drop, DropSpec{Path: p, Times: n})
		}
		for _, v := range errs {
			p, spec, ok := cutLast(v, "=")
			codes, n, err := withTimes(spec)
			c, sub, _ := strings.Cut(codes, "/")
			code, cerr := strconv.Atoi(c)
			subcode := 0
			if sub != "" {
				subcode, err = strconv.Atoi(sub)
			}
			if !ok || p == "" || err != nil || cerr != nil || code <= 0 {
				bad("error", v, errors.New("want PATH=CODE[/SUBCODE][:TIMES], e.g. threads_publish=2:1"))
				continue
			}
			f.Errors = append(f.Errors, ErrorInjection{Path: p, Code: code, Subcode: subcode, Times: n,
				IsTransient: code == 1 || code == 2})
		}
		if *rate != "" {
			c, w, _ := strings.Cut(*rate, "/")
			calls, err1 := strconv.Atoi(c)
			window, err2 := time.ParseDuration(w)
			if err1 != nil || err2 != nil || calls <= 0 || window <= 0 {
				bad("rate-limit", *rate, errors.New("want CALLS/DURATION, e.g. 100/1m"))
			} else {
				f.RateLimit = &RateLimit{Calls: calls, Window: Duration(window)}
			}
		}
		for _, v := range quotas {
			k, n, ok := strings.Cut(v, "=")
			size, err := strconv.Atoi(n)
			if _, known := defaultQuotas[k]; !ok || !known || err != nil || size < 0 {
				bad("quota", v, fmt.Errorf("want KIND=N with KIND one of %s", strings.Join(sortedKeys(defaultQuotas), ", ")))
				continue
			}
			if f.Quotas == nil {
				f.Quotas = map[string]int{}
			}
			f.Quotas[k] = size
		}
		if *expire {
			f.ExpireTokens = []string{"demo"}
		}
		f.GeoGatingIneligible = geoIneligible
		switch OffsetUnit(*unit) {
		case "", OffsetCodePoints, OffsetUTF16:
		default:
			bad("entity-offset-unit", *unit, errors.New("want code_points or utf16"))
		}
		var quotaSpec *ErrorSpec
		switch *quotaErr {
		case "":
		case "code9":
			quotaSpec = &DefaultQuotaError
		case "code4":
			quotaSpec = &QuotaErrorCode4
		default:
			bad("quota-error", *quotaErr, errors.New("want code9 or code4"))
		}
		if err := errors.Join(problems...); err != nil {
			return nil, err
		}
		// Only the Config members these flags name change.
		cfgOpt := func(cf *config) {
			if quotaSpec != nil {
				cf.api.QuotaError = *quotaSpec
			}
			cf.api.KeywordSearchOwnPostsOnly = cf.api.KeywordSearchOwnPostsOnly || *ownOnly
			cf.api.ProfileDiscoveryMetaOnly = cf.api.ProfileDiscoveryMetaOnly || *metaOnly
			if *unit != "" {
				cf.api.EntityOffsetUnit = OffsetUnit(*unit)
			}
		}
		opts := []Option{WithFaults(f), cfgOpt}
		if *hookURL != "" {
			if u, err := url.Parse(*hookURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				return nil, fmt.Errorf("--%swebhook-url %q: want an http or https URL", prefix, *hookURL)
			}
			opts = append(opts, WithWebhooks(WebhookConfig{CallbackURL: *hookURL, Secret: *hookSecret, Retries: *hookRetries}))
		}
		if *reqLog >= 0 {
			opts = append(opts, WithRequestLog(*reqLog))
		}
		return opts, nil
	}
}

// multiFlag is a repeatable string flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

// withTimes splits "VALUE[:TIMES]".
func withTimes(v string) (string, int, error) {
	if s, n, ok := cutLast(v, ":"); ok {
		if t, err := strconv.Atoi(n); err == nil {
			if t < 0 {
				return "", 0, errors.New("negative times")
			}
			return s, t, nil
		}
	}
	return v, 0, nil
}

// cutLast cuts s around the last sep.
func cutLast(s, sep string) (string, string, bool) {
	i := strings.LastIndex(s, sep)
	if i < 0 {
		return s, "", false
	}
	return s[:i], s[i+len(sep):], true
}
