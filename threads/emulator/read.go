package emulator

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// parseFields splits a fields parameter, dropping nested selections such as
// root_post{id}.
func parseFields(s string) []string {
	var out []string
	depth := 0
	cur := strings.Builder{}
	flush := func() {
		if f := strings.TrimSpace(cur.String()); f != "" && !slices.Contains(out, f) {
			out = append(out, f)
		}
		cur.Reset()
	}
	for _, r := range s {
		switch {
		case r == '{':
			depth++
		case r == '}':
			depth--
		case depth > 0:
		case r == ',':
			flush()
		default:
			cur.WriteRune(r)
		}
	}
	flush()
	return out
}

// profile serves GET /me and GET /{own-user-id}. Callers hold e.mu.
func (e *Emulator) profile(rc *reqCtx) (any, error) {
	fields := parseFields(rc.get("fields"))
	if len(fields) == 0 {
		fields = []string{"id"}
	}
	u := rc.me
	out := map[string]any{}
	for _, f := range fields {
		switch f {
		case "id":
			out["id"] = u.id
		case "username":
			out["username"] = u.username
		case "name":
			if u.name != "" {
				out["name"] = u.name
			}
		case "threads_profile_picture_url":
			out[f] = profilePicture(u.id)
		case "threads_biography":
			if u.bio != "" {
				out[f] = u.bio
			}
		case "is_verified":
			out[f] = u.verified
		case "recently_searched_keywords":
			out[f] = e.recentSearches(u.id)
		case "is_eligible_for_geo_gating":
			out[f] = u.geoEligible()
		default:
			return nil, errField(f)
		}
	}
	return out, nil
}

func profilePicture(uid string) string {
	return "https://scontent.threads-emulator.test/v/profile/" + uid + ".jpg"
}

var mediaFields = []string{"id", "media_product_type", "media_type", "media_url", "permalink", "owner",
	"username", "text", "timestamp", "shortcode", "thumbnail_url", "children", "is_quote_post", "quoted_post",
	"reposted_post", "alt_text", "link_attachment_url", "has_replies", "is_reply", "is_reply_owned_by_me",
	"root_post", "replied_to", "hide_status", "reply_audience", "gif_url", "poll_attachment", "topic_tag",
	"is_spoiler_media", "text_entities", "text_attachment", "location_id", "location",
	"allowlisted_country_codes", "ghost_post_status", "ghost_post_expiration_timestamp", "is_verified",
	"profile_picture_url", "reply_approval_status"}

func checkMediaFields(fields []string) error {
	for _, f := range fields {
		if !slices.Contains(mediaFields, f) {
			return errField(f)
		}
	}
	return nil
}

// getMedia serves GET /{media-id}. Callers hold e.mu.
func (e *Emulator) getMedia(rc *reqCtx, m *mediaObj) (any, error) {
	fields := parseFields(rc.get("fields"))
	if len(fields) == 0 {
		fields = []string{"id"}
	}
	if err := checkMediaFields(fields); err != nil {
		return nil, err
	}
	if m.approval != "" && !e.ownsRoot(rc.me.id, m) && m.ownerID != rc.me.id {
		return nil, errObject(http.MethodGet, m.id)
	}
	return e.render(rc, m, fields), nil
}

func (e *Emulator) ownsRoot(uid string, m *mediaObj) bool {
	root := e.media[m.rootID]
	return root != nil && root.ownerID == uid
}

func (e *Emulator) hasReplies(m *mediaObj) bool {
	for _, o := range e.mediaOrder {
		if o.replyToID == m.id && o.visible() {
			return true
		}
	}
	return false
}

// render builds the selected fields of m for the caller. Fields that do
// not apply to m are omitted. Callers hold e.mu.
func (e *Emulator) render(rc *reqCtx, m *mediaObj, fields []string) map[string]any {
	out := map[string]any{}
	author := e.users[m.ownerID]
	repost := m.mediaType == "REPOST_FACADE"
	for _, f := range fields {
		switch f {
		case "id":
			out[f] = m.id
		case "media_product_type":
			out[f] = "THREADS"
		case "media_type":
			out[f] = m.mediaType
		case "media_url":
			if m.mediaURL != "" {
				out[f] = m.mediaURL
			}
		case "permalink":
			if author != nil {
				out[f] = "https://www.threads.com/@" + author.username + "/post/" + m.shortcode
			}
		case "owner":
			if m.ownerID == rc.me.id && !m.isReply() && !m.carouselChild {
				out[f] = map[string]any{"id": m.ownerID}
			}
		case "username":
			if author != nil {
				out[f] = author.username
			}
		case "text":
			if m.text != "" {
				out[f] = m.text
			}
		case "timestamp":
			out[f] = m.ts.Format(timeLayout)
		case "shortcode":
			out[f] = m.shortcode
		case "thumbnail_url":
			if m.thumbnailURL != "" {
				out[f] = m.thumbnailURL
			}
		case "children":
			if len(m.children) > 0 {
				data := make([]map[string]any, len(m.children))
				for i, c := range m.children {
					data[i] = map[string]any{"id": c}
				}
				out[f] = map[string]any{"data": data}
			}
		case "is_quote_post":
			out[f] = m.quoteID != ""
		case "quoted_post":
			if m.quoteID != "" {
				out[f] = map[string]any{"id": m.quoteID}
			}
		case "reposted_post":
			if repost {
				out[f] = map[string]any{"id": m.repostedID}
			}
		case "alt_text":
			if m.altText != "" {
				out[f] = m.altText
			}
		case "link_attachment_url":
			if m.linkURL != "" {
				out[f] = m.linkURL
			}
		case "has_replies":
			if !repost {
				out[f] = e.hasReplies(m)
			}
		case "is_reply":
			out[f] = m.isReply()
		case "is_reply_owned_by_me":
			if m.isReply() {
				out[f] = m.ownerID == rc.me.id
			}
		case "root_post":
			if m.isReply() {
				out[f] = map[string]any{"id": m.rootID}
			}
		case "replied_to":
			if m.isReply() {
				out[f] = map[string]any{"id": m.replyToID}
			}
		case "hide_status":
			if m.isReply() {
				out[f] = m.hideStatus
			}
		case "reply_audience":
			if m.ownerID == rc.me.id && !repost && !m.carouselChild {
				out[f] = m.replyAudience
			}
		case "gif_url":
			if m.gifURL != "" {
				out[f] = m.gifURL
			}
		case "poll_attachment":
			if m.poll != nil {
				p := map[string]any{"total_votes": 0,
					"expiration_timestamp": m.ts.Add(24 * time.Hour).Format(timeLayout)}
				for _, k := range []string{"option_a", "option_b", "option_c", "option_d"} {
					if v, ok := m.poll[k]; ok {
						p[k] = v
						p[k+"_votes_percentage"] = 0.0
					}
				}
				out[f] = p
			}
		case "topic_tag":
			if m.topicTag != "" {
				out[f] = m.topicTag
			}
		case "is_spoiler_media":
			if !repost {
				out[f] = m.spoiler
			}
		case "text_entities":
			if len(m.textEntities) > 0 {
				out[f] = map[string]any{"data": m.textEntities}
			}
		case "text_attachment":
			if len(m.textAttachment) > 0 {
				out[f] = m.textAttachment
			}
		case "location_id":
			if m.locationID != "" {
				out[f] = m.locationID
			}
		case "location":
			if l, ok := locationByID(m.locationID); ok {
				out[f], _ = l.render(locationFields)
			} else if m.locationID != "" {
				out[f] = map[string]any{"id": m.locationID}
			}
		case "allowlisted_country_codes":
			if len(m.countries) > 0 {
				out[f] = m.countries
			}
		case "ghost_post_status":
			if m.ghost {
				if rc.now.Before(m.ghostExpiry) {
					out[f] = "ACTIVE"
				} else {
					out[f] = "ARCHIVED"
				}
			}
		case "ghost_post_expiration_timestamp":
			if m.ghost {
				out[f] = m.ghostExpiry.Format(timeLayout)
			}
		case "is_verified":
			if author != nil {
				out[f] = author.verified
			}
		case "profile_picture_url":
			out[f] = profilePicture(m.ownerID)
		case "reply_approval_status":
			if m.approval != "" {
				out[f] = m.approval
			}
		}
	}
	return out
}

// mediaOrderCmp orders media chronologically (timestamp, then creation).
func mediaOrderCmp(a, b *mediaObj) int {
	if c := a.ts.Compare(b.ts); c != 0 {
		return c
	}
	return int(a.seq - b.seq)
}

func newestFirst(a, b *mediaObj) int { return mediaOrderCmp(b, a) }

// timeParam parses since/until: Unix seconds or a common date format.
func timeParam(name, v string) (time.Time, error) {
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		return time.Unix(n, 0), nil
	}
	for _, layout := range []string{time.RFC3339, timeLayout, "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t, nil
		}
	}
	return time.Time{}, errParam("Param %s must be a Unix timestamp or a valid date", name)
}

// window parses and validates since/until for lists: since no earlier than
// 1688540400, until not in the future, since before until
// (https://developers.facebook.com/docs/threads/reference/user).
func window(rc *reqCtx, minSince int64) (since, until time.Time, err error) {
	if v := rc.get("since"); v != "" {
		if since, err = timeParam("since", v); err != nil {
			return
		}
		if since.Unix() < minSince {
			err = errParam("Param since must be a Unix timestamp greater than or equal to %d", minSince)
			return
		}
	}
	if v := rc.get("until"); v != "" {
		if until, err = timeParam("until", v); err != nil {
			return
		}
		if until.Unix() < minSince {
			err = errParam("Param until must be a Unix timestamp greater than or equal to %d", minSince)
			return
		}
		if until.After(rc.now) {
			err = errParam("Param until must not be in the future")
			return
		}
	}
	if !since.IsZero() && !until.IsZero() && !since.Before(until) {
		err = errParam("Param since must be earlier than until")
	}
	return
}

func inWindow(t, since, until time.Time) bool {
	return (since.IsZero() || !t.Before(since)) && (until.IsZero() || !t.After(until))
}

func encodeCursor(m *mediaObj) string {
	return base64.RawURLEncoding.EncodeToString([]byte("QVFI:" + m.id))
}

func (e *Emulator) decodeCursor(s string) (*mediaObj, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err == nil {
		if id, ok := strings.CutPrefix(string(b), "QVFI:"); ok {
			if m, ok := e.media[id]; ok {
				return m, nil
			}
		}
	}
	return nil, errParam("Invalid cursor: the before/after cursor is malformed or unknown")
}

// listLimit parses limit: default 25, 0..100.
func listLimit(rc *reqCtx) (int, error) {
	v := rc.get("limit")
	if v == "" {
		return 25, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 || n > 100 {
		return 0, errParam("Param limit must be a number between 0 and 100")
	}
	if n == 0 {
		n = 25
	}
	return n, nil
}

// page paginates items (already sorted by cmp) and renders the page.
// Callers hold e.mu.
func (e *Emulator) page(rc *reqCtx, items []*mediaObj, cmp func(a, b *mediaObj) int,
	render func(*mediaObj) map[string]any) (any, error) {
	limit, err := listLimit(rc)
	if err != nil {
		return nil, err
	}
	before, after := rc.get("before"), rc.get("after")
	if before != "" && after != "" {
		return nil, errParam("Cannot specify both before and after cursors")
	}
	start, end := 0, min(limit, len(items))
	switch {
	case after != "":
		cur, err := e.decodeCursor(after)
		if err != nil {
			return nil, err
		}
		start = len(items)
		for i, m := range items {
			if cmp(m, cur) > 0 {
				start = i
				break
			}
		}
		end = min(start+limit, len(items))
	case before != "":
		cur, err := e.decodeCursor(before)
		if err != nil {
			return nil, err
		}
		end = len(items)
		for i, m := range items {
			if cmp(m, cur) >= 0 {
				end = i
				break
			}
		}
		start = max(0, end-limit)
	}
	data := make([]map[string]any, 0, end-start)
	for _, m := range items[start:end] {
		data = append(data, render(m))
	}
	out := map[string]any{"data": data}
	if len(data) == 0 {
		return out, nil
	}
	first, last := encodeCursor(items[start]), encodeCursor(items[end-1])
	paging := map[string]any{"cursors": map[string]any{"before": first, "after": last}}
	if end < len(items) {
		paging["next"] = rc.pageURL("after", last, limit)
	}
	if start > 0 {
		paging["previous"] = rc.pageURL("before", first, limit)
	}
	out["paging"] = paging
	return out, nil
}

// pageURL builds a full next/previous URL that embeds access_token, as the
// real Graph API does.
func (rc *reqCtx) pageURL(key, cursor string, limit int) string {
	q := url.Values{}
	for k, vs := range rc.params {
		switch k {
		case "before", "after", "access_token", "limit":
			continue
		}
		q[k] = vs
	}
	q.Set("access_token", rc.tokStr)
	q.Set("limit", strconv.Itoa(limit))
	q.Set(key, cursor)
	scheme := "http"
	if rc.r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + rc.r.Host + rc.r.URL.Path + "?" + q.Encode()
}

// listFields parses and validates the fields of a list endpoint.
func listFields(rc *reqCtx) ([]string, error) {
	fields := parseFields(rc.get("fields"))
	if len(fields) == 0 {
		fields = []string{"id"}
	}
	return fields, checkMediaFields(fields)
}

// userList serves the user media lists. Callers hold e.mu.
func (e *Emulator) userList(rc *reqCtx, uid string, keep func(*mediaObj) bool) (any, error) {
	fields, err := listFields(rc)
	if err != nil {
		return nil, err
	}
	since, until, err := window(rc, minListSince)
	if err != nil {
		return nil, err
	}
	var items []*mediaObj
	for _, m := range e.mediaOrder {
		if m.ownerID == uid && !m.deleted && !m.carouselChild && keep(m) && inWindow(m.ts, since, until) {
			items = append(items, m)
		}
	}
	slices.SortFunc(items, newestFirst)
	return e.page(rc, items, newestFirst, func(m *mediaObj) map[string]any { return e.render(rc, m, fields) })
}

// userThreads serves GET /{uid}/threads: top-level posts and reposts.
func (e *Emulator) userThreads(rc *reqCtx, uid string) (any, error) {
	return e.userList(rc, uid, func(m *mediaObj) bool { return !m.isReply() && !m.ghost })
}

// userReplies serves GET /{uid}/replies: every reply the user wrote.
func (e *Emulator) userReplies(rc *reqCtx, uid string) (any, error) {
	return e.userList(rc, uid, func(m *mediaObj) bool { return m.isReply() })
}

// ghostPosts serves GET /{uid}/ghost_posts.
func (e *Emulator) ghostPosts(rc *reqCtx, uid string) (any, error) {
	return e.userList(rc, uid, func(m *mediaObj) bool { return m.ghost })
}

// descendants returns every reply below m (all depths), in creation order.
func (e *Emulator) descendants(m *mediaObj) []*mediaObj {
	in := map[string]bool{m.id: true}
	var out []*mediaObj
	for _, o := range e.mediaOrder { // replies are always created after their parent
		if o.replyToID != "" && in[o.replyToID] {
			in[o.id] = true
			out = append(out, o)
		}
	}
	return out
}

func (e *Emulator) threadTarget(rc *reqCtx, id string) (*mediaObj, error) {
	if err := e.need(rc, ScopeReadReplies); err != nil {
		return nil, err
	}
	m, ok := e.media[id]
	if !ok || m.deleted || m.carouselChild {
		return nil, errObject(rc.r.Method, id)
	}
	return m, nil
}

// replyList renders a list of replies honouring reverse (default true).
func (e *Emulator) replyList(rc *reqCtx, items []*mediaObj) (any, error) {
	fields, err := listFields(rc)
	if err != nil {
		return nil, err
	}
	reverse := true
	if v := rc.get("reverse"); v != "" {
		if reverse, err = rc.boolParam("reverse"); err != nil {
			return nil, err
		}
	}
	cmp := mediaOrderCmp
	if reverse {
		cmp = newestFirst
	}
	slices.SortFunc(items, cmp)
	return e.page(rc, items, cmp, func(m *mediaObj) map[string]any { return e.render(rc, m, fields) })
}

// replies serves GET /{media-id}/replies: direct replies.
func (e *Emulator) replies(rc *reqCtx, id string) (any, error) {
	m, err := e.threadTarget(rc, id)
	if err != nil {
		return nil, err
	}
	var items []*mediaObj
	for _, o := range e.mediaOrder {
		if o.replyToID == m.id && o.visible() {
			items = append(items, o)
		}
	}
	return e.replyList(rc, items)
}

// conversation serves GET /{media-id}/conversation: all descendants.
func (e *Emulator) conversation(rc *reqCtx, id string) (any, error) {
	m, err := e.threadTarget(rc, id)
	if err != nil {
		return nil, err
	}
	var items []*mediaObj
	for _, o := range e.descendants(m) {
		if o.visible() {
			items = append(items, o)
		}
	}
	return e.replyList(rc, items)
}

// pendingReplies serves GET /{media-id}/pending_replies.
func (e *Emulator) pendingReplies(rc *reqCtx, id string) (any, error) {
	m, err := e.threadTarget(rc, id)
	if err != nil {
		return nil, err
	}
	if m.ownerID != rc.me.id {
		return nil, errObject(rc.r.Method, id)
	}
	status := rc.get("approval_status")
	if status != "" && status != "pending" && status != "ignored" {
		return nil, errParam("Param approval_status must be one of {pending, ignored}")
	}
	var items []*mediaObj
	for _, o := range e.descendants(m) {
		if o.deleted || o.approval == "" || (status != "" && o.approval != status) {
			continue
		}
		items = append(items, o)
	}
	return e.replyList(rc, items)
}

// manageReply serves POST /{reply-id}/manage_reply (hide=true|false).
func (e *Emulator) manageReply(rc *reqCtx, id string) (any, error) {
	if err := e.need(rc, ScopeManageReplies); err != nil {
		return nil, err
	}
	m, ok := e.media[id]
	if !ok || m.deleted || !m.isReply() {
		return nil, errObject(http.MethodPost, id)
	}
	parent := e.media[m.replyToID]
	if parent == nil || parent.isReply() || parent.ownerID != rc.me.id {
		return nil, errParam("Only top-level replies to your own posts can be hidden or unhidden")
	}
	if !rc.has("hide") {
		return nil, errParam("The parameter hide is required.")
	}
	hide, err := rc.boolParam("hide")
	if err != nil {
		return nil, err
	}
	st := "UNHUSHED"
	if hide {
		st = "HIDDEN"
	}
	e.touch()
	m.hideStatus = st
	for _, d := range e.descendants(m) {
		d.hideStatus = st
	}
	return map[string]any{"success": true}, nil
}

// managePendingReply serves POST /{reply-id}/manage_pending_reply (approve=true|false).
func (e *Emulator) managePendingReply(rc *reqCtx, id string) (any, error) {
	if err := e.need(rc, ScopeManageReplies); err != nil {
		return nil, err
	}
	m, ok := e.media[id]
	if !ok || m.deleted || m.approval == "" || !e.ownsRoot(rc.me.id, m) {
		return nil, errObject(http.MethodPost, id)
	}
	if !rc.has("approve") {
		return nil, errParam("The parameter approve is required.")
	}
	approve, err := rc.boolParam("approve")
	if err != nil {
		return nil, err
	}
	e.touch()
	if approve {
		m.approval = ""
	} else {
		m.approval = "ignored"
	}
	return map[string]any{"success": true}, nil
}

// publishingLimit serves GET /{uid}/threads_publishing_limit.
func (e *Emulator) publishingLimit(rc *reqCtx, uid string) (any, error) {
	if err := e.need(rc, ScopeContentPublish); err != nil {
		return nil, err
	}
	fields := parseFields(rc.get("fields"))
	if len(fields) == 0 {
		fields = []string{"quota_usage"}
	}
	cfg := func(total int) map[string]any {
		return map[string]any{"quota_total": total, "quota_duration": int(quotaWindow / time.Second)}
	}
	out := map[string]any{}
	for _, f := range fields {
		var scope string
		switch {
		case strings.HasPrefix(f, "reply_"):
			scope = ScopeManageReplies
		case strings.HasPrefix(f, "delete_"):
			scope = ScopeDelete
		case strings.HasPrefix(f, "location_search_"):
			scope = ScopeLocationTagging
		}
		if scope != "" {
			if err := e.need(rc, scope); err != nil {
				return nil, err
			}
		}
		kind, usage, ok := limitField(f)
		switch {
		case !ok:
			return nil, errField(f)
		case usage:
			out[f] = e.quotaUsed(uid, kind, rc.now)
		default:
			out[f] = cfg(e.quotaTotal(kind))
		}
	}
	return map[string]any{"data": []any{out}}, nil
}

// limitQuotas maps each quota group of threads_publishing_limit (the
// prefix of its NAME_usage / NAME_config fields; "" for the posts'
// quota_usage and config) to the emulator's quota.
var limitQuotas = map[string]string{
	"":                 quotaPosts,
	"reply_":           quotaReplies,
	"delete_":          quotaDeletes,
	"location_search_": quotaLocation,
	"search_":          quotaSearch,
}

// limitField resolves a threads_publishing_limit field to its quota and
// whether it asks for the usage (else the config); ok is false for an
// unknown field.
func limitField(f string) (kind string, usage, ok bool) {
	group, usage := strings.CutSuffix(f, "quota_usage")
	if !usage {
		if group, ok = strings.CutSuffix(f, "config"); !ok {
			return "", false, false
		}
	}
	kind, ok = limitQuotas[group]
	return kind, usage, ok
}
