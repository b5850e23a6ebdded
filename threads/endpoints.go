package threads

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// Default field lists requested when a caller passes none.
var (
	defaultUserFields = []string{"id", "username", "name", "threads_profile_picture_url",
		"threads_biography", "is_verified"}
	defaultMediaFields = []string{"id", "media_product_type", "media_type", "media_url", "permalink",
		"owner", "username", "text", "timestamp", "shortcode", "thumbnail_url", "children",
		"is_quote_post", "quoted_post", "reposted_post", "alt_text", "link_attachment_url",
		"has_replies", "is_reply", "root_post", "replied_to", "topic_tag"}
	defaultReplyFields = []string{"id", "text", "username", "permalink", "timestamp",
		"media_product_type", "media_type", "media_url", "shortcode", "thumbnail_url", "children",
		"is_quote_post", "has_replies", "root_post", "replied_to", "is_reply",
		"is_reply_owned_by_me", "hide_status", "reply_audience", "topic_tag"}
	defaultMediaMetrics = []string{"views", "likes", "replies", "reposts", "quotes", "shares"}
	defaultUserMetrics  = []string{"views", "likes", "replies", "reposts", "quotes", "clicks", "followers_count"}
	// documentedQuotaFields are the threads_publishing_limit fields of
	// Meta's user reference; searchQuotaFields are not in it (UNCONFIRMED:
	// third-party SDKs ask for them, and the keyword-search quota exists).
	documentedQuotaFields = []string{"quota_usage", "config", "reply_quota_usage", "reply_config",
		"delete_quota_usage", "delete_config", "location_search_quota_usage", "location_search_config"}
	searchQuotaFields = []string{"search_quota_usage", "search_config"}
	allQuotaFields    = append(append([]string(nil), documentedQuotaFields...), searchQuotaFields...)
)

// DefaultMediaMetrics returns the metrics MediaInsights asks for when none
// are given: every lifetime metric of a post, in Meta's documented order
// (https://developers.facebook.com/docs/threads/insights).
func DefaultMediaMetrics() []string { return slices.Clone(defaultMediaMetrics) }

// DefaultUserMetrics returns the metrics UserInsights asks for when none are
// given: every account metric except follower_demographics, which needs a
// breakdown (https://developers.facebook.com/docs/threads/insights).
func DefaultUserMetrics() []string { return slices.Clone(defaultUserMetrics) }

func fieldsOr(fields, def []string) string {
	if len(fields) == 0 {
		fields = def
	}
	return strings.Join(fields, ",")
}

// Me returns the token's user profile. Without fields it requests id,
// username, name, picture, biography and verification.
//
// Meta doc: https://developers.facebook.com/docs/threads/reference/user
func (c *Client) Me(ctx context.Context, fields ...string) (*User, *Response, error) {
	var u User
	resp, err := c.do(ctx, request{method: http.MethodGet, path: endpoint(c.userID),
		params: url.Values{"fields": {fieldsOr(fields, defaultUserFields)}}}, &u)
	if err != nil {
		return nil, resp, err
	}
	return &u, resp, nil
}

// containerValues encodes p as the form of POST /{user-id}/threads: zero
// values are omitted, object parameters are JSON-encoded and lists
// comma-joined.
func containerValues(p ContainerParams) (url.Values, error) {
	v := url.Values{}
	set := func(k, s string) {
		if s != "" {
			v.Set(k, s)
		}
	}
	setBool := func(k string, b bool) {
		if b {
			v.Set(k, "true")
		}
	}
	setJSON := func(k string, x any) error {
		b, err := json.Marshal(x)
		if err != nil {
			return fmt.Errorf("threads: encoding %s: %w", k, err)
		}
		v.Set(k, string(b))
		return nil
	}
	set("media_type", string(p.MediaType))
	set("text", p.Text)
	set("image_url", p.ImageURL)
	set("video_url", p.VideoURL)
	setBool("is_carousel_item", p.IsCarouselItem)
	set("children", strings.Join(p.Children, ","))
	set("reply_to_id", p.ReplyToID)
	set("reply_control", string(p.ReplyControl))
	set("quote_post_id", p.QuotePostID)
	set("link_attachment", p.LinkAttachment)
	set("topic_tag", p.TopicTag)
	set("alt_text", p.AltText)
	set("allowlisted_country_codes", strings.Join(p.AllowlistedCountryCodes, ","))
	if p.PollAttachment != nil {
		if err := setJSON("poll_attachment", p.PollAttachment); err != nil {
			return nil, err
		}
	}
	if p.TextAttachment != nil {
		if err := setJSON("text_attachment", p.TextAttachment); err != nil {
			return nil, err
		}
	}
	if p.GIFAttachment != nil {
		gif := *p.GIFAttachment
		if gif.Provider == "" {
			gif.Provider = GIFProviderGiphy
		}
		if err := setJSON("gif_attachment", gif); err != nil {
			return nil, err
		}
	}
	if len(p.TextEntities) > 0 {
		if err := setJSON("text_entities", p.TextEntities); err != nil {
			return nil, err
		}
	}
	setBool("is_spoiler_media", p.IsSpoilerMedia)
	set("location_id", p.LocationID)
	setBool("enable_reply_approvals", p.EnableReplyApprovals)
	setBool("auto_publish_text", p.AutoPublishText)
	setBool("is_ghost_post", p.IsGhostPost)
	setBool("crossreshare_to_ig", p.CrossShareToIG)
	setBool("crossreshare_to_ig_dark_mode", p.CrossShareToIGDarkMode)
	return v, nil
}

// CreateContainer creates a media container (step 1 of publishing) and
// returns its id. It is retried only on failures proving nothing was
// created. With AutoPublishText the returned id is the published post and
// the call is never retried (PublishText recovers ambiguous outcomes).
//
// Meta doc: https://developers.facebook.com/docs/threads/reference/publishing
func (c *Client) CreateContainer(ctx context.Context, p ContainerParams) (*Container, *Response, error) {
	mode := retryCreate
	if p.AutoPublishText {
		mode = retryNever // it publishes: a blind retry could post twice
	}
	return c.createContainer(ctx, p, mode)
}

func (c *Client) createContainer(ctx context.Context, p ContainerParams, mode retryMode) (*Container, *Response, error) {
	if p.MediaType == "" {
		return nil, nil, errors.New("threads: CreateContainer: MediaType is required")
	}
	form, err := containerValues(p)
	if err != nil {
		return nil, nil, err
	}
	var ct Container
	resp, err := c.do(ctx, request{method: http.MethodPost, path: endpoint(c.userID, "threads"),
		params: form, retry: mode, isReply: p.ReplyToID != ""}, &ct)
	if err != nil {
		return nil, resp, err
	}
	if ct.ID == "" {
		return nil, resp, errors.New("threads: POST /threads: response carries no container id")
	}
	return &ct, resp, nil
}

// ContainerStatus returns a container's processing status and, on ERROR,
// Meta's error_message.
//
// Meta doc: https://developers.facebook.com/docs/threads/troubleshooting#publishing-does-not-return-a-media-id
func (c *Client) ContainerStatus(ctx context.Context, containerID string) (*Container, *Response, error) {
	var ct Container
	resp, err := c.do(ctx, request{method: http.MethodGet, path: endpoint(containerID),
		params: url.Values{"fields": {"id,status,error_message"}}}, &ct)
	if err != nil {
		return nil, resp, err
	}
	if ct.ID == "" {
		ct.ID = containerID
	}
	return &ct, resp, nil
}

// Publish calls threads_publish for a FINISHED container and returns the new
// media id. It is never retried here: an ambiguous failure may hide a
// successful publish (use PublishPost and friends for the safe flow).
//
// Meta doc: https://developers.facebook.com/docs/threads/reference/publishing
func (c *Client) Publish(ctx context.Context, creationID string) (string, *Response, error) {
	a, resp, err := c.publish(ctx, creationID, false)
	return a.ID, resp, err
}

// publishAnswer is the body of a successful threads_publish.
type publishAnswer struct {
	ID string `json:"id"`
	// CrossShareToIGStatus: the share-to-IG-stories page says the publish
	// response carries it (its sample shows it on the create response).
	CrossShareToIGStatus string `json:"crossreshare_to_ig_status"`
}

func (c *Client) publish(ctx context.Context, creationID string, isReply bool) (publishAnswer, *Response, error) {
	var out publishAnswer
	resp, err := c.do(ctx, request{method: http.MethodPost, path: endpoint(c.userID, "threads_publish"),
		params: url.Values{"creation_id": {creationID}}, retry: retryNever, isReply: isReply}, &out)
	if err != nil {
		return publishAnswer{}, resp, err
	}
	if out.ID == "" {
		return publishAnswer{}, resp, errors.New("threads: POST /threads_publish: response carries no media id")
	}
	return out, resp, nil
}

// normalizeMedia maps request spellings of media_type (TEXT, CAROUSEL) to the
// read spellings (TEXT_POST, CAROUSEL_ALBUM), in m and the media it holds
// (children, quoted and reposted posts). Meta reads back the create-time
// names TEXT and CAROUSEL as TEXT_POST and CAROUSEL_ALBUM
// (https://developers.facebook.com/docs/threads/retrieve-and-discover-posts/retrieve-posts),
// and its keyword-search sample shows TEXT: both read as TEXT_POST.
func normalizeMedia(m *Media) {
	if m == nil {
		return
	}
	switch strings.ToUpper(string(m.MediaType)) {
	case string(MediaTypeText), string(MediaTypeTextPost):
		m.MediaType = MediaTypeTextPost
	case string(MediaTypeCarousel), string(MediaTypeCarouselAlbum):
		m.MediaType = MediaTypeCarouselAlbum
	}
	if m.Children != nil {
		for i := range m.Children.Data {
			normalizeMedia(&m.Children.Data[i])
		}
	}
	for _, sub := range []*Media{m.QuotedPost, m.RepostedPost, m.RootPost, m.RepliedTo} {
		normalizeMedia(sub)
	}
}

// GetMedia returns one post, reply or repost. Without fields it requests the
// common media fields; AllMediaFields lists every documented one, and field
// expansion works (children{id,media_type,media_url}, quoted_post{id,text}).
// An unknown or unreadable id is a KindNotFound error (Meta answers code 100
// subcode 33); other users' posts need Advanced Access to threads_basic.
//
// Meta doc: https://developers.facebook.com/docs/threads/reference/media-retrieval
func (c *Client) GetMedia(ctx context.Context, mediaID string, fields ...string) (*Media, *Response, error) {
	var m Media
	resp, err := c.do(ctx, request{method: http.MethodGet, path: endpoint(mediaID),
		params: url.Values{"fields": {fieldsOr(fields, defaultMediaFields)}}}, &m)
	if err != nil {
		return nil, resp, err
	}
	normalizeMedia(&m)
	return &m, resp, nil
}

func listValues(o ListOptions, defFields []string) (url.Values, error) {
	if o.Before != "" && o.After != "" {
		return nil, errors.New("threads: ListOptions: Before and After must not both be set")
	}
	if o.Limit < 0 || o.Limit > 100 {
		return nil, fmt.Errorf("threads: ListOptions: Limit %d out of range 0–100", o.Limit)
	}
	if !o.Since.IsZero() && !o.Until.IsZero() && !o.Since.Before(o.Until) {
		return nil, errors.New("threads: ListOptions: Since must be before Until")
	}
	v := url.Values{"fields": {fieldsOr(o.Fields, defFields)}}
	if o.Limit > 0 {
		v.Set("limit", strconv.Itoa(o.Limit))
	}
	if o.Before != "" {
		v.Set("before", o.Before)
	}
	if o.After != "" {
		v.Set("after", o.After)
	}
	if !o.Since.IsZero() {
		v.Set("since", strconv.FormatInt(max(o.Since.Unix(), minSince), 10))
	}
	if !o.Until.IsZero() {
		v.Set("until", formatTime(o.Until))
	}
	return v, nil
}

func replyListValues(o ReplyListOptions, defFields []string) (url.Values, error) {
	v, err := listValues(o.ListOptions, defFields)
	if err != nil {
		return nil, err
	}
	if o.Reverse != nil {
		v.Set("reverse", strconv.FormatBool(*o.Reverse))
	}
	if o.ApprovalStatus != "" {
		v.Set("approval_status", o.ApprovalStatus)
	}
	return v, nil
}

// list fetches a page of media, normalizing media types and stripping
// credentials from the paging URLs.
func (c *Client) list(ctx context.Context, path string, params url.Values) (*MediaList, *Response, error) {
	var ml MediaList
	resp, err := c.do(ctx, request{method: http.MethodGet, path: path, params: params}, &ml)
	if err != nil {
		return nil, resp, err
	}
	for i := range ml.Data {
		normalizeMedia(&ml.Data[i])
	}
	ml.Paging.Next = stripSecrets(ml.Paging.Next)
	ml.Paging.Previous = stripSecrets(ml.Paging.Previous)
	if ml.Data == nil {
		ml.Data = []Media{}
	}
	return &ml, resp, nil
}

// ListThreads lists the user's top-level posts and reposts, newest first
// (replies are UserReplies). Since and Until bound the publish time (sent as
// Unix seconds). Media types read back in their read spellings, not the
// create-time ones: a TEXT post lists as TEXT_POST, a CAROUSEL as
// CAROUSEL_ALBUM, a repost as REPOST_FACADE with reposted_post; the client
// normalizes any create-time spelling Meta sends back.
//
// Meta doc: https://developers.facebook.com/docs/threads/retrieve-and-discover-posts/retrieve-posts
func (c *Client) ListThreads(ctx context.Context, opts ListOptions) (*MediaList, *Response, error) {
	v, err := listValues(opts, defaultMediaFields)
	if err != nil {
		return nil, nil, err
	}
	return c.list(ctx, endpoint(c.userID, "threads"), v)
}

// Replies lists the direct replies to a post or reply.
//
// Meta doc: https://developers.facebook.com/docs/threads/retrieve-and-manage-replies/replies-and-conversations
func (c *Client) Replies(ctx context.Context, mediaID string, opts ReplyListOptions) (*MediaList, *Response, error) {
	v, err := replyListValues(opts, defaultReplyFields)
	if err != nil {
		return nil, nil, err
	}
	return c.list(ctx, endpoint(mediaID, "replies"), v)
}

// Conversation lists all replies at every depth under a root post.
//
// Meta doc: https://developers.facebook.com/docs/threads/retrieve-and-manage-replies/replies-and-conversations
func (c *Client) Conversation(ctx context.Context, mediaID string, opts ReplyListOptions) (*MediaList, *Response, error) {
	v, err := replyListValues(opts, defaultReplyFields)
	if err != nil {
		return nil, nil, err
	}
	return c.list(ctx, endpoint(mediaID, "conversation"), v)
}

// UserReplies lists the replies the user wrote.
//
// Meta doc: https://developers.facebook.com/docs/threads/retrieve-and-manage-replies/retrieve-replies
func (c *Client) UserReplies(ctx context.Context, opts ListOptions) (*MediaList, *Response, error) {
	v, err := listValues(opts, defaultReplyFields)
	if err != nil {
		return nil, nil, err
	}
	return c.list(ctx, endpoint(c.userID, "replies"), v)
}

// PendingReplies lists replies awaiting approval on a post created with
// reply approvals; ApprovalStatus filters "pending" or "ignored".
//
// Meta doc: https://developers.facebook.com/docs/threads/reply-management
func (c *Client) PendingReplies(ctx context.Context, mediaID string, opts ReplyListOptions) (*MediaList, *Response, error) {
	v, err := replyListValues(opts, append(append([]string{}, defaultReplyFields...), "reply_approval_status"))
	if err != nil {
		return nil, nil, err
	}
	return c.list(ctx, endpoint(mediaID, "pending_replies"), v)
}

// postSuccess performs a POST answering {"success":true}.
func (c *Client) postSuccess(ctx context.Context, path string, params url.Values) (*Response, error) {
	var out struct {
		Success bool `json:"success"`
	}
	resp, err := c.do(ctx, request{method: http.MethodPost, path: path, params: params, retry: retryCreate}, &out)
	if err != nil {
		return resp, err
	}
	if !out.Success {
		return resp, fmt.Errorf("threads: POST %s: Threads answered success=false", path)
	}
	return resp, nil
}

// ManageReply hides (hide=true) or unhides a top-level reply to one of the
// user's posts; nested replies follow.
//
// Meta doc: https://developers.facebook.com/docs/threads/reference/reply-management
func (c *Client) ManageReply(ctx context.Context, replyID string, hide bool) (*Response, error) {
	return c.postSuccess(ctx, endpoint(replyID, "manage_reply"), url.Values{"hide": {strconv.FormatBool(hide)}})
}

// ManagePendingReply approves (approve=true) or ignores a pending reply.
//
// Meta doc: https://developers.facebook.com/docs/threads/reference/reply-management
func (c *Client) ManagePendingReply(ctx context.Context, replyID string, approve bool) (*Response, error) {
	return c.postSuccess(ctx, endpoint(replyID, "manage_pending_reply"), url.Values{"approve": {strconv.FormatBool(approve)}})
}

// Delete deletes one of the user's posts or replies and returns the
// deleted id. Needs threads_delete (without it Meta answers HTTP 500 code
// 10, a KindPermission error); 100 deletes per rolling 24 hours
// (PublishingLimit's DeleteQuotaUsage). It is retried only on failures
// proving nothing happened.
//
// Meta doc: https://developers.facebook.com/docs/threads/posts/delete-posts
func (c *Client) Delete(ctx context.Context, mediaID string) (string, *Response, error) {
	var out struct {
		Success   bool   `json:"success"`
		DeletedID string `json:"deleted_id"`
	}
	resp, err := c.do(ctx, request{method: http.MethodDelete, path: endpoint(mediaID), retry: retryCreate}, &out)
	if err != nil {
		return "", resp, err
	}
	if !out.Success {
		return "", resp, fmt.Errorf("threads: DELETE %s: Threads answered success=false", endpoint(mediaID))
	}
	return firstNonEmpty(out.DeletedID, mediaID), resp, nil
}

// Repost reposts a post and returns the repost's id; the repost appears in
// ListThreads as a REPOST_FACADE whose reposted_post is the original. It is
// retried only on failures proving nothing happened; after a lost answer,
// FindRepost tells whether the repost exists. Meta documents no way to undo
// a repost: its reposts page offers only POST /{id}/repost, and its delete
// page covers posts the user created, so whether Delete accepts a repost id
// is not documented.
//
// Meta doc: https://developers.facebook.com/docs/threads/posts/reposts
func (c *Client) Repost(ctx context.Context, mediaID string) (string, *Response, error) {
	var out struct {
		ID string `json:"id"`
	}
	resp, err := c.do(ctx, request{method: http.MethodPost, path: endpoint(mediaID, "repost"), retry: retryCreate}, &out)
	if err != nil {
		return "", resp, err
	}
	if out.ID == "" {
		return "", resp, fmt.Errorf("threads: POST %s: response carries no repost id", endpoint(mediaID, "repost"))
	}
	return out.ID, resp, nil
}

// MediaInsights returns lifetime metrics of a post (default: views, likes,
// replies, reposts, quotes, shares).
//
// Meta doc: https://developers.facebook.com/docs/threads/insights
func (c *Client) MediaInsights(ctx context.Context, mediaID string, metrics ...string) ([]Insight, *Response, error) {
	var out struct {
		Data []Insight `json:"data"`
	}
	resp, err := c.do(ctx, request{method: http.MethodGet, path: endpoint(mediaID, "insights"),
		params: url.Values{"metric": {fieldsOr(metrics, defaultMediaMetrics)}}}, &out)
	if err != nil {
		return nil, resp, err
	}
	if out.Data == nil {
		out.Data = []Insight{}
	}
	return out.Data, resp, nil
}

// UserInsights returns account metrics (default: views, likes, replies,
// reposts, quotes, clicks, followers_count) over Since–Until.
//
// Meta doc: https://developers.facebook.com/docs/threads/insights
func (c *Client) UserInsights(ctx context.Context, opts UserInsightsOptions) ([]Insight, *Response, error) {
	v := url.Values{"metric": {fieldsOr(opts.Metrics, defaultUserMetrics)}}
	if !opts.Since.IsZero() {
		v.Set("since", formatTime(opts.Since))
	}
	if !opts.Until.IsZero() {
		v.Set("until", formatTime(opts.Until))
	}
	if opts.Breakdown != "" {
		v.Set("breakdown", opts.Breakdown)
	}
	var out struct {
		Data []Insight `json:"data"`
	}
	resp, err := c.do(ctx, request{method: http.MethodGet, path: endpoint(c.userID, "threads_insights"), params: v}, &out)
	if err != nil {
		return nil, resp, err
	}
	if out.Data == nil {
		out.Data = []Insight{}
	}
	return out.Data, resp, nil
}

// PublishingLimit returns the user's rolling 24 h quota usage. Without
// fields it requests every quota group: posts, replies, deletes, location
// searches and keyword searches. Meta's reference does not list the keyword
// search fields (search_quota_usage, search_config), so when Meta refuses a
// request for them as an invalid parameter, the documented groups are asked
// for again without them (SearchConfig then stays nil). Reading the
// delete group needs threads_delete, the location group
// threads_location_tagging.
//
// Meta doc: https://developers.facebook.com/docs/threads/overview#rate-limiting
func (c *Client) PublishingLimit(ctx context.Context, fields ...string) (*PublishingLimit, *Response, error) {
	pl, resp, err := c.publishingLimit(ctx, fieldsOr(fields, allQuotaFields))
	var ae *APIError
	if err != nil && len(fields) == 0 && errors.As(err, &ae) && ae.Err == nil && ae.Kind() == KindInvalidParameter {
		return c.publishingLimit(ctx, strings.Join(documentedQuotaFields, ","))
	}
	return pl, resp, err
}

func (c *Client) publishingLimit(ctx context.Context, fields string) (*PublishingLimit, *Response, error) {
	var out struct {
		Data []PublishingLimit `json:"data"`
	}
	resp, err := c.do(ctx, request{method: http.MethodGet, path: endpoint(c.userID, "threads_publishing_limit"),
		params: url.Values{"fields": {fields}}}, &out)
	if err != nil {
		return nil, resp, err
	}
	if len(out.Data) == 0 {
		return &PublishingLimit{}, resp, nil
	}
	return &out.Data[0], resp, nil
}
