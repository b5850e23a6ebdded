package schemas

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/invopop/jsonschema"

	"github.com/threads-mcp/threads-mcp/threads"
)

// InsightsEarliest is the earliest since/until Threads accepts for account
// insights: 1712991600 (2024-04-13T07:00:00Z).
const InsightsEarliest int64 = 1712991600

// MediaMetrics returns the metrics of one post, in documented order; they are
// also the default when post_id is set. The list is threads.DefaultMediaMetrics.
func MediaMetrics() []string { return threads.DefaultMediaMetrics() }

// followerDemographics is the account metric that needs a breakdown.
const followerDemographics = "follower_demographics"

// AccountMetrics returns the account-level metrics, in documented order:
// DefaultAccountMetrics plus follower_demographics.
func AccountMetrics() []string { return append(DefaultAccountMetrics(), followerDemographics) }

// DefaultAccountMetrics returns the metrics asked for when post_id and
// metrics are both omitted: every account metric except follower_demographics
// (threads.DefaultUserMetrics).
func DefaultAccountMetrics() []string { return threads.DefaultUserMetrics() }

// Breakdowns returns the breakdown values of follower_demographics
// (https://developers.facebook.com/docs/threads/insights).
func Breakdowns() []string { return []string{"country", "city", "age", "gender"} }

// allMetrics returns every metric name once: the media metrics, then the
// account metrics that are not media metrics.
func allMetrics() []string {
	out := MediaMetrics()
	for _, m := range AccountMetrics() {
		if !containsString(out, m) {
			out = append(out, m)
		}
	}
	return out
}

// GetInsightsArgs are the arguments of the get_insights tool.
type GetInsightsArgs struct {
	PostID    string   `json:"post_id,omitempty" jsonschema_description:"For post metrics; omit for the account's."`
	Metrics   []string `json:"metrics,omitempty"`
	Since     string   `json:"since,omitempty" jsonschema:"maxLength=40" jsonschema_description:"Account: RFC 3339 or YYYY-MM-DD, from 2024-04-13T07:00:00Z."`
	Until     string   `json:"until,omitempty" jsonschema:"maxLength=40" jsonschema_description:"Account: after since, not in the future."`
	Breakdown string   `json:"breakdown,omitempty" jsonschema_description:"Needed with follower_demographics only."`
	AccountArg
}

// JSONSchemaExtend adds the id pattern and generates the metrics and
// breakdown enums and the metrics description from the metric lists.
func (GetInsightsArgs) JSONSchemaExtend(s *jsonschema.Schema) {
	setID(s, "post_id")
	setEnum(s, "breakdown", Breakdowns())
	p := property(s, "metrics")
	if p == nil {
		return
	}
	all := allMetrics()
	n := uint64(len(all))
	p.MaxItems = &n
	if p.Items != nil {
		p.Items.Enum = make([]any, len(all))
		for i, m := range all {
			p.Items.Enum[i] = m
		}
	}
	var postOnly, accountOnly []string
	for _, m := range MediaMetrics() {
		if !slices.Contains(AccountMetrics(), m) {
			postOnly = append(postOnly, m)
		}
	}
	for _, m := range AccountMetrics() {
		if !slices.Contains(MediaMetrics(), m) {
			accountOnly = append(accountOnly, m)
		}
	}
	p.Description = fmt.Sprintf("Post only: %s. Account only: %s. Default: all but %s.",
		strings.Join(postOnly, ", "), strings.Join(accountOnly, ", "), followerDemographics)
}

// Normalize trims every field, lower-cases metrics and breakdown, and drops
// duplicate metrics.
func (a *GetInsightsArgs) Normalize() {
	a.PostID = strings.TrimSpace(a.PostID)
	a.Since = strings.TrimSpace(a.Since)
	a.Until = strings.TrimSpace(a.Until)
	a.Breakdown = normalizeEnum(a.Breakdown)
	if a.Metrics == nil {
		return
	}
	out := make([]string, 0, len(a.Metrics))
	for _, m := range a.Metrics {
		m = normalizeEnum(m)
		if !containsString(out, m) {
			out = append(out, m)
		}
	}
	a.Metrics = out
}

// Defaults fills Metrics when empty: MediaMetrics with post_id,
// DefaultAccountMetrics without (or just follower_demographics when only a
// breakdown is given).
func (a *GetInsightsArgs) Defaults() {
	if len(a.Metrics) > 0 {
		return
	}
	switch {
	case a.PostID != "":
		a.Metrics = MediaMetrics()
	case a.Breakdown != "":
		a.Metrics = []string{followerDemographics}
	default:
		a.Metrics = DefaultAccountMetrics()
	}
}

// Validate is ValidateAt(time.Now()).
func (a *GetInsightsArgs) Validate() error { return a.ValidateAt(time.Now()) }

// ValidateAt checks the arguments with now as the current time: with post_id,
// only media metrics and no since, until or breakdown; without, only account
// metrics; follower_demographics requires breakdown and vice versa; since and
// until parse (ParseTime), are not before InsightsEarliest, not after now,
// and since is before until. A zero now skips the "not in the future" check.
// It returns FieldErrors, or nil.
func (a *GetInsightsArgs) ValidateAt(now time.Time) error {
	var errs FieldErrors
	if a.PostID != "" {
		errs.add(checkID("post_id", a.PostID))
		media := MediaMetrics()
		for i, m := range a.Metrics {
			if containsString(media, m) {
				continue
			}
			fix := "use only " + strings.Join(media, ", ") + " with post_id"
			if containsString(AccountMetrics(), m) {
				fix = fmt.Sprintf("%s is an account metric: omit post_id to get it, or drop it from metrics", m)
			}
			errs.add(newFieldError(fmt.Sprintf("metrics[%d]", i), "not a post metric", m, fmt.Sprintf("got %s; post metrics: %s", quote(m), strings.Join(media, ", ")), fix))
		}
		for _, f := range []struct{ name, value string }{{"since", a.Since}, {"until", a.Until}, {"breakdown", a.Breakdown}} {
			if f.value != "" {
				errs.add(newFieldError(f.name, "not with post_id", f.value, fmt.Sprintf("%s applies to account metrics only, but post_id is set", f.name),
					fmt.Sprintf("omit %s for post metrics, or omit post_id for account metrics", f.name)))
			}
		}
		return errs.Err()
	}
	account := AccountMetrics()
	demographics := false
	for i, m := range a.Metrics {
		if m == followerDemographics {
			demographics = true
		}
		if containsString(account, m) {
			continue
		}
		fix := "use only " + strings.Join(account, ", ") + " without post_id"
		if containsString(MediaMetrics(), m) {
			fix = m + " is a post metric: set post_id to get it, or drop it from metrics"
		}
		errs.add(newFieldError(fmt.Sprintf("metrics[%d]", i), "not an account metric", m, fmt.Sprintf("got %s; account metrics: %s", quote(m), strings.Join(account, ", ")), fix))
	}
	switch {
	case a.Breakdown != "" && !containsString(Breakdowns(), a.Breakdown):
		errs.add(checkEnum("breakdown", a.Breakdown, Breakdowns()))
	case demographics && a.Breakdown == "":
		errs.add(newFieldError("breakdown", "required", "", "follower_demographics needs exactly one breakdown", "set breakdown to one of: "+strings.Join(Breakdowns(), ", ")))
	case !demographics && a.Breakdown != "" && len(a.Metrics) > 0:
		errs.add(newFieldError("breakdown", "not without follower_demographics", a.Breakdown, "breakdown applies only to the follower_demographics metric", `add "follower_demographics" to metrics, or omit breakdown`))
	}
	since, okSince := a.checkTime(&errs, "since", a.Since, now)
	until, okUntil := a.checkTime(&errs, "until", a.Until, now)
	if okSince && okUntil && !since.Before(until) {
		errs.add(newFieldError("until", "not after since", a.Until, fmt.Sprintf("until %s is not after since %s", a.Until, a.Since), "give an until later than since, or swap them"))
	}
	return errs.Err()
}

// checkTime parses and range-checks since or until.
func (a *GetInsightsArgs) checkTime(errs *FieldErrors, field, value string, now time.Time) (time.Time, bool) {
	if value == "" {
		return time.Time{}, false
	}
	t, err := ParseTime(value)
	if err != nil {
		errs.add(newFieldError(field, "invalid time", value, fmt.Sprintf("%s is neither RFC 3339 nor YYYY-MM-DD", quote(truncate(value))), `write it as "2025-01-31" or "2025-01-31T12:00:00Z"`))
		return time.Time{}, false
	}
	earliest := time.Unix(InsightsEarliest, 0).UTC()
	if t.Before(earliest) {
		errs.add(newFieldError(field, "too early", value, fmt.Sprintf("%s is before %s, the earliest time Threads insights accept", value, earliest.Format(time.RFC3339)), "use a time on or after 2024-04-13T07:00:00Z"))
		return t, false
	}
	if !now.IsZero() && t.After(now) {
		errs.add(newFieldError(field, "in the future", value, fmt.Sprintf("%s is after the current time %s", value, now.UTC().Format(time.RFC3339)), "use a time in the past, or omit it"))
		return t, false
	}
	return t, true
}

// ParseTime parses an insights time: RFC 3339 (with or without fractional
// seconds), the Graph form 2006-01-02T15:04:05-0700, or a date YYYY-MM-DD
// meaning midnight UTC.
func ParseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05-0700", time.DateOnly} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("parse time %q: want RFC 3339 or YYYY-MM-DD", truncate(s))
}

// MetricValue is one data point of a Metric.
type MetricValue struct {
	Value     int64  `json:"value"`
	EndTime   string `json:"end_time,omitempty" jsonschema_description:"End of the period this value covers, RFC 3339."`
	Link      string `json:"link_url,omitempty" jsonschema_description:"For clicks: the link clicked."`
	Dimension string `json:"dimension,omitempty" jsonschema_description:"For follower_demographics: the country, city, age range or gender."`
}

// Metric is one metric of an InsightsResult.
type Metric struct {
	Name   string        `json:"name"`
	Period string        `json:"period" jsonschema_description:"lifetime or day."`
	Total  *int64        `json:"total,omitempty"`
	Series []MetricValue `json:"series,omitempty"`
	Title  string        `json:"title,omitempty"`
}

// InsightsResult is the result of get_insights.
type InsightsResult struct {
	ResultMeta
	Scope   string   `json:"scope" jsonschema_description:"post or account."`
	PostID  string   `json:"post_id,omitempty"`
	Since   string   `json:"since,omitempty"`
	Until   string   `json:"until,omitempty"`
	Metrics []Metric `json:"metrics"`
}
