package threads

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// allMediaFields is every media field Meta documents on GET /{media-id} and
// the media lists, in the order of the retrieve-posts page
// (https://developers.facebook.com/docs/threads/retrieve-and-discover-posts/retrieve-posts).
// Some need more than threads_basic (hide_status and reply_audience:
// threads_read_replies), and owner is only set on the caller's own
// top-level posts.
var allMediaFields = []string{"id", "media_product_type", "media_type", "media_url", "permalink", "owner",
	"username", "text", "timestamp", "shortcode", "thumbnail_url", "children", "is_quote_post",
	"quoted_post", "reposted_post", "alt_text", "link_attachment_url", "has_replies", "is_reply",
	"is_reply_owned_by_me", "root_post", "replied_to", "hide_status", "reply_audience", "gif_url",
	"poll_attachment", "topic_tag", "is_spoiler_media", "text_entities", "text_attachment",
	"location_id", "location", "allowlisted_country_codes", "ghost_post_status",
	"ghost_post_expiration_timestamp", "is_verified", "profile_picture_url"}

// defaultSearchFields is defaultMediaFields without owner, which
// /keyword_search, /mentions and /profile_posts do not offer
// (https://developers.facebook.com/docs/threads/keyword-search).
var defaultSearchFields = without(defaultMediaFields, "owner")

// defaultProfileFields are the fields of a public profile
// (https://developers.facebook.com/docs/threads/threads-profiles).
var defaultProfileFields = []string{"username", "name", "profile_picture_url", "biography", "is_verified",
	"follower_count", "likes_count", "quotes_count", "replies_count", "reposts_count", "views_count"}

// defaultLocationFields are the fields of a location
// (https://developers.facebook.com/docs/threads/create-posts/location-tagging).
var defaultLocationFields = []string{"id", "name", "address", "city", "country", "latitude", "longitude", "postal_code"}

func without(list []string, drop string) []string {
	out := make([]string, 0, len(list))
	for _, s := range list {
		if s != drop {
			out = append(out, s)
		}
	}
	return out
}

// AllMediaFields returns every media field Meta documents, for a caller that
// wants all a token may read (GetMedia(ctx, id, AllMediaFields()...)).
// hide_status and reply_audience need threads_read_replies; owner appears
// only on the caller's own top-level posts.
//
// Meta doc: https://developers.facebook.com/docs/threads/retrieve-and-discover-posts/retrieve-posts
func AllMediaFields() []string { return append([]string(nil), allMediaFields...) }

// SearchType orders keyword search results.
type SearchType string

// Search types of GET /keyword_search (default TOP).
const (
	SearchTop    SearchType = "TOP"
	SearchRecent SearchType = "RECENT"
)

// SearchMode says what q is matched against.
type SearchMode string

// Search modes of GET /keyword_search: KEYWORD (default) searches the text,
// TAG the topic tags.
const (
	SearchKeyword SearchMode = "KEYWORD"
	SearchTag     SearchMode = "TAG"
)

// KeywordSearchOptions are the parameters of GET /keyword_search.
// ListOptions.Fields may not contain owner.
type KeywordSearchOptions struct {
	// Query is q, the keyword or topic tag (required).
	Query string
	// SearchType is TOP (Meta's default when empty) or RECENT.
	SearchType SearchType
	// SearchMode is KEYWORD (Meta's default when empty) or TAG.
	SearchMode SearchMode
	// MediaType filters by TEXT, IMAGE or VIDEO (the request spellings).
	MediaType MediaType
	// AuthorUsername restricts results to one author: the exact username,
	// without "@" (a leading "@" is dropped).
	AuthorUsername string
	ListOptions
}

// KeywordSearch searches public posts by keyword or topic tag. Without
// Advanced Access to threads_keyword_search Meta silently searches only the
// caller's own posts. Each non-empty search counts against the 2,200 per
// rolling 24 hours keyword-search quota (PublishingLimit's SearchQuotaUsage).
// Results' media_type may read TEXT instead of TEXT_POST (Meta's sample
// shows both); it is normalized to TEXT_POST.
//
// Meta doc: https://developers.facebook.com/docs/threads/keyword-search
func (c *Client) KeywordSearch(ctx context.Context, opts KeywordSearchOptions) (*MediaList, *Response, error) {
	if strings.TrimSpace(opts.Query) == "" {
		return nil, nil, errors.New("threads: KeywordSearch: Query is required")
	}
	v, err := listValues(opts.ListOptions, defaultSearchFields)
	if err != nil {
		return nil, nil, err
	}
	v.Set("q", opts.Query)
	if opts.SearchType != "" {
		v.Set("search_type", string(opts.SearchType))
	}
	if opts.SearchMode != "" {
		v.Set("search_mode", string(opts.SearchMode))
	}
	if opts.MediaType != "" {
		v.Set("media_type", string(opts.MediaType))
	}
	if u := strings.TrimPrefix(opts.AuthorUsername, "@"); u != "" {
		v.Set("author_username", u)
	}
	return c.list(ctx, endpoint("keyword_search"), v)
}

// Mentions lists public posts that mention the user (private authors are
// left out). Needs threads_manage_mentions; before App Review only testers'
// mentions are returned.
//
// Meta doc: https://developers.facebook.com/docs/threads/threads-mentions
func (c *Client) Mentions(ctx context.Context, opts ListOptions) (*MediaList, *Response, error) {
	v, err := listValues(opts, defaultSearchFields)
	if err != nil {
		return nil, nil, err
	}
	return c.list(ctx, endpoint(c.userID, "mentions"), v)
}

// GhostPosts lists the user's ghost posts (text posts archived after 24
// hours), with ghost_post_status and ghost_post_expiration_timestamp by
// default.
//
// Meta doc: https://developers.facebook.com/docs/threads/create-posts/ghost-posts
func (c *Client) GhostPosts(ctx context.Context, opts ListOptions) (*MediaList, *Response, error) {
	v, err := listValues(opts, append(append([]string(nil), defaultMediaFields...),
		"ghost_post_status", "ghost_post_expiration_timestamp"))
	if err != nil {
		return nil, nil, err
	}
	return c.list(ctx, endpoint(c.userID, "ghost_posts"), v)
}

// PublicProfile is a public Threads profile from GET /profile_lookup. The
// counts cover the last 7 days.
type PublicProfile struct {
	Username          string `json:"username"`
	Name              string `json:"name,omitempty"`
	ProfilePictureURL string `json:"profile_picture_url,omitempty"`
	Biography         string `json:"biography,omitempty"`
	IsVerified        bool   `json:"is_verified,omitempty"`
	FollowerCount     int64  `json:"follower_count,omitempty"`
	LikesCount        int64  `json:"likes_count,omitempty"`
	QuotesCount       int64  `json:"quotes_count,omitempty"`
	RepliesCount      int64  `json:"replies_count,omitempty"`
	RepostsCount      int64  `json:"reposts_count,omitempty"`
	ViewsCount        int64  `json:"views_count,omitempty"`
}

// ProfileLookup reads a public profile by its exact username (a leading "@"
// is dropped). Needs threads_profile_discovery; the profile must be public
// with at least 100 followers; 1,000 lookups per rolling 24 hours. Before App
// Review only @meta, @threads, @instagram and @facebook resolve. Without
// fields it asks for every public-profile field.
//
// Meta doc: https://developers.facebook.com/docs/threads/threads-profiles
func (c *Client) ProfileLookup(ctx context.Context, username string, fields ...string) (*PublicProfile, *Response, error) {
	u := strings.TrimPrefix(strings.TrimSpace(username), "@")
	if u == "" {
		return nil, nil, errors.New("threads: ProfileLookup: username is required")
	}
	var p PublicProfile
	resp, err := c.do(ctx, request{method: http.MethodGet, path: endpoint("profile_lookup"),
		params: url.Values{"username": {u}, "fields": {fieldsOr(fields, defaultProfileFields)}}}, &p)
	if err != nil {
		return nil, resp, err
	}
	return &p, resp, nil
}

// ProfilePosts lists a public profile's posts by exact username (a leading
// "@" is dropped), with the same limits as ProfileLookup. Fields may not
// contain owner.
//
// Meta doc: https://developers.facebook.com/docs/threads/threads-profiles
func (c *Client) ProfilePosts(ctx context.Context, username string, opts ListOptions) (*MediaList, *Response, error) {
	u := strings.TrimPrefix(strings.TrimSpace(username), "@")
	if u == "" {
		return nil, nil, errors.New("threads: ProfilePosts: username is required")
	}
	v, err := listValues(opts, defaultSearchFields)
	if err != nil {
		return nil, nil, err
	}
	v.Set("username", u)
	return c.list(ctx, endpoint("profile_posts"), v)
}

// Location is a place to tag a post with (location_id).
type Location struct {
	// ID is the location id. Meta's search sample shows it as a JSON number,
	// other pages as a string; both decode.
	ID         string   `json:"id"`
	Name       string   `json:"name,omitempty"`
	Address    string   `json:"address,omitempty"`
	City       string   `json:"city,omitempty"`
	Country    string   `json:"country,omitempty"`
	Latitude   *float64 `json:"latitude,omitempty"`
	Longitude  *float64 `json:"longitude,omitempty"`
	PostalCode string   `json:"postal_code,omitempty"`
}

// UnmarshalJSON decodes a location whose id is a string or a number.
func (l *Location) UnmarshalJSON(b []byte) error {
	type plain Location
	var raw struct {
		plain
		ID json.RawMessage `json:"id"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	*l = Location(raw.plain)
	id, err := flexString(raw.ID)
	if err != nil {
		return fmt.Errorf("location id: %w", err)
	}
	l.ID = id
	return nil
}

// flexString decodes a JSON string or number as a string ("" for null or absent).
func flexString(b json.RawMessage) (string, error) {
	if len(b) == 0 || string(b) == "null" {
		return "", nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		return s, nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return "", err
	}
	return n.String(), nil
}

// LocationSearchOptions are the parameters of GET /location_search: Query,
// or Latitude and Longitude together.
type LocationSearchOptions struct {
	Query     string
	Latitude  *float64
	Longitude *float64
	// Fields default to id, name, address, city, country, latitude, longitude, postal_code.
	Fields []string
}

// LocationSearch finds locations by name or coordinates (not paginated).
// Needs threads_location_tagging; 500 searches per rolling 24 hours
// (PublishingLimit's LocationSearchQuotaUsage). Before App Review only the
// query "Menlo Park" answers.
//
// Meta doc: https://developers.facebook.com/docs/threads/create-posts/location-tagging
func (c *Client) LocationSearch(ctx context.Context, opts LocationSearchOptions) ([]Location, *Response, error) {
	if (opts.Latitude == nil) != (opts.Longitude == nil) {
		return nil, nil, errors.New("threads: LocationSearch: Latitude and Longitude go together")
	}
	if strings.TrimSpace(opts.Query) == "" && opts.Latitude == nil {
		return nil, nil, errors.New("threads: LocationSearch: Query or Latitude and Longitude is required")
	}
	v := url.Values{"fields": {fieldsOr(opts.Fields, defaultLocationFields)}}
	if opts.Query != "" {
		v.Set("q", opts.Query)
	}
	if opts.Latitude != nil {
		v.Set("latitude", strconv.FormatFloat(*opts.Latitude, 'f', -1, 64))
		v.Set("longitude", strconv.FormatFloat(*opts.Longitude, 'f', -1, 64))
	}
	var out struct {
		Data []Location `json:"data"`
	}
	resp, err := c.do(ctx, request{method: http.MethodGet, path: endpoint("location_search"), params: v}, &out)
	if err != nil {
		return nil, resp, err
	}
	if out.Data == nil {
		out.Data = []Location{}
	}
	return out.Data, resp, nil
}

// GetLocation reads one location by id.
//
// Meta doc: https://developers.facebook.com/docs/threads/create-posts/location-tagging
func (c *Client) GetLocation(ctx context.Context, locationID string, fields ...string) (*Location, *Response, error) {
	var l Location
	resp, err := c.do(ctx, request{method: http.MethodGet, path: endpoint(locationID),
		params: url.Values{"fields": {fieldsOr(fields, defaultLocationFields)}}}, &l)
	if err != nil {
		return nil, resp, err
	}
	return &l, resp, nil
}

// SearchedKeyword is one entry of the user's recently_searched_keywords.
type SearchedKeyword struct {
	Query string `json:"query"`
	// Timestamp is when it was searched (Meta sends epoch milliseconds).
	Timestamp time.Time `json:"timestamp"`
}

// UnmarshalJSON decodes {"query":"…","timestamp":<ms>}; defensively, a bare
// string is taken as the query and a timestamp in seconds or as a string
// is accepted.
func (k *SearchedKeyword) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*k = SearchedKeyword{Query: s}
		return nil
	}
	var raw struct {
		Query     string          `json:"query"`
		Timestamp json.RawMessage `json:"timestamp"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	*k = SearchedKeyword{Query: raw.Query}
	if len(raw.Timestamp) == 0 || string(raw.Timestamp) == "null" {
		return nil
	}
	var t Time
	if err := t.UnmarshalJSON(raw.Timestamp); err != nil {
		return fmt.Errorf("recently_searched_keywords timestamp: %w", err)
	}
	k.Timestamp = t.Time
	return nil
}

// MarshalJSON encodes the timestamp as epoch milliseconds, as Meta does.
func (k SearchedKeyword) MarshalJSON() ([]byte, error) {
	var ms int64
	if !k.Timestamp.IsZero() {
		ms = k.Timestamp.UnixMilli()
	}
	return json.Marshal(struct {
		Query     string `json:"query"`
		Timestamp int64  `json:"timestamp"`
	}{k.Query, ms})
}

// RecentlySearchedKeywords returns the keywords the user searched recently
// (a field of the user, GET /me?fields=recently_searched_keywords).
//
// Meta doc: https://developers.facebook.com/docs/threads/keyword-search
func (c *Client) RecentlySearchedKeywords(ctx context.Context) ([]SearchedKeyword, *Response, error) {
	u, resp, err := c.Me(ctx, "id", "recently_searched_keywords")
	if err != nil {
		return nil, resp, err
	}
	if u.RecentlySearchedKeywords == nil {
		return []SearchedKeyword{}, resp, nil
	}
	return u.RecentlySearchedKeywords, resp, nil
}

// TokenInfo is what GET /debug_token says about an access token. Times are
// zero when Meta sends 0 (no expiry).
type TokenInfo struct {
	AppID               string
	Type                string // "USER" for user tokens
	Application         string
	IsValid             bool
	Scopes              []string
	UserID              string
	IssuedAt            time.Time
	ExpiresAt           time.Time
	DataAccessExpiresAt time.Time
}

// HasScope reports whether the token was granted scope.
func (ti *TokenInfo) HasScope(scope string) bool {
	for _, s := range ti.Scopes {
		if s == scope {
			return true
		}
	}
	return false
}

// DebugToken inspects inputToken (GET /debug_token?input_token=…) with the
// client's own token, which must belong to the same app (the user token
// itself works; whether an app token does is not documented). Ids arrive as
// strings or numbers and times as epoch seconds; both decode. inputToken is
// a secret: it is masked in errors (RedactURL masks input_token).
//
// Meta doc: https://developers.facebook.com/docs/threads/troubleshooting/debug-access-token
func (c *Client) DebugToken(ctx context.Context, inputToken string) (*TokenInfo, *Response, error) {
	if inputToken == "" {
		return nil, nil, errors.New("threads: DebugToken: input token is required")
	}
	var out struct {
		Data struct {
			AppID               json.RawMessage `json:"app_id"`
			Type                string          `json:"type"`
			Application         string          `json:"application"`
			IsValid             bool            `json:"is_valid"`
			Scopes              []string        `json:"scopes"`
			UserID              json.RawMessage `json:"user_id"`
			IssuedAt            int64           `json:"issued_at"`
			ExpiresAt           int64           `json:"expires_at"`
			DataAccessExpiresAt int64           `json:"data_access_expires_at"`
		} `json:"data"`
	}
	resp, err := c.do(ctx, request{method: http.MethodGet, path: endpoint("debug_token"),
		params: url.Values{"input_token": {inputToken}}}, &out)
	if err != nil {
		var ae *APIError
		if errors.As(err, &ae) {
			ae.Message = redact(ae.Message, inputToken)
			ae.UserMessage = redact(ae.UserMessage, inputToken)
			ae.UserTitle = redact(ae.UserTitle, inputToken)
		}
		return nil, resp, err
	}
	d := out.Data
	appID, err1 := flexString(d.AppID)
	userID, err2 := flexString(d.UserID)
	if err := errors.Join(err1, err2); err != nil {
		return nil, resp, fmt.Errorf("threads: GET /debug_token: decoding ids: %w", err)
	}
	ti := &TokenInfo{AppID: appID, Type: d.Type, Application: d.Application, IsValid: d.IsValid,
		Scopes: d.Scopes, UserID: userID, IssuedAt: unixOrZero(d.IssuedAt),
		ExpiresAt: unixOrZero(d.ExpiresAt), DataAccessExpiresAt: unixOrZero(d.DataAccessExpiresAt)}
	if ti.Scopes == nil {
		ti.Scopes = []string{}
	}
	return ti, resp, nil
}

func unixOrZero(s int64) time.Time {
	if s <= 0 {
		return time.Time{}
	}
	return time.Unix(s, 0).UTC()
}

// FindRepost looks among the user's newest posts (one page of 25, since
// about since) for a repost of mediaID: a REPOST_FACADE whose reposted_post
// is mediaID. It settles whether a Repost whose answer was lost went
// through. It returns (nil, resp, nil) when there is none.
//
// Meta doc: https://developers.facebook.com/docs/threads/posts/reposts
func (c *Client) FindRepost(ctx context.Context, mediaID string, since time.Time) (*Media, *Response, error) {
	from := since.Add(-recoverySlack)
	if from.Unix() < minSince {
		from = time.Unix(minSince, 0)
	}
	ml, resp, err := c.ListThreads(ctx, ListOptions{Fields: []string{"id", "media_type", "reposted_post", "timestamp", "permalink"},
		Limit: 25, Since: from})
	if err != nil {
		return nil, resp, err
	}
	for i, m := range ml.Data {
		if m.MediaType == MediaTypeRepostFacade && m.RepostedPost != nil && m.RepostedPost.ID == mediaID {
			return &ml.Data[i], resp, nil
		}
	}
	return nil, resp, nil
}
