package emulator

import (
	"fmt"
	"hash/fnv"
	"net/http"
	"slices"
	"strings"
	"time"
)

var mediaMetrics = []string{"views", "likes", "replies", "reposts", "quotes", "shares"}

var userMetrics = []string{"views", "likes", "replies", "reposts", "quotes", "clicks",
	"followers_count", "follower_demographics"}

var demographicBuckets = map[string][]string{
	"country": {"US", "GB", "DE", "BR", "IN", "JP"},
	"city":    {"New York, New York", "London, England", "Berlin, Berlin", "São Paulo, São Paulo", "Tokyo, Tokyo"},
	"age":     {"18-24", "25-34", "35-44", "45-54", "55-64", "65+"},
	"gender":  {"F", "M", "U"},
}

// pacific is the fixed offset Meta's daily insight buckets end on.
var pacific = time.FixedZone("PDT", -7*3600)

// noise returns a deterministic pseudo-random number in [0, n) derived from
// the seed and parts.
func (e *Emulator) noise(n int, parts ...any) int {
	h := fnv.New64a()
	_, _ = fmt.Fprint(h, e.cfg.seed)
	for _, p := range parts {
		_, _ = fmt.Fprint(h, "|", p)
	}
	if n <= 0 {
		return 0
	}
	return int(h.Sum64() % uint64(n))
}

func metricList(rc *reqCtx, allowed []string) ([]string, error) {
	raw := rc.get("metric")
	if raw == "" {
		return nil, errParam("The parameter metric is required.")
	}
	ms := splitList(raw)
	for _, m := range ms {
		if !slices.Contains(allowed, m) {
			return nil, errParam("Param metric must be one of {%s}; got %q", strings.Join(allowed, ", "), m)
		}
	}
	return ms, nil
}

func metricTitle(name string) string {
	return strings.ToUpper(name[:1]) + strings.ReplaceAll(name[1:], "_", " ")
}

// mediaInsights serves GET /{media-id}/insights. Callers hold e.mu.
func (e *Emulator) mediaInsights(rc *reqCtx, id string) (any, error) {
	if err := e.need(rc, ScopeManageInsights); err != nil {
		return nil, err
	}
	m, ok := e.media[id]
	if !ok || m.deleted || m.carouselChild || m.ownerID != rc.me.id {
		return nil, errObject(http.MethodGet, id)
	}
	metrics, err := metricList(rc, mediaMetrics)
	if err != nil {
		return nil, err
	}
	data := []any{}
	if m.mediaType == "REPOST_FACADE" {
		return map[string]any{"data": data}, nil
	}
	views := 80 + e.noise(4000, m.id, "views")
	for _, name := range metrics {
		var v int
		switch name {
		case "views":
			v = views
		case "likes":
			v = views * (2 + e.noise(7, m.id, "likes")) / 100
		case "replies":
			v = e.replyCount(m)
		case "reposts":
			v = e.noise(12, m.id, "reposts") + e.countWhere(func(o *mediaObj) bool { return o.repostedID == m.id })
		case "quotes":
			v = e.noise(5, m.id, "quotes") + e.countWhere(func(o *mediaObj) bool { return o.quoteID == m.id })
		case "shares":
			v = e.noise(20, m.id, "shares")
		}
		data = append(data, map[string]any{"name": name, "period": "lifetime",
			"values": []any{map[string]any{"value": v}}, "title": metricTitle(name),
			"description": "The number of " + name + " of this media (emulated).",
			"id":          m.id + "/insights/" + name + "/lifetime"})
	}
	return map[string]any{"data": data}, nil
}

// replyCount is all visible replies of a root post, or the direct replies of a reply.
func (e *Emulator) replyCount(m *mediaObj) int {
	if m.isReply() {
		return e.countWhere(func(o *mediaObj) bool { return o.replyToID == m.id && o.visible() })
	}
	n := 0
	for _, d := range e.descendants(m) {
		if d.visible() {
			n++
		}
	}
	return n
}

func (e *Emulator) countWhere(f func(*mediaObj) bool) int {
	n := 0
	for _, o := range e.mediaOrder {
		if !o.deleted && f(o) {
			n++
		}
	}
	return n
}

func dayStart(t time.Time) time.Time {
	t = t.In(pacific)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, pacific)
}

// userInsights serves GET /{uid}/threads_insights. Callers hold e.mu.
func (e *Emulator) userInsights(rc *reqCtx, uid string) (any, error) {
	if err := e.need(rc, ScopeManageInsights); err != nil {
		return nil, err
	}
	metrics, err := metricList(rc, userMetrics)
	if err != nil {
		return nil, err
	}
	var since, until time.Time
	for _, p := range []struct {
		name string
		dst  *time.Time
	}{{"since", &since}, {"until", &until}} {
		v := rc.get(p.name)
		if v == "" {
			continue
		}
		t, err := timeParam(p.name, v)
		if err != nil {
			return nil, err
		}
		if t.Unix() < minInsightsTime {
			return nil, errParam("Param %s must be greater than or equal to %d (April 13, 2024)", p.name, minInsightsTime)
		}
		*p.dst = t
	}
	if until.IsZero() || until.After(rc.now) {
		until = rc.now
	}
	if since.IsZero() {
		since = dayStart(until).Add(-24 * time.Hour)
	}
	if !since.Before(until) {
		return nil, errParam("Param since must be earlier than until")
	}
	u := e.users[uid]
	var days []time.Time
	for d := dayStart(since); d.Before(until); d = d.Add(24 * time.Hour) {
		days = append(days, d)
	}
	data := []any{}
	for _, name := range metrics {
		entry := map[string]any{"name": name, "period": "day", "title": metricTitle(name),
			"description": "The " + strings.ReplaceAll(name, "_", " ") + " of the profile (emulated).",
			"id":          uid + "/insights/" + name + "/day"}
		switch name {
		case "views":
			vals := make([]any, 0, len(days))
			for _, d := range days {
				vals = append(vals, map[string]any{"value": 20 + e.noise(400, uid, "views", d.Unix()),
					"end_time": d.Add(24 * time.Hour).UTC().Format(timeLayout)})
			}
			entry["values"] = vals
		case "likes", "replies", "reposts", "quotes":
			scale := map[string]int{"likes": 60, "replies": 12, "reposts": 6, "quotes": 3}[name]
			total := 0
			for _, d := range days {
				total += e.noise(scale, uid, name, d.Unix())
			}
			entry["total_value"] = map[string]any{"value": total}
		case "clicks":
			links := []any{}
			seen := map[string]bool{}
			for _, m := range e.mediaOrder {
				if m.ownerID == uid && !m.deleted && m.linkURL != "" && !seen[m.linkURL] {
					seen[m.linkURL] = true
					links = append(links, map[string]any{"value": e.noise(50, uid, "clicks", m.linkURL),
						"link_url": m.linkURL})
				}
			}
			entry["link_total_values"] = links
		case "followers_count":
			entry["total_value"] = map[string]any{"value": u.followers}
		case "follower_demographics":
			bd := splitList(rc.get("breakdown"))
			if len(bd) != 1 || demographicBuckets[bd[0]] == nil {
				return nil, errParam("follower_demographics requires exactly one breakdown of {country, city, age, gender}")
			}
			if u.followers < demoFollowerMinimum {
				return nil, errParam("follower_demographics is only available for profiles with at least %d followers", demoFollowerMinimum)
			}
			entry["period"] = "lifetime"
			entry["id"] = uid + "/insights/follower_demographics/lifetime"
			results := []any{}
			left := u.followers
			buckets := demographicBuckets[bd[0]]
			for i, b := range buckets {
				v := left
				if i < len(buckets)-1 {
					v = left * (30 + e.noise(30, uid, b)) / 100
				}
				left -= v
				results = append(results, map[string]any{"dimension_values": []string{b}, "value": v})
			}
			entry["total_value"] = map[string]any{"breakdowns": []any{map[string]any{
				"dimension_keys": []string{bd[0]}, "results": results}}}
		}
		data = append(data, entry)
	}
	return map[string]any{"data": data}, nil
}
