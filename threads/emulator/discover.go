package emulator

import (
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// Quotas of the discovery endpoints, per user, rolling 24 h:
// keyword search 2,200 (https://developers.facebook.com/docs/threads/keyword-search),
// profile discovery 1,000 (https://developers.facebook.com/docs/threads/threads-profiles).
const (
	keywordSearchQuota    = 2200
	profileDiscoveryQuota = 1000
	quotaSearch           = "keyword_search"
	quotaProfile          = "profile_discovery"
	maxRecentSearches     = 10
)

// metaProfiles are the only profiles profile discovery resolves before
// threads_profile_discovery is approved in App Review.
var metaProfiles = []string{"meta", "threads", "instagram", "facebook"}

// debugToken serves GET /debug_token?input_token=…: the token may be
// inspected with itself or with an app token of the same app. Shape from
// https://developers.facebook.com/docs/threads/troubleshooting/debug-access-token
// (times in epoch seconds, user_id as a string).
func (e *Emulator) debugToken(rc *reqCtx) (any, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	now := e.now()
	caller := tokenParam(rc)
	if caller == "" {
		return nil, &apiError{status: 400, code: 190, typ: "OAuthException",
			msg: "An access token is required to request this resource."}
	}
	ct, err := e.lookupToken(caller, now)
	if err != nil {
		return nil, err
	}
	input := rc.get("input_token")
	if input == "" {
		return nil, errParam("The parameter input_token is required")
	}
	t, ok := e.tokens[input]
	if !ok {
		return map[string]any{"data": map[string]any{"is_valid": false, "scopes": []string{},
			"error": map[string]any{"code": 190, "message": "Invalid OAuth access token - Cannot parse access token"}}}, nil
	}
	if ct.app && t.appID != "" && ct.appID != t.appID {
		return nil, errParam("The access token does not belong to the application of input_token")
	}
	scopes := make([]string, 0, len(t.scopes))
	for s := range t.scopes {
		scopes = append(scopes, s)
	}
	slices.Sort(scopes)
	appID := t.appID
	if appID == "" {
		appID = e.demoAppID
	}
	data := map[string]any{
		"app_id":                 appID,
		"type":                   "USER",
		"application":            "threads-mcp emulator",
		"data_access_expires_at": t.issuedAt.Add(90 * 24 * time.Hour).Unix(),
		"expires_at":             t.expiresAt.Unix(),
		"issued_at":              t.issuedAt.Unix(),
		"is_valid":               !t.revoked && now.Before(t.expiresAt),
		"scopes":                 scopes,
		"user_id":                t.userID,
	}
	if t.app {
		data["type"] = "APP"
		delete(data, "user_id")
	}
	return map[string]any{"data": data}, nil
}

// searchable reports whether m is a public post or reply search, mentions
// and profile posts may return.
func (e *Emulator) searchable(m *mediaObj) bool {
	if !m.visible() || m.ghost || m.mediaType == "REPOST_FACADE" || m.hideStatus == "HIDDEN" {
		return false
	}
	u := e.users[m.ownerID]
	return u != nil && !u.private
}

// keywordSearch serves GET /keyword_search
// (https://developers.facebook.com/docs/threads/keyword-search): q,
// search_type TOP (default) or RECENT, search_mode KEYWORD (default) or TAG,
// media_type TEXT|IMAGE|VIDEO, since/until, limit, author_username, fields
// (no owner). Empty results do not count against the 2,200/24 h quota;
// without App Review approval (Config.KeywordSearchOwnPostsOnly) only the
// caller's own posts are found. Callers hold e.mu.
func (e *Emulator) keywordSearch(rc *reqCtx) (any, error) {
	if err := e.need(rc, ScopeKeywordSearch); err != nil {
		return nil, err
	}
	q := strings.TrimSpace(rc.get("q"))
	if q == "" {
		return nil, errParam("The parameter q is required.")
	}
	searchType := strings.ToUpper(rc.get("search_type"))
	switch searchType {
	case "":
		searchType = "TOP"
	case "TOP", "RECENT":
	default:
		return nil, errParam("Param search_type must be one of {TOP, RECENT}")
	}
	mode := strings.ToUpper(rc.get("search_mode"))
	switch mode {
	case "":
		mode = "KEYWORD"
	case "KEYWORD", "TAG":
	default:
		return nil, errParam("Param search_mode must be one of {KEYWORD, TAG}")
	}
	mediaType := strings.ToUpper(rc.get("media_type"))
	switch mediaType {
	case "", "IMAGE", "VIDEO":
	case "TEXT":
		mediaType = "TEXT_POST"
	default:
		return nil, errParam("Param media_type must be one of {TEXT, IMAGE, VIDEO}")
	}
	fields, err := listFields(rc)
	if err != nil {
		return nil, err
	}
	if slices.Contains(fields, "owner") {
		return nil, errField("owner")
	}
	since, until, err := window(rc, minListSince)
	if err != nil {
		return nil, err
	}
	if e.quotaUsed(rc.me.id, quotaSearch, rc.now) >= e.quotaTotal(quotaSearch) {
		return nil, e.quotaError(quotaSearch, e.quotaTotal(quotaSearch))
	}
	author := strings.TrimPrefix(rc.get("author_username"), "@")
	needle := strings.ToLower(strings.TrimPrefix(q, "#"))
	var items []*mediaObj
	for _, m := range e.mediaOrder {
		if !e.searchable(m) || !inWindow(m.ts, since, until) {
			continue
		}
		if e.cfg.api.KeywordSearchOwnPostsOnly && m.ownerID != rc.me.id {
			continue
		}
		if mediaType != "" && m.mediaType != mediaType {
			continue
		}
		if author != "" && e.users[m.ownerID].username != author {
			continue
		}
		if mode == "TAG" {
			if !strings.EqualFold(m.topicTag, needle) {
				continue
			}
		} else if !matchesKeyword(m.text, q) {
			continue
		}
		items = append(items, m)
	}
	e.noteSearch(rc.me.id, q, rc.now)
	cmp := newestFirst
	if searchType == "TOP" {
		// Engagement first: replies weigh most, then emulated views.
		score := make(map[*mediaObj]int, len(items))
		for _, m := range items {
			score[m] = e.replyCount(m)*50 + e.noise(400, m.id, "views")
		}
		cmp = func(a, b *mediaObj) int {
			if d := score[b] - score[a]; d != 0 {
				return d
			}
			return newestFirst(a, b)
		}
	}
	slices.SortFunc(items, cmp)
	if len(items) > 0 {
		e.quotaTake(rc.me.id, quotaSearch, rc.now)
	}
	return e.page(rc, items, cmp, func(m *mediaObj) map[string]any { return e.render(rc, m, fields) })
}

// matchesKeyword reports whether every word of q is a word of text, ignoring
// case and punctuation ("go" finds "Go!" and "#go", not "good").
func matchesKeyword(text, q string) bool {
	words := func(s string) []string {
		return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
			return !unicode.IsLetter(r) && !unicode.IsNumber(r) && r != '_'
		})
	}
	have := words(text)
	want := words(q)
	for _, w := range want {
		if !slices.Contains(have, w) {
			return false
		}
	}
	return len(want) > 0
}

// noteSearch records q in uid's recently_searched_keywords. Callers hold e.mu.
func (e *Emulator) noteSearch(uid, q string, now time.Time) {
	e.touch()
	list := slices.DeleteFunc(e.searches[uid], func(s searchedKeyword) bool { return s.Query == q })
	list = append(list, searchedKeyword{Query: q, Timestamp: now.UnixMilli()})
	if len(list) > maxRecentSearches {
		list = list[len(list)-maxRecentSearches:]
	}
	e.searches[uid] = list
}

// recentSearches renders recently_searched_keywords, newest first.
func (e *Emulator) recentSearches(uid string) []any {
	list := e.searches[uid]
	out := make([]any, 0, len(list))
	for i := len(list) - 1; i >= 0; i-- {
		out = append(out, map[string]any{"query": list[i].Query, "timestamp": list[i].Timestamp})
	}
	return out
}

// mentions serves GET /{uid}/mentions
// (https://developers.facebook.com/docs/threads/threads-mentions): public
// posts and replies of other users whose text mentions @username; private
// authors are excluded. Callers hold e.mu.
func (e *Emulator) mentions(rc *reqCtx, uid string) (any, error) {
	if err := e.need(rc, ScopeManageMentions); err != nil {
		return nil, err
	}
	fields, err := listFields(rc)
	if err != nil {
		return nil, err
	}
	since, until, err := window(rc, minListSince)
	if err != nil {
		return nil, err
	}
	name := e.users[uid].username
	var items []*mediaObj
	for _, m := range e.mediaOrder {
		if m.ownerID != uid && e.searchable(m) && mentionsUser(m.text, name) && inWindow(m.ts, since, until) {
			items = append(items, m)
		}
	}
	slices.SortFunc(items, newestFirst)
	return e.page(rc, items, newestFirst, func(m *mediaObj) map[string]any { return e.render(rc, m, fields) })
}

// mentionsUser reports whether text holds @username as a whole handle.
func mentionsUser(text, username string) bool {
	if username == "" {
		return false
	}
	lower, handle := strings.ToLower(text), "@"+strings.ToLower(username)
	for i := 0; ; {
		j := strings.Index(lower[i:], handle)
		if j < 0 {
			return false
		}
		end := i + j + len(handle)
		startOK := i+j == 0 || !handleRune(lower[i+j-1])
		next := end
		if next < len(lower) && lower[next] == '.' { // a period continues a handle only before more of it
			next++
		}
		if startOK && (end == len(lower) || !handleRune(lower[end]) && (next == end || next == len(lower) || !handleRune(lower[next]))) {
			return true
		}
		i = end
	}
}

func handleRune(b byte) bool { return b == '_' || b >= 'a' && b <= 'z' || b >= '0' && b <= '9' }

// discoverProfile resolves the username parameter of profile_lookup and
// profile_posts: a public profile with at least 100 followers
// (https://developers.facebook.com/docs/threads/threads-profiles). Callers
// hold e.mu.
func (e *Emulator) discoverProfile(rc *reqCtx) (*user, error) {
	if err := e.need(rc, ScopeProfileDiscovery); err != nil {
		return nil, err
	}
	name := strings.TrimPrefix(rc.get("username"), "@")
	if name == "" {
		return nil, errParam("The parameter username is required.")
	}
	if e.quotaUsed(rc.me.id, quotaProfile, rc.now) >= e.quotaTotal(quotaProfile) {
		return nil, e.quotaError(quotaProfile, e.quotaTotal(quotaProfile))
	}
	var u *user
	for _, id := range e.userOrder {
		if strings.EqualFold(e.users[id].username, name) {
			u = e.users[id]
		}
	}
	if u == nil || u.private || u.followers < demoFollowerMinimum ||
		(e.cfg.api.ProfileDiscoveryMetaOnly && !slices.Contains(metaProfiles, strings.ToLower(u.username))) {
		return nil, &apiError{status: 400, code: 100, subcode: 33, typ: "THApiException",
			msg: "The requested profile '" + name + "' does not exist, is private, or cannot be looked up"}
	}
	e.quotaTake(rc.me.id, quotaProfile, rc.now)
	return u, nil
}

// profileLookup serves GET /profile_lookup?username=…: the profile and its
// counts over the last 7 days. Callers hold e.mu.
func (e *Emulator) profileLookup(rc *reqCtx) (any, error) {
	u, err := e.discoverProfile(rc)
	if err != nil {
		return nil, err
	}
	week := rc.now.Add(-7 * 24 * time.Hour)
	var posts []*mediaObj
	for _, m := range e.mediaOrder {
		if m.ownerID == u.id && e.searchable(m) && m.ts.After(week) {
			posts = append(posts, m)
		}
	}
	sum := func(metric string) int {
		n := 0
		for _, m := range posts {
			n += e.noise(60, m.id, metric)
		}
		return n
	}
	replies := 0
	for _, m := range posts {
		replies += e.replyCount(m)
	}
	all := map[string]any{
		"username": u.username, "name": u.name, "profile_picture_url": profilePicture(u.id),
		"biography": u.bio, "is_verified": u.verified, "follower_count": u.followers,
		"likes_count": sum("likes"), "quotes_count": sum("quotes") / 10, "replies_count": replies,
		"reposts_count": sum("reposts") / 5, "views_count": sum("views") * 20,
	}
	fields := parseFields(rc.get("fields"))
	if len(fields) == 0 {
		return all, nil
	}
	out := map[string]any{}
	for _, f := range fields {
		v, ok := all[f]
		if !ok {
			return nil, errField(f)
		}
		out[f] = v
	}
	return out, nil
}

// profilePosts serves GET /profile_posts?username=…: the public profile's
// top-level posts, newest first, with the media fields minus owner.
// Callers hold e.mu.
func (e *Emulator) profilePosts(rc *reqCtx) (any, error) {
	u, err := e.discoverProfile(rc)
	if err != nil {
		return nil, err
	}
	fields, err := listFields(rc)
	if err != nil {
		return nil, err
	}
	if slices.Contains(fields, "owner") {
		return nil, errField("owner")
	}
	since, until, err := window(rc, minListSince)
	if err != nil {
		return nil, err
	}
	var items []*mediaObj
	for _, m := range e.mediaOrder {
		if m.ownerID == u.id && e.searchable(m) && !m.isReply() && inWindow(m.ts, since, until) {
			items = append(items, m)
		}
	}
	slices.SortFunc(items, newestFirst)
	return e.page(rc, items, newestFirst, func(m *mediaObj) map[string]any { return e.render(rc, m, fields) })
}

// location is a place location_search can find.
type location struct {
	id, name, address, city, country, postal string
	lat, lon                                 float64
}

// locations is the emulator's fixed gazetteer.
var locations = []location{
	{"106377336067638", "Menlo Park, California", "", "Menlo Park", "US", "94025", 37.4530, -122.1817},
	{"110843418940484", "Meta Headquarters", "1 Hacker Way", "Menlo Park", "US", "94025", 37.4848, -122.1484},
	{"108424279189115", "Lake Bled", "", "Bled", "SI", "4260", 46.3636, 14.0938},
	{"115793791772869", "Ljubljana", "", "Ljubljana", "SI", "1000", 46.0569, 14.5058},
	{"106078429431815", "London, United Kingdom", "", "London", "GB", "", 51.5072, -0.1276},
	{"108556329167245", "Golden Gate Park", "501 Stanyan St", "San Francisco", "US", "94117", 37.7694, -122.4862},
}

var locationFields = []string{"id", "name", "address", "city", "country", "latitude", "longitude", "postal_code"}

func (l location) render(fields []string) (map[string]any, error) {
	out := map[string]any{}
	for _, f := range fields {
		switch f {
		case "id":
			out[f] = l.id
		case "name":
			out[f] = l.name
		case "address":
			if l.address != "" {
				out[f] = l.address
			}
		case "city":
			out[f] = l.city
		case "country":
			out[f] = l.country
		case "latitude":
			out[f] = l.lat
		case "longitude":
			out[f] = l.lon
		case "postal_code":
			if l.postal != "" {
				out[f] = l.postal
			}
		default:
			return nil, errField(f)
		}
	}
	return out, nil
}

// locationSearch serves GET /location_search with q, or latitude and
// longitude (https://developers.facebook.com/docs/threads/create-posts/location-tagging):
// not paginated; counts against the 500/24 h location search quota.
// Callers hold e.mu.
func (e *Emulator) locationSearch(rc *reqCtx) (any, error) {
	if err := e.need(rc, ScopeLocationTagging); err != nil {
		return nil, err
	}
	q := strings.ToLower(rc.get("q"))
	latS, lonS := rc.get("latitude"), rc.get("longitude")
	if q == "" && (latS == "" || lonS == "") {
		return nil, errParam("Either q or both latitude and longitude are required.")
	}
	var lat, lon float64
	if q == "" {
		var err1, err2 error
		lat, err1 = strconv.ParseFloat(latS, 64)
		lon, err2 = strconv.ParseFloat(lonS, 64)
		if err1 != nil || err2 != nil || lat < -90 || lat > 90 || lon < -180 || lon > 180 {
			return nil, errParam("Params latitude and longitude must be numbers within [-90, 90] and [-180, 180]")
		}
	}
	fields := parseFields(rc.get("fields"))
	if len(fields) == 0 {
		fields = []string{"id", "name"}
	}
	if _, err := (location{}).render(fields); err != nil {
		return nil, err
	}
	if e.quotaUsed(rc.me.id, quotaLocation, rc.now) >= e.quotaTotal(quotaLocation) {
		return nil, e.quotaError(quotaLocation, e.quotaTotal(quotaLocation))
	}
	e.quotaTake(rc.me.id, quotaLocation, rc.now)
	data := []any{}
	for _, l := range locations {
		match := q != "" && (strings.Contains(strings.ToLower(l.name), q) || strings.Contains(strings.ToLower(l.city), q))
		if q == "" {
			match = (l.lat-lat)*(l.lat-lat)+(l.lon-lon)*(l.lon-lon) < 0.25
		}
		if !match {
			continue
		}
		r, err := l.render(fields)
		if err != nil {
			return nil, err
		}
		data = append(data, r)
	}
	return map[string]any{"data": data}, nil
}

// locationByID returns the location with that id, if any.
func locationByID(id string) (location, bool) {
	for _, l := range locations {
		if l.id == id {
			return l, true
		}
	}
	return location{}, false
}

// mayReply enforces the reply audience of target (and of its root post) for
// a reply by uid: the owner of a post may always reply; otherwise EVERYONE lets anyone,
// ACCOUNTS_YOU_FOLLOW the accounts the owner follows, FOLLOWERS_ONLY the
// owner's followers, MENTIONED_ONLY the accounts the post @mentions, and
// PARENT_POST_AUTHOR_ONLY only the owner
// (https://developers.facebook.com/docs/threads/reply-management). The
// error Meta returns is not documented: Config.ReplyNotAllowedError.
// Callers hold e.mu.
func (e *Emulator) mayReply(uid string, target *mediaObj) error {
	// The root post's audience covers its whole conversation; the reply
	// answered may narrow it further.
	if root := e.media[target.rootID]; root != nil && root != target {
		if err := e.mayReplyTo(uid, root); err != nil {
			return err
		}
	}
	return e.mayReplyTo(uid, target)
}

// mayReplyTo applies one post's reply audience. Callers hold e.mu.
func (e *Emulator) mayReplyTo(uid string, target *mediaObj) error {
	owner := e.users[target.ownerID]
	replier := e.users[uid]
	if owner == nil || replier == nil || owner.id == uid {
		return nil
	}
	ok := true
	switch target.replyAudience {
	case "ACCOUNTS_YOU_FOLLOW":
		ok = slices.Contains(owner.following, uid)
	case "FOLLOWERS_ONLY":
		ok = slices.Contains(replier.following, owner.id)
	case "MENTIONED_ONLY":
		ok = mentionsUser(target.text, replier.username)
	case "PARENT_POST_AUTHOR_ONLY":
		ok = false
	}
	if ok {
		return nil
	}
	s := e.cfg.api.ReplyNotAllowedError
	if s == (ErrorSpec{}) {
		s = DefaultReplyNotAllowedError
	}
	ae := fromSpec(s)
	if ae.userMsg == "" {
		ae.userMsg = "@" + owner.username + " limits who can reply to this post (" + target.replyAudience + ")."
	}
	return ae
}
