package emulator

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"
)

// Quota kinds.
const (
	quotaPosts    = "posts"
	quotaReplies  = "replies"
	quotaDeletes  = "deletes"
	quotaLocation = "location_search"
)

var replyControls = []string{"everyone", "accounts_you_follow", "mentioned_only", "parent_post_author_only", "followers_only"}

// carouselChildrenError is the 100/4279004 error naming the bad children.
func carouselChildrenError(ids []string) *apiError {
	return &apiError{status: 400, code: 100, subcode: 4279004, typ: "OAuthException",
		msg: "Invalid parameter", userTitle: "Invalid Carousel Children",
		userMsg: fmt.Sprintf("The children with IDs %s are invalid, nonexistent, or expired.", strings.Join(ids, ", "))}
}

// quotaUsed prunes and counts uid's uses of kind in the rolling window.
// Callers hold e.mu.
func (e *Emulator) quotaUsed(uid, kind string, now time.Time) int {
	m := e.quotas[uid]
	if m == nil {
		return 0
	}
	cutoff := now.Add(-quotaWindow)
	kept := m[kind][:0]
	for _, t := range m[kind] {
		if t.After(cutoff) {
			kept = append(kept, t)
		}
	}
	m[kind] = kept
	return len(kept)
}

// defaultQuotas are Meta's rolling 24 h quotas per profile
// (https://developers.facebook.com/docs/threads/overview#rate-limiting).
var defaultQuotas = map[string]int{quotaPosts: postQuota, quotaReplies: replyQuota, quotaDeletes: deleteQuota,
	quotaLocation: locationSearchQuota, quotaSearch: keywordSearchQuota, quotaProfile: profileDiscoveryQuota}

// quotaTotal is the size of a quota: Meta's unless Faults.Quotas changed it.
// Callers hold e.mu.
func (e *Emulator) quotaTotal(kind string) int {
	if n, ok := e.quotaSizes[kind]; ok {
		return n
	}
	return defaultQuotas[kind]
}

func (e *Emulator) quotaTake(uid, kind string, at time.Time) {
	e.touch()
	if e.quotas[uid] == nil {
		e.quotas[uid] = map[string][]time.Time{}
	}
	e.quotas[uid][kind] = append(e.quotas[uid][kind], at)
}

func (e *Emulator) quotaError(kind string, total int) *apiError {
	s := e.cfg.api.QuotaError
	if s == (ErrorSpec{}) {
		s = DefaultQuotaError
	}
	ae := fromSpec(s)
	if ae.msg == "" {
		what := map[string]string{quotaPosts: "posts", quotaReplies: "replies", quotaDeletes: "deletes",
			quotaLocation: "location searches", quotaSearch: "keyword searches",
			quotaProfile: "profile lookups"}[kind]
		ae.msg = fmt.Sprintf("You have reached the maximum number of %s (%d) allowed in a rolling 24 hour period.", what, total)
		if ae.userTitle == "" {
			ae.userTitle = "Cannot publish more " + what
		}
	}
	return ae
}

func validURL(s string, httpsOnly bool) bool {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return false
	}
	if httpsOnly {
		return u.Scheme == "https"
	}
	return u.Scheme == "https" || u.Scheme == "http"
}

// createContainer serves POST /{uid}/threads. Callers hold e.mu.
func (e *Emulator) createContainer(rc *reqCtx, uid string) (any, error) {
	if err := e.need(rc, ScopeContentPublish); err != nil {
		return nil, err
	}
	mt := strings.ToUpper(rc.get("media_type"))
	switch mt {
	case "":
		return nil, errParam("The parameter media_type is required.")
	case "TEXT", "IMAGE", "VIDEO", "CAROUSEL":
	default:
		return nil, errParam("Param media_type must be one of {TEXT, IMAGE, VIDEO, CAROUSEL}")
	}
	c := &container{userID: uid, mediaType: mt, text: rc.params.Get("text"), createdAt: rc.now, readyAt: rc.now}
	var carouselItem, autoPublish, spoiler, approvals, ghost, crossIG, crossIGDark bool
	for name, p := range map[string]*bool{"is_carousel_item": &carouselItem, "auto_publish_text": &autoPublish,
		"is_spoiler_media": &spoiler, "enable_reply_approvals": &approvals, "is_ghost_post": &ghost,
		"crossreshare_to_ig": &crossIG, "crossreshare_to_ig_dark_mode": &crossIGDark} {
		v, err := rc.boolParam(name)
		if err != nil {
			return nil, err
		}
		*p = v
	}
	c.carouselItem, c.spoiler, c.replyApprovals, c.ghost = carouselItem, spoiler, approvals, ghost

	if countText(c.text) > maxTextLen {
		return nil, errParam("Param text must be at most 500 characters long.")
	}
	textOnly := []string{"link_attachment", "gif_attachment", "poll_attachment", "text_attachment"}
	if mt != "TEXT" {
		for _, p := range textOnly {
			if rc.get(p) != "" {
				return nil, errParam("Param %s is only supported on TEXT posts", p)
			}
		}
		if autoPublish {
			return nil, errParam("Param auto_publish_text is only supported on TEXT posts")
		}
		if ghost {
			return nil, errParam("Param is_ghost_post is only supported on TEXT posts")
		}
	}
	if carouselItem && mt != "IMAGE" && mt != "VIDEO" {
		return nil, errParam("Param is_carousel_item is only supported on IMAGE and VIDEO containers")
	}
	switch mt {
	case "TEXT":
		if strings.TrimSpace(c.text) == "" {
			return nil, errParam("The parameter text is required for TEXT posts.")
		}
		if rc.get("alt_text") != "" {
			return nil, errParam("Param alt_text is not supported on TEXT posts")
		}
		if spoiler {
			return nil, errParam("Param is_spoiler_media is not supported on TEXT posts")
		}
	case "IMAGE":
		c.imageURL = rc.get("image_url")
		if c.imageURL == "" {
			return nil, errParam("The parameter image_url is required.")
		}
		if !validURL(c.imageURL, carouselItem) && !hostedURL(c.imageURL, rc.r.Host) {
			return nil, errParam("Param image_url is not a valid URI.")
		}
	case "VIDEO":
		c.videoURL = rc.get("video_url")
		if c.videoURL == "" {
			return nil, errParam("The parameter video_url is required.")
		}
		if !validURL(c.videoURL, carouselItem) && !hostedURL(c.videoURL, rc.r.Host) {
			return nil, errParam("Param video_url is not a valid URI.")
		}
	}
	if alt := rc.params.Get("alt_text"); alt != "" {
		if utf8.RuneCountInString(alt) > 1000 {
			return nil, errParam("Param alt_text must be at most 1000 characters long.")
		}
		c.altText = alt
	}

	// Topic tags: at most one per post unless LenientTopicTags (Meta: "only
	// one topic tag is allowed per post").
	if rc.has("topic_tag") {
		tag := strings.TrimPrefix(rc.get("topic_tag"), "#")
		if n := utf8.RuneCountInString(tag); n < 1 || n > maxTagLen || strings.ContainsAny(tag, ".&") {
			return nil, errParam("Param topic_tag must be 1 to 50 characters long and must not contain periods (.) or ampersands (&).")
		}
		c.topicTag = tag
	}
	inText := extractTags(c.text)
	if !e.cfg.api.LenientTopicTags {
		if len(inText) > 1 {
			return nil, errParam("Only one topic tag is allowed per post; the text contains %d tags: #%s", len(inText), strings.Join(inText, ", #"))
		}
		if c.topicTag != "" && len(inText) == 1 && !strings.EqualFold(inText[0], c.topicTag) {
			return nil, errParam("Only one topic tag is allowed per post; got topic_tag %q and in-text tag #%s", c.topicTag, inText[0])
		}
	}
	if c.topicTag == "" && len(inText) > 0 {
		c.topicTag = inText[0]
	}

	// Attachments.
	if la := rc.get("link_attachment"); la != "" {
		if !validURL(la, false) {
			return nil, errParam("Param link_attachment is not a valid URI.")
		}
		c.linkAttachment = la
	}
	if raw := rc.get("poll_attachment"); raw != "" {
		poll, err := parsePoll(raw)
		if err != nil {
			return nil, err
		}
		c.poll = poll
	}
	taLink := ""
	if raw := rc.get("text_attachment"); raw != "" {
		ta, link, err := parseTextAttachment(raw, e.offsetUnit())
		if err != nil {
			return nil, err
		}
		if c.poll != nil {
			return nil, errParam("Param text_attachment cannot be combined with poll_attachment")
		}
		if link != "" && c.linkAttachment != "" {
			return nil, errParam("Param text_attachment.link_attachment_url cannot be combined with link_attachment")
		}
		c.textAttachment, taLink = ta, link
	}
	if raw := rc.get("gif_attachment"); raw != "" {
		var g struct {
			GIFID    string `json:"gif_id"`
			Provider string `json:"provider"`
		}
		if json.Unmarshal([]byte(raw), &g) != nil || g.GIFID == "" {
			return nil, errParam("Param gif_attachment must be a JSON object with gif_id and provider")
		}
		if !strings.EqualFold(g.Provider, "GIPHY") {
			return nil, errParam("Param gif_attachment.provider must be GIPHY")
		}
		// A post carries one attachment, and a GIF is a card like a link
		// preview: GIPHY is the only provider and GIFs go on text posts only
		// (https://developers.facebook.com/docs/threads/posts).
		switch {
		case c.poll != nil:
			return nil, errParam("Param gif_attachment cannot be combined with poll_attachment")
		case c.textAttachment != nil:
			return nil, errParam("Param gif_attachment cannot be combined with text_attachment")
		case c.linkAttachment != "":
			return nil, errParam("Param gif_attachment cannot be combined with link_attachment")
		}
		c.gifID = g.GIFID
	}
	if raw := rc.get("text_entities"); raw != "" {
		te, err := parseTextEntities(raw, c.text, e.offsetUnit())
		if err != nil {
			return nil, err
		}
		c.textEntities = te
	}
	if countLinks(c.text, c.linkAttachment, taLink) > maxLinks {
		s := e.cfg.api.LinkLimitError
		if s == (ErrorSpec{}) {
			s = DefaultLinkLimitError
		}
		return nil, fromSpec(s)
	}

	if rc.has("reply_control") {
		rcv := strings.ToLower(rc.get("reply_control"))
		if !slices.Contains(replyControls, rcv) {
			return nil, errParam("Param reply_control must be one of {%s}", strings.Join(replyControls, ", "))
		}
		c.replyAudience = strings.ToUpper(rcv)
	}
	// Geo-gating: "a string list of valid ISO 3166-1 alpha-2 country
	// codes", for users eligible for the feature only
	// (https://developers.facebook.com/docs/threads/posts/geo-gating).
	if raw := rc.get("allowlisted_country_codes"); raw != "" {
		for _, cc := range strings.Split(raw, ",") {
			cc = strings.TrimSpace(cc)
			if len(cc) != 2 || !strings.Contains(iso3166Alpha2, cc) || strings.ToUpper(cc) != cc {
				return nil, errParam("THREADS_API__GEO_GATING_INVALID_COUNTRY_CODES: %q is not an ISO 3166-1 alpha-2 country code", cc)
			}
			c.countries = append(c.countries, cc)
		}
		if u := e.users[uid]; u == nil || !u.geoEligible() {
			s := e.cfg.api.GeoGatingNotAvailableError
			if s == (ErrorSpec{}) {
				s = DefaultGeoGatingNotAvailableError
			}
			return nil, fromSpec(s)
		}
	}
	// A location is tagged by the id location_search returns
	// (https://developers.facebook.com/docs/threads/create-posts/location-tagging).
	if loc := rc.get("location_id"); loc != "" {
		if err := e.need(rc, ScopeLocationTagging); err != nil {
			return nil, err
		}
		if _, ok := locationByID(loc); !ok {
			return nil, errParam("Param location_id is not a valid location ID")
		}
		c.locationID = loc
	}
	// "The only feature supported with ghost posts is text spoilers"
	// (https://developers.facebook.com/docs/threads/create-posts/ghost-posts).
	if ghost {
		for _, p := range []string{"link_attachment", "poll_attachment", "gif_attachment", "text_attachment",
			"quote_post_id", "location_id", "allowlisted_country_codes"} {
			if rc.get(p) != "" {
				return nil, errParam("Param %s cannot be combined with is_ghost_post", p)
			}
		}
	}
	if crossIG || crossIGDark {
		if err := e.need(rc, ScopeShareToInstagram); err != nil {
			return nil, err
		}
	}
	if ghost && approvals {
		return nil, errParam("Param enable_reply_approvals cannot be combined with is_ghost_post")
	}

	// Replies and quotes. Every rule above holds for a reply as for a post
	// (Meta restricts polls, GIFs and text attachments to text-only posts,
	// not to top-level ones, and a text attachment is "long-form writing in
	// a post or a reply":
	// https://developers.facebook.com/docs/threads/create-posts/text-attachments);
	// a ghost post alone cannot reply
	// (https://developers.facebook.com/docs/threads/create-posts/ghost-posts).
	if rid := rc.get("reply_to_id"); rid != "" {
		if ghost {
			return nil, errParam("Param is_ghost_post cannot be used on a reply")
		}
		if err := e.need(rc, ScopeManageReplies); err != nil {
			return nil, err
		}
		target, ok := e.media[rid]
		if !ok || target.deleted || target.carouselChild || target.mediaType == "REPOST_FACADE" {
			return nil, &apiError{status: 500, code: 100, typ: "THApiException",
				msg: "Param reply_to_id is not a valid threads_media ID"}
		}
		rootOwner := target.ownerID
		if target.rootID != "" {
			if root, ok := e.media[target.rootID]; ok {
				rootOwner = root.ownerID
			}
		}
		if rootOwner != uid && !rc.tok.scopes[ScopeKeywordSearch] && !rc.tok.scopes[ScopeManageMentions] {
			return nil, e.scopeError()
		}
		if err := e.mayReply(uid, target); err != nil {
			return nil, err
		}
		c.replyToID = rid
	}
	if qid := rc.get("quote_post_id"); qid != "" {
		target, ok := e.media[qid]
		if !ok || !target.visible() || target.mediaType == "REPOST_FACADE" {
			return nil, errParam("Param quote_post_id is not a valid threads_media ID")
		}
		c.quoteID = qid
	}

	// Carousel parent.
	if mt == "CAROUSEL" {
		children := splitList(rc.get("children"))
		if len(children) < 2 || len(children) > 20 {
			return nil, errParam("Param children must contain between 2 and 20 container IDs")
		}
		var bad []string
		for _, id := range children {
			ch, ok := e.containers[id]
			if !ok || ch.userID != uid || !ch.carouselItem {
				bad = append(bad, id)
				continue
			}
			if st, _ := ch.status(rc.now); st != StatusFinished {
				bad = append(bad, id)
			}
		}
		if len(bad) > 0 {
			return nil, carouselChildrenError(bad)
		}
		c.children = children
	}

	// Processing.
	switch mt {
	case "IMAGE", "VIDEO":
		u, delay := c.imageURL, e.cfg.imageDelay
		if mt == "VIDEO" {
			u, delay = c.videoURL, e.cfg.videoDelay
		}
		if o, ok := e.outcomes[u]; ok {
			delay = o.Delay
			c.errMsg = o.ErrorMessage
		}
		c.readyAt = rc.now.Add(delay)
		c.fetching = e.host.shouldDownload(u, rc.r.Host)
	}
	c.id = e.newObjID()
	e.containers[c.id] = c
	if c.fetching {
		u, video := c.imageURL, mt == "VIDEO"
		if video {
			u = c.videoURL
		}
		go e.processDownload(c, u, video)
	}
	if autoPublish {
		return e.publishContainer(rc, c)
	}
	return map[string]any{"id": c.id}, nil
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func parsePoll(raw string) (map[string]string, error) {
	var p map[string]string
	if json.Unmarshal([]byte(raw), &p) != nil {
		return nil, errParam("Param poll_attachment must be a JSON object of option_a..option_d strings")
	}
	keys := []string{"option_a", "option_b", "option_c", "option_d"}
	for k := range p {
		if !slices.Contains(keys, k) {
			return nil, errParam("Param poll_attachment has an unknown key %q", k)
		}
	}
	n := 0
	for i, k := range keys {
		v, ok := p[k]
		if !ok {
			for _, later := range keys[i+1:] {
				if _, ok := p[later]; ok {
					return nil, errParam("Param poll_attachment: %s requires %s", later, k)
				}
			}
			break
		}
		if l := utf8.RuneCountInString(v); l < 1 || l > 25 {
			return nil, errParam("Param poll_attachment.%s must be 1 to 25 characters long", k)
		}
		n++
	}
	if n < 2 {
		return nil, errParam("Param poll_attachment must have 2 to 4 options")
	}
	return p, nil
}

// offsetUnit is the unit of entity and styling ranges (Config.EntityOffsetUnit).
func (e *Emulator) offsetUnit() OffsetUnit {
	if e.cfg.api.EntityOffsetUnit == OffsetUTF16 {
		return OffsetUTF16
	}
	return OffsetCodePoints
}

// unitLen is the length of s in unit.
func unitLen(s string, unit OffsetUnit) int {
	if unit != OffsetUTF16 {
		return utf8.RuneCountInString(s)
	}
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// iso3166Alpha2 holds the officially assigned ISO 3166-1 alpha-2 codes,
// space-separated.
const iso3166Alpha2 = "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ " +
	"BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ " +
	"CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ " +
	"DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR " +
	"GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU " +
	"ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ " +
	"LA LB LC LI LK LR LS LT LU LV LY " +
	"MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ " +
	"NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA " +
	"RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ " +
	"TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ " +
	"VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW"

// parseTextAttachment checks a text_attachment as Meta's text-attachments
// page describes it (https://developers.facebook.com/docs/threads/create-posts/text-attachments):
// plaintext up to 10,000 characters, an optional link, and styling ranges
// that lie within plaintext (measured in unit) and do not overlap.
func parseTextAttachment(raw string, unit OffsetUnit) (json.RawMessage, string, error) {
	var ta struct {
		Plaintext *string `json:"plaintext"`
		Link      string  `json:"link_attachment_url"`
		Styling   []struct {
			Offset  *int     `json:"offset"`
			Length  *int     `json:"length"`
			Styling []string `json:"styling_info"`
		} `json:"text_with_styling_info"`
	}
	if json.Unmarshal([]byte(raw), &ta) != nil {
		return nil, "", errParam("Param text_attachment must be a JSON object")
	}
	if ta.Plaintext == nil || *ta.Plaintext == "" {
		return nil, "", errParam("Param text_attachment.plaintext is required")
	}
	if countText(*ta.Plaintext) > maxTextAttachmentLen {
		return nil, "", errParam("Param text_attachment.plaintext must be at most 10000 characters long.")
	}
	if ta.Link != "" && !validURL(ta.Link, false) {
		return nil, "", errParam("Param text_attachment.link_attachment_url is not a valid URI.")
	}
	styles := []string{"bold", "italic", "highlight", "underline", "strikethrough"}
	type span struct{ a, b int }
	var spans []span
	n := unitLen(*ta.Plaintext, unit)
	for _, s := range ta.Styling {
		if s.Offset == nil || s.Length == nil || *s.Offset < 0 || *s.Length < 1 {
			return nil, "", errParam("Param text_attachment.text_with_styling_info needs offset >= 0 and length >= 1")
		}
		if *s.Offset+*s.Length > n {
			return nil, "", errParam("Param text_attachment.text_with_styling_info range (offset %d, length %d) is outside plaintext (%d %s)", *s.Offset, *s.Length, n, unit)
		}
		for _, st := range s.Styling {
			if !slices.Contains(styles, st) {
				return nil, "", errParam("Param text_attachment.text_with_styling_info has an unknown style %q", st)
			}
		}
		sp := span{*s.Offset, *s.Offset + *s.Length}
		for _, o := range spans {
			if sp.a < o.b && o.a < sp.b {
				return nil, "", errParam("Param text_attachment.text_with_styling_info ranges must not overlap")
			}
		}
		spans = append(spans, sp)
	}
	return json.RawMessage(raw), ta.Link, nil
}

// parseTextEntities checks text spoilers as Meta's spoilers page describes
// them (https://developers.facebook.com/docs/threads/create-posts/spoilers):
// at most 10 SPOILER (or spoiler) entities, offset >= 0 and length >= 1,
// each within text as measured in unit.
func parseTextEntities(raw, text string, unit OffsetUnit) (json.RawMessage, error) {
	var ents []struct {
		Type   string `json:"entity_type"`
		Offset *int   `json:"offset"`
		Length *int   `json:"length"`
	}
	if json.Unmarshal([]byte(raw), &ents) != nil {
		return nil, errParam("Param text_entities must be a JSON array")
	}
	if len(ents) > 10 {
		return nil, errParam("Param text_entities must contain at most 10 entities")
	}
	for _, en := range ents {
		if !strings.EqualFold(en.Type, "SPOILER") {
			return nil, errParam("Param text_entities.entity_type must be SPOILER")
		}
		if en.Offset == nil || en.Length == nil || *en.Offset < 0 || *en.Length < 1 {
			return nil, errParam("Param text_entities needs offset >= 0 and length >= 1")
		}
		if n := unitLen(text, unit); *en.Offset+*en.Length > n {
			return nil, errParam("Param text_entities range (offset %d, length %d) is outside text (%d %s)", *en.Offset, *en.Length, n, unit)
		}
	}
	return json.RawMessage(raw), nil
}

// publish serves POST /{uid}/threads_publish. Callers hold e.mu.
func (e *Emulator) publish(rc *reqCtx, uid string) (any, error) {
	if err := e.need(rc, ScopeContentPublish); err != nil {
		return nil, err
	}
	id := rc.get("creation_id")
	if id == "" {
		return nil, errParam("The parameter creation_id is required.")
	}
	c, ok := e.containers[id]
	if !ok || c.userID != uid {
		return nil, errMediaNotFound()
	}
	return e.publishContainer(rc, c)
}

// publishContainer publishes c, applying quotas, lag and publish faults.
// Callers hold e.mu.
func (e *Emulator) publishContainer(rc *reqCtx, c *container) (any, error) {
	if c.carouselItem {
		return nil, errParam("Carousel item containers cannot be published on their own; publish the CAROUSEL container")
	}
	st, _ := c.status(rc.now)
	switch st {
	case StatusInProgress:
		return nil, errMediaNotFound()
	case StatusPublished, StatusError, StatusExpired:
		s := e.cfg.api.PublishConsumedError
		if s == (ErrorSpec{}) {
			s = DefaultPublishConsumedError
			s.ErrorUserMsg = fmt.Sprintf("The media container %s has status %s and cannot be published.", c.id, st)
		}
		return nil, fromSpec(s)
	}
	if rc.now.Before(c.readyAt.Add(e.publishLag)) {
		return nil, errMediaNotFound()
	}
	uid := c.userID
	if c.replyToID != "" {
		if err := e.need(rc, ScopeManageReplies); err != nil {
			return nil, err
		}
		if e.quotaUsed(uid, quotaReplies, rc.now) >= e.quotaTotal(quotaReplies) {
			return nil, e.quotaError(quotaReplies, e.quotaTotal(quotaReplies))
		}
	}
	if (c.replyToID == "" || e.cfg.api.RepliesCountAgainstPostQuota) && e.quotaUsed(uid, quotaPosts, rc.now) >= e.quotaTotal(quotaPosts) {
		return nil, e.quotaError(quotaPosts, e.quotaTotal(quotaPosts))
	}
	fault := e.publishFault
	if fault != PublishOK {
		if e.publishLeft > 0 {
			e.publishLeft--
			if e.publishLeft == 0 {
				e.publishFault = PublishOK
			}
		}
	}
	if fault == PublishFault500NotPublished {
		return nil, &apiError{status: 500, code: 2, typ: "OAuthException", transient: true,
			msg: "An unexpected error has occurred. Please retry your request later."}
	}
	m := e.commit(c, rc.now)
	if c.replyToID != "" {
		e.quotaTake(uid, quotaReplies, rc.now)
	}
	if c.replyToID == "" || e.cfg.api.RepliesCountAgainstPostQuota {
		e.quotaTake(uid, quotaPosts, rc.now)
	}
	switch fault {
	case PublishFault500ButPublished:
		return nil, &apiError{status: 500, code: 10, typ: "THApiException",
			msg: "Application does not have permission for this action"}
	case PublishFaultDropAfterCommit:
		return nil, errDrop
	}
	return map[string]any{"id": m.id}, nil
}

// commit turns a FINISHED container into published media. Callers hold e.mu.
func (e *Emulator) commit(c *container, now time.Time) *mediaObj {
	m := &mediaObj{id: e.newObjID(), ownerID: c.userID, containerID: c.id, text: c.text, ts: now,
		topicTag: c.topicTag, replyAudience: c.replyAudience, altText: c.altText, quoteID: c.quoteID,
		poll: c.poll, textEntities: c.textEntities, textAttachment: c.textAttachment, spoiler: c.spoiler,
		locationID: c.locationID, countries: c.countries, ghost: c.ghost, replyApprovals: c.replyApprovals}
	switch c.mediaType {
	case "TEXT":
		m.mediaType = "TEXT_POST"
	case "CAROUSEL":
		m.mediaType = "CAROUSEL_ALBUM"
	default:
		m.mediaType = c.mediaType
	}
	m.mediaURL = c.imageURL + c.videoURL
	if c.mediaType == "VIDEO" {
		m.thumbnailURL = "https://scontent.threads-emulator.test/v/thumbnails/" + m.id + ".jpg"
	}
	if m.replyAudience == "" {
		m.replyAudience = "EVERYONE"
	}
	m.linkURL = c.linkAttachment
	if m.linkURL == "" && c.mediaType == "TEXT" {
		if urls := extractURLs(c.text); len(urls) > 0 {
			m.linkURL = urls[0]
		}
	}
	if c.gifID != "" {
		m.gifURL = "https://media.giphy.com/media/" + url.PathEscape(c.gifID) + "/giphy.gif"
	}
	if c.ghost {
		m.ghostExpiry = now.Add(24 * time.Hour)
	}
	for _, chID := range c.children {
		ch := e.containers[chID]
		cm := &mediaObj{id: e.newObjID(), ownerID: c.userID, containerID: ch.id, mediaType: ch.mediaType,
			mediaURL: ch.imageURL + ch.videoURL, altText: ch.altText, ts: now, carouselChild: true,
			spoiler: c.spoiler}
		if ch.mediaType == "VIDEO" {
			cm.thumbnailURL = "https://scontent.threads-emulator.test/v/thumbnails/" + cm.id + ".jpg"
		}
		e.addMedia(cm)
		ch.published, ch.mediaID = true, cm.id
		m.children = append(m.children, cm.id)
	}
	if c.replyToID != "" {
		parent := e.media[c.replyToID]
		m.replyToID = parent.id
		m.rootID = parent.rootID
		if m.rootID == "" {
			m.rootID = parent.id
		}
		m.hideStatus = "NOT_HUSHED"
		if parent.hideStatus == "HIDDEN" {
			m.hideStatus = "HIDDEN"
		}
		if root := e.media[m.rootID]; root != nil && root.replyApprovals && root.ownerID != m.ownerID {
			m.approval = "pending"
		}
	}
	e.addMedia(m)
	c.published, c.mediaID = true, m.id
	e.published(m)
	return m
}

func (e *Emulator) addMedia(m *mediaObj) {
	e.seq++
	m.seq = e.seq
	m.shortcode = shortcodeFor(m.id)
	e.media[m.id] = m
	e.mediaOrder = append(e.mediaOrder, m)
}

// repost serves POST /{media-id}/repost. Callers hold e.mu.
func (e *Emulator) repost(rc *reqCtx, id string) (any, error) {
	if err := e.need(rc, ScopeContentPublish); err != nil {
		return nil, err
	}
	target, ok := e.media[id]
	if !ok || !target.visible() || target.mediaType == "REPOST_FACADE" {
		return nil, errObject(http.MethodPost, id)
	}
	m := &mediaObj{id: e.newObjID(), ownerID: rc.me.id, mediaType: "REPOST_FACADE", repostedID: id, ts: rc.now}
	e.addMedia(m)
	return map[string]any{"id": m.id}, nil
}

// deleteMedia serves DELETE /{media-id}. Callers hold e.mu.
func (e *Emulator) deleteMedia(rc *reqCtx, id string) (any, error) {
	if err := e.need(rc, ScopeDelete); err != nil {
		return nil, err
	}
	m, ok := e.media[id]
	if !ok || m.deleted || m.carouselChild || m.ownerID != rc.me.id {
		return nil, errObject(http.MethodDelete, id)
	}
	if e.quotaUsed(rc.me.id, quotaDeletes, rc.now) >= e.quotaTotal(quotaDeletes) {
		return nil, e.quotaError(quotaDeletes, e.quotaTotal(quotaDeletes))
	}
	e.touch()
	m.deleted = true
	e.quotaTake(rc.me.id, quotaDeletes, rc.now)
	e.deleted(m, rc.now)
	return map[string]any{"success": true, "deleted_id": id}, nil
}

// containerStatus serves GET /{container-id}. Callers hold e.mu.
func (e *Emulator) containerStatus(rc *reqCtx, c *container) (any, error) {
	fields := parseFields(rc.get("fields"))
	if len(fields) == 0 {
		fields = []string{"id", "status"}
	}
	st, msg := c.status(rc.now)
	out := map[string]any{}
	for _, f := range fields {
		switch f {
		case "id":
			out["id"] = c.id
		case "status":
			out["status"] = st
		case "error_message":
			if msg != "" {
				out["error_message"] = msg
			}
		default:
			return nil, errField(f)
		}
	}
	return out, nil
}
