package threads

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// TimeLayout is the timestamp layout Threads uses on media and insights
// (ISO 8601 with a numeric offset without a colon, e.g. 2023-10-17T05:42:03+0000).
const TimeLayout = "2006-01-02T15:04:05-0700"

// Time is a time.Time that decodes from and encodes to Threads' TimeLayout.
// It also accepts, defensively, RFC 3339 and epoch numbers (seconds, or
// milliseconds when the value is too large for seconds), since Meta does not
// document the form of every timestamp (poll and ghost-post expirations).
type Time struct{ time.Time }

// UnmarshalJSON decodes a Threads timestamp.
func (t *Time) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	if s == "" || s == "null" {
		t.Time = time.Time{}
		return nil
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		if n > 1e11 || n < -1e11 {
			t.Time = time.UnixMilli(n).UTC()
		} else {
			t.Time = time.Unix(n, 0).UTC()
		}
		return nil
	}
	v, err := time.Parse(TimeLayout, s)
	if err != nil {
		v, err = time.Parse(time.RFC3339, s)
		if err != nil {
			return err
		}
	}
	t.Time = v
	return nil
}

// MarshalJSON encodes t in TimeLayout.
func (t Time) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte(`""`), nil
	}
	return json.Marshal(t.Format(TimeLayout))
}

// MediaType is the media_type sent when creating a container.
type MediaType string

// Media types accepted by POST /{user-id}/threads.
const (
	MediaTypeText     MediaType = "TEXT"
	MediaTypeImage    MediaType = "IMAGE"
	MediaTypeVideo    MediaType = "VIDEO"
	MediaTypeCarousel MediaType = "CAROUSEL"
)

// Media types as Threads reports them on read (note TEXT_POST and CAROUSEL_ALBUM).
const (
	MediaTypeTextPost      MediaType = "TEXT_POST"
	MediaTypeCarouselAlbum MediaType = "CAROUSEL_ALBUM"
	MediaTypeAudio         MediaType = "AUDIO"
	MediaTypeRepostFacade  MediaType = "REPOST_FACADE"
)

// ReplyControl is who may reply to a post (reply_control on creation).
type ReplyControl string

// The five reply_control values Threads accepts at creation; the last two
// were added on 2025-07-07. Meta doc:
// https://developers.facebook.com/docs/threads/reply-management#reply-controls
const (
	ReplyEveryone             ReplyControl = "everyone"
	ReplyAccountsYouFollow    ReplyControl = "accounts_you_follow"
	ReplyMentionedOnly        ReplyControl = "mentioned_only"
	ReplyParentPostAuthorOnly ReplyControl = "parent_post_author_only"
	ReplyFollowersOnly        ReplyControl = "followers_only"
)

// ReplyControls returns the reply_control values Threads accepts, in the
// order Meta documents them
// (https://developers.facebook.com/docs/threads/reply-management). The
// schemas package generates its enums and checks from this list.
func ReplyControls() []ReplyControl {
	return []ReplyControl{ReplyEveryone, ReplyAccountsYouFollow, ReplyMentionedOnly, ReplyParentPostAuthorOnly, ReplyFollowersOnly}
}

// ContainerStatus is the processing state of a media container.
type ContainerStatus string

// Container states, as GET /{container-id}?fields=status reports them. Meta
// doc: https://developers.facebook.com/docs/threads/troubleshooting#publishing-does-not-return-a-media-id
const (
	StatusInProgress ContainerStatus = "IN_PROGRESS"
	StatusFinished   ContainerStatus = "FINISHED"
	StatusPublished  ContainerStatus = "PUBLISHED"
	StatusError      ContainerStatus = "ERROR"
	StatusExpired    ContainerStatus = "EXPIRED"
)

// User is a Threads profile (GET /me).
type User struct {
	ID                     string `json:"id"`
	Username               string `json:"username,omitempty"`
	Name                   string `json:"name,omitempty"`
	ProfilePictureURL      string `json:"threads_profile_picture_url,omitempty"`
	Biography              string `json:"threads_biography,omitempty"`
	IsVerified             bool   `json:"is_verified,omitempty"`
	IsEligibleForGeoGating bool   `json:"is_eligible_for_geo_gating,omitempty"`
	// RecentlySearchedKeywords is set only when asked for
	// (RecentlySearchedKeywords reads it).
	RecentlySearchedKeywords []SearchedKeyword `json:"recently_searched_keywords,omitempty"`
}

// PollAttachment is a poll on a text post (poll_attachment, sent as a JSON
// string): MinPollOptions to MaxPollOptions options of 1 to
// MaxPollOptionLength characters, filled in order (C only with A and B, D
// only with C). Text posts only. Meta doc:
// https://developers.facebook.com/docs/threads/create-posts/polls
type PollAttachment struct {
	OptionA string `json:"option_a"`
	OptionB string `json:"option_b"`
	OptionC string `json:"option_c,omitempty"`
	OptionD string `json:"option_d,omitempty"`
}

// TextStyle is a style of a text attachment range (styling_info).
type TextStyle string

// The styles Meta documents for text_with_styling_info. Meta doc:
// https://developers.facebook.com/docs/threads/create-posts/text-attachments
const (
	StyleBold          TextStyle = "bold"
	StyleItalic        TextStyle = "italic"
	StyleHighlight     TextStyle = "highlight"
	StyleUnderline     TextStyle = "underline"
	StyleStrikethrough TextStyle = "strikethrough"
)

// TextStyles returns the documented text attachment styles, in Meta's order;
// schemas generates its enum from it.
func TextStyles() []TextStyle {
	return []TextStyle{StyleBold, StyleItalic, StyleHighlight, StyleUnderline, StyleStrikethrough}
}

// TextStyling styles a range of a text attachment's plaintext. Offset and
// Length are counted in EntityOffsetUnit, like TextEntity's (Meta does not
// state the unit); ranges must not overlap. Use EntityRange to compute them.
type TextStyling struct {
	Offset      int         `json:"offset"`
	Length      int         `json:"length"`
	StylingInfo []TextStyle `json:"styling_info"`
}

// TextAttachment is long-form text on a text post or reply
// (text_attachment, sent as a JSON string): Plaintext of up to 10,000
// characters, an optional link (not together with the post's
// link_attachment) and styled ranges. Not with a poll. Meta doc:
// https://developers.facebook.com/docs/threads/create-posts/text-attachments
type TextAttachment struct {
	Plaintext           string        `json:"plaintext"`
	LinkAttachmentURL   string        `json:"link_attachment_url,omitempty"`
	TextWithStylingInfo []TextStyling `json:"text_with_styling_info,omitempty"`
}

// GIFProviderGiphy is the only GIF provider Threads accepts (Tenor was
// retired by 2026-03-31). Meta doc:
// https://developers.facebook.com/docs/threads/posts#gif-attachments
const GIFProviderGiphy = "GIPHY"

// GIFAttachment attaches a GIF to a text post (gif_attachment, sent as a
// JSON string): GIFID is the GIPHY id, Provider GIFProviderGiphy (the
// client sends GIPHY when Provider is empty). Read back as gif_url. Meta doc:
// https://developers.facebook.com/docs/threads/posts#gif-attachments
type GIFAttachment struct {
	GIFID    string `json:"gif_id"`
	Provider string `json:"provider"`
}

// EntityTypeSpoiler is the entity_type of a text spoiler (Meta accepts
// SPOILER and spoiler).
const EntityTypeSpoiler = "SPOILER"

// TextEntity marks a range of the post text as a spoiler (text_entities,
// sent as a JSON list, at most MaxTextEntities). Offset (≥ 0) and Length
// (≥ 1) count EntityOffsetUnit units of Text: Meta's spoilers page does not
// say whether it counts code points or UTF-16 units, which differ only for
// characters outside the Basic Multilingual Plane (most emoji). Build
// entities with SpoilerEntity, which measures in EntityOffsetUnit, so the
// unit is decided in one place. Meta doc:
// https://developers.facebook.com/docs/threads/create-posts/spoilers
type TextEntity struct {
	EntityType string `json:"entity_type"`
	Offset     int    `json:"offset"`
	Length     int    `json:"length"`
}

// ContainerParams are the parameters of POST /{user-id}/threads. Zero
// values are not sent. Meta doc:
// https://developers.facebook.com/docs/threads/reference/publishing
type ContainerParams struct {
	MediaType      MediaType
	Text           string
	ImageURL       string
	VideoURL       string
	IsCarouselItem bool
	Children       []string
	ReplyToID      string
	ReplyControl   ReplyControl
	QuotePostID    string
	LinkAttachment string
	TopicTag       string
	// AltText (at most 1,000 characters) describes an image or video; not
	// on text posts.
	AltText string
	// AllowlistedCountryCodes geo-gates the post to these ISO 3166-1
	// alpha-2 countries (sent comma-joined); only accounts with
	// is_eligible_for_geo_gating may use it. Meta doc:
	// https://developers.facebook.com/docs/threads/posts/geo-gating
	AllowlistedCountryCodes []string
	PollAttachment          *PollAttachment
	TextAttachment          *TextAttachment
	GIFAttachment           *GIFAttachment
	// TextEntities are text spoilers (see TextEntity).
	TextEntities []TextEntity
	// IsSpoilerMedia blurs the media of an image, video or carousel (on a
	// carousel, every item) until tapped. Meta doc:
	// https://developers.facebook.com/docs/threads/create-posts/spoilers
	IsSpoilerMedia bool
	// LocationID tags a location (LocationSearch finds ids); needs
	// threads_location_tagging. Meta doc:
	// https://developers.facebook.com/docs/threads/create-posts/location-tagging
	LocationID string
	// EnableReplyApprovals holds replies for approval (PendingReplies);
	// not with ghost posts. Meta doc:
	// https://developers.facebook.com/docs/threads/reply-management
	EnableReplyApprovals bool
	AutoPublishText      bool
	// IsGhostPost makes a text post that is archived after 24 hours; not a
	// reply, not with reply approvals. Meta doc:
	// https://developers.facebook.com/docs/threads/create-posts/ghost-posts
	IsGhostPost bool
	// CrossShareToIG shares the post to the author's Instagram story
	// (crossreshare_to_ig), CrossShareToIGDarkMode in dark mode
	// (crossreshare_to_ig_dark_mode); both need threads_share_to_instagram.
	// The Threads post is published even when the share fails: the outcome
	// is PublishResult.CrossShareToIGStatus. Meta doc:
	// https://developers.facebook.com/docs/threads/create-posts/share-to-ig-stories
	CrossShareToIG         bool
	CrossShareToIGDarkMode bool
}

// Container is a media container and its processing status.
type Container struct {
	ID           string          `json:"id"`
	Status       ContainerStatus `json:"status,omitempty"`
	ErrorMessage string          `json:"error_message,omitempty"`
	// CrossShareToIGStatus is SUCCESS or FAILED when the container asked
	// for a share to an Instagram story (Meta's sample shows it on the
	// create response).
	CrossShareToIGStatus string `json:"crossreshare_to_ig_status,omitempty"`
}

// IDRef is an object reference such as {"id":"123"}.
type IDRef struct {
	ID string `json:"id"`
}

// Children is the Graph-style list of carousel children, {"data":[…]}. Each
// child holds the fields asked for (children{id,media_type,media_url});
// plain "children" gives ids only. Meta's reference does not show the shape
// (observed in third-party test fixtures): a bare array decodes too.
type Children struct {
	Data []Media `json:"data"`
}

// UnmarshalJSON decodes {"data":[…]} or, defensively, a bare array.
func (ch *Children) UnmarshalJSON(b []byte) error {
	var list []Media
	if err := json.Unmarshal(b, &list); err == nil {
		ch.Data = list
		return nil
	}
	var wrapped struct {
		Data []Media `json:"data"`
	}
	if err := json.Unmarshal(b, &wrapped); err != nil {
		return err
	}
	ch.Data = wrapped.Data
	return nil
}

// TextEntities is the text_entities of a post as read back, {"data":[…]}
// (a bare array, the shape sent at creation, decodes too).
type TextEntities struct {
	Data []TextEntity `json:"data"`
}

// UnmarshalJSON decodes {"data":[…]} or, defensively, a bare array.
func (te *TextEntities) UnmarshalJSON(b []byte) error {
	var list []TextEntity
	if err := json.Unmarshal(b, &list); err == nil {
		te.Data = list
		return nil
	}
	var wrapped struct {
		Data []TextEntity `json:"data"`
	}
	if err := json.Unmarshal(b, &wrapped); err != nil {
		return err
	}
	te.Data = wrapped.Data
	return nil
}

// PollResult is a poll as read back (poll_attachment): the options, each
// option's share of the votes in percent, the vote count and when voting
// ends. Options C and D are set only when the poll has them. Meta doc:
// https://developers.facebook.com/docs/threads/create-posts/polls
type PollResult struct {
	OptionA                string   `json:"option_a"`
	OptionB                string   `json:"option_b"`
	OptionC                string   `json:"option_c,omitempty"`
	OptionD                string   `json:"option_d,omitempty"`
	OptionAVotesPercentage *float64 `json:"option_a_votes_percentage,omitempty"`
	OptionBVotesPercentage *float64 `json:"option_b_votes_percentage,omitempty"`
	OptionCVotesPercentage *float64 `json:"option_c_votes_percentage,omitempty"`
	OptionDVotesPercentage *float64 `json:"option_d_votes_percentage,omitempty"`
	TotalVotes             int64    `json:"total_votes,omitempty"`
	// ExpirationTimestamp is when voting ends; its form is not documented,
	// so Time's epoch and ISO 8601 forms are all accepted.
	ExpirationTimestamp Time `json:"expiration_timestamp,omitzero"`
}

// Ghost post states (ghost_post_status). Meta doc:
// https://developers.facebook.com/docs/threads/create-posts/ghost-posts
const (
	GhostPostActive   = "ACTIVE"
	GhostPostArchived = "ARCHIVED"
)

// Hide states of a reply (hide_status). Meta doc:
// https://developers.facebook.com/docs/threads/retrieve-and-manage-replies/replies-and-conversations
const (
	HideStatusNotHushed  = "NOT_HUSHED"
	HideStatusUnhushed   = "UNHUSHED"
	HideStatusHidden     = "HIDDEN"
	HideStatusCovered    = "COVERED"
	HideStatusBlocked    = "BLOCKED"
	HideStatusRestricted = "RESTRICTED"
)

// Media is a Threads post, reply or repost as read back from the API.
// Only requested fields are set. QuotedPost, RepostedPost, RootPost and
// RepliedTo hold an id, and more when asked with field expansion
// (quoted_post{id,text,username}). Meta doc:
// https://developers.facebook.com/docs/threads/retrieve-and-discover-posts/retrieve-posts
type Media struct {
	ID               string    `json:"id"`
	MediaProductType string    `json:"media_product_type,omitempty"`
	MediaType        MediaType `json:"media_type,omitempty"`
	MediaURL         string    `json:"media_url,omitempty"`
	Permalink        string    `json:"permalink,omitempty"`
	Owner            *IDRef    `json:"owner,omitempty"`
	Username         string    `json:"username,omitempty"`
	Text             string    `json:"text,omitempty"`
	Timestamp        Time      `json:"timestamp,omitzero"`
	Shortcode        string    `json:"shortcode,omitempty"`
	ThumbnailURL     string    `json:"thumbnail_url,omitempty"`
	Children         *Children `json:"children,omitempty"`
	IsQuotePost      bool      `json:"is_quote_post,omitempty"`
	QuotedPost       *Media    `json:"quoted_post,omitempty"`
	RepostedPost     *Media    `json:"reposted_post,omitempty"`
	AltText          string    `json:"alt_text,omitempty"`
	// LinkAttachmentURL is the link_attachment read back.
	LinkAttachmentURL string `json:"link_attachment_url,omitempty"`
	HasReplies        bool   `json:"has_replies,omitempty"`
	IsReply           bool   `json:"is_reply,omitempty"`
	IsReplyOwnedByMe  bool   `json:"is_reply_owned_by_me,omitempty"`
	RootPost          *Media `json:"root_post,omitempty"`
	RepliedTo         *Media `json:"replied_to,omitempty"`
	// HideStatus is one of the HideStatus* values (replies only).
	HideStatus string `json:"hide_status,omitempty"`
	// ReplyAudience is reply_control read back, upper case (EVERYONE, …).
	ReplyAudience           string          `json:"reply_audience,omitempty"`
	GIFURL                  string          `json:"gif_url,omitempty"`
	PollAttachment          *PollResult     `json:"poll_attachment,omitempty"`
	TopicTag                string          `json:"topic_tag,omitempty"`
	IsSpoilerMedia          bool            `json:"is_spoiler_media,omitempty"`
	TextEntities            *TextEntities   `json:"text_entities,omitempty"`
	TextAttachment          *TextAttachment `json:"text_attachment,omitempty"`
	LocationID              string          `json:"location_id,omitempty"`
	Location                *Location       `json:"location,omitempty"`
	AllowlistedCountryCodes []string        `json:"allowlisted_country_codes,omitempty"`
	// GhostPostStatus is GhostPostActive or GhostPostArchived (ghost posts only).
	GhostPostStatus              string `json:"ghost_post_status,omitempty"`
	GhostPostExpirationTimestamp Time   `json:"ghost_post_expiration_timestamp,omitzero"`
	IsVerified                   bool   `json:"is_verified,omitempty"`
	ProfilePictureURL            string `json:"profile_picture_url,omitempty"`
	// ReplyApprovalStatus is "pending" or "ignored" (PendingReplies only).
	ReplyApprovalStatus string `json:"reply_approval_status,omitempty"`
}

// UnmarshalJSON decodes a media object; location_id may be a string or a
// number (Meta's samples show both).
func (m *Media) UnmarshalJSON(b []byte) error {
	type plain Media
	var raw struct {
		plain
		LocationID json.RawMessage `json:"location_id"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	*m = Media(raw.plain)
	id, err := flexString(raw.LocationID)
	if err != nil {
		return fmt.Errorf("location_id: %w", err)
	}
	m.LocationID = id
	return nil
}

// Cursors are the opaque paging cursors of a list response.
type Cursors struct {
	Before string `json:"before,omitempty"`
	After  string `json:"after,omitempty"`
}

// Paging is the paging object of a list response. Next and Previous have
// access_token stripped by the client.
type Paging struct {
	Cursors  Cursors `json:"cursors"`
	Next     string  `json:"next,omitempty"`
	Previous string  `json:"previous,omitempty"`
}

// MediaList is a page of media.
type MediaList struct {
	Data   []Media `json:"data"`
	Paging Paging  `json:"paging"`
}

// ListOptions are the common paging and time-window options of list
// endpoints. Before and After (opaque cursors from Paging.Cursors) must not
// both be set; Limit is 0 (Meta's default, 25) to 100; Since must be before
// Until. A Since before 2023-07-05, the earliest Meta accepts (Threads did
// not exist before), is sent as that date. Meta doc:
// https://developers.facebook.com/docs/threads/reference/user
type ListOptions struct {
	Fields []string
	Limit  int
	Before string
	After  string
	Since  time.Time
	Until  time.Time
}

// ReplyListOptions are the options of /replies, /conversation and /pending_replies.
type ReplyListOptions struct {
	ListOptions
	// Reverse orders newest first when nil or true (Threads' default), oldest first when false.
	Reverse *bool
	// ApprovalStatus filters pending replies: ApprovalPending or
	// ApprovalIgnored (pending_replies only; empty returns both).
	ApprovalStatus string
}

// Reply approval states (approval_status, reply_approval_status); Meta
// matches them case-sensitively. Meta doc:
// https://developers.facebook.com/docs/threads/reference/reply-management
const (
	ApprovalPending = "pending"
	ApprovalIgnored = "ignored"
)

// InsightValue is one value of an insight metric, with its end time for time series.
type InsightValue struct {
	Value   int64 `json:"value"`
	EndTime Time  `json:"end_time,omitzero"`
}

// LinkTotalValue is a per-link total (the clicks metric).
type LinkTotalValue struct {
	Value   int64  `json:"value"`
	LinkURL string `json:"link_url"`
}

// DemographicResult is one bucket of a follower_demographics breakdown.
type DemographicResult struct {
	DimensionValues []string `json:"dimension_values"`
	Value           int64    `json:"value"`
}

// DemographicBreakdown is a follower_demographics breakdown.
type DemographicBreakdown struct {
	DimensionKeys []string            `json:"dimension_keys"`
	Results       []DemographicResult `json:"results"`
}

// TotalValue is the total of a metric, with breakdowns for demographics.
type TotalValue struct {
	Value      int64                  `json:"value"`
	Breakdowns []DemographicBreakdown `json:"breakdowns,omitempty"`
}

// Insight is one metric of media or user insights.
type Insight struct {
	Name            string           `json:"name"`
	Period          string           `json:"period"`
	Values          []InsightValue   `json:"values,omitempty"`
	TotalValue      *TotalValue      `json:"total_value,omitempty"`
	LinkTotalValues []LinkTotalValue `json:"link_total_values,omitempty"`
	Title           string           `json:"title,omitempty"`
	Description     string           `json:"description,omitempty"`
	ID              string           `json:"id,omitempty"`
}

// UserInsightsOptions select user insights (GET /{user-id}/threads_insights).
type UserInsightsOptions struct {
	Metrics   []string
	Since     time.Time
	Until     time.Time
	Breakdown string // country, city, age or gender; follower_demographics only
}

// QuotaConfig is a quota's total and window in seconds.
type QuotaConfig struct {
	QuotaTotal    int `json:"quota_total"`
	QuotaDuration int `json:"quota_duration"`
}

// PublishingLimit is the user's rolling 24 h usage of every quota group;
// only the groups asked for are set. Meta doc:
// https://developers.facebook.com/docs/threads/reference/user
type PublishingLimit struct {
	QuotaUsage               int          `json:"quota_usage"`
	Config                   *QuotaConfig `json:"config,omitempty"`
	ReplyQuotaUsage          int          `json:"reply_quota_usage"`
	ReplyConfig              *QuotaConfig `json:"reply_config,omitempty"`
	DeleteQuotaUsage         int          `json:"delete_quota_usage"`
	DeleteConfig             *QuotaConfig `json:"delete_config,omitempty"`
	LocationSearchQuotaUsage int          `json:"location_search_quota_usage"`
	LocationSearchConfig     *QuotaConfig `json:"location_search_config,omitempty"`
	// SearchQuotaUsage and SearchConfig are the keyword-search group
	// (2,200 per 24 hours); Meta's reference does not list these fields.
	SearchQuotaUsage int          `json:"search_quota_usage"`
	SearchConfig     *QuotaConfig `json:"search_config,omitempty"`
}

// ProgressStep names a step of a publishing flow.
type ProgressStep string

// Steps reported to a ProgressFunc.
const (
	StepCreateItem ProgressStep = "create_item" // a carousel item container was created
	StepItemReady  ProgressStep = "item_ready"  // a carousel item finished processing
	StepCreate     ProgressStep = "create"      // the (parent) container was created
	StepProcessing ProgressStep = "processing"  // waiting for the container to finish
	StepPublishing ProgressStep = "publishing"  // threads_publish was called
	StepPublished  ProgressStep = "published"   // the post is live
)

// Progress is one progress report of a publishing flow.
type Progress struct {
	Step    ProgressStep
	Current int    // steps done so far
	Total   int    // total steps expected (may grow)
	Message string // human-readable, e.g. "item 3 of 20 created"
}

// ProgressFunc receives progress reports; it must not block for long.
type ProgressFunc func(Progress)

// Post is the content of a post or reply to publish through a flow.
// The media type is derived: Items → carousel, ImageURL → image,
// VideoURL → video, else text.
type Post struct {
	Text           string
	ImageURL       string
	VideoURL       string
	AltText        string
	Items          []CarouselItem
	ReplyToID      string
	ReplyControl   ReplyControl
	QuotePostID    string
	LinkAttachment string
	TopicTag       string
	// Extra carries the attachments and options Meta documents besides
	// the fields above, sent as Meta documents them: PollAttachment
	// (poll_attachment), GIFAttachment (gif_attachment), TextAttachment
	// (text_attachment), TextEntities (text spoilers, text_entities),
	// IsSpoilerMedia (is_spoiler_media, on image, video and carousel
	// posts), IsGhostPost, LocationID, AllowlistedCountryCodes,
	// EnableReplyApprovals, CrossShareToIG/CrossShareToIGDarkMode and
	// AutoPublishText. Its media type, URLs, carousel and reply fields are
	// ignored (Post's own fields set them); the compatibility of
	// attachments is the caller's to check (Meta refuses e.g. a poll on
	// an image post at container creation).
	Extra ContainerParams
	// Progress, when set, receives every step of the flow.
	Progress ProgressFunc
	// OnContainer, when set, is called with the id of the container about to
	// be published (and the carousel item ids) as soon as it is created, and
	// again if the flow has to recreate it. A caller that records it can
	// later finish an interrupted publish with ResumePublish.
	OnContainer func(containerID string, itemIDs []string)
	// SkipReadBack, when true, returns as soon as the post is live, without
	// the request that reads back its permalink and timestamp: Permalink is
	// then empty and PublishedAt is the local time of publish. Read them
	// later with GetMedia(ctx, result.ID, "permalink", "timestamp").
	SkipReadBack bool
}

// CarouselItem is one item of a carousel: exactly one of ImageURL and VideoURL.
type CarouselItem struct {
	ImageURL string
	VideoURL string
	AltText  string
}

// Timings reports where a publishing flow spent its time.
type Timings struct {
	Create  time.Duration `json:"create"`
	Process time.Duration `json:"process"`
	Publish time.Duration `json:"publish"`
	Total   time.Duration `json:"total"`
}

// PublishResult is the outcome of a publishing flow.
type PublishResult struct {
	ID          string // the published media id ("" only when Recovered and not found)
	Permalink   string
	ContainerID string
	ItemIDs     []string  // carousel item container ids, in item order
	PublishedAt time.Time // timestamp read back, or the local time of publish
	Timings     Timings
	// Recovered is true when the publish outcome was ambiguous and success was
	// established from the container status (PUBLISHED), not from the answer.
	Recovered bool
	// Note explains anything unusual, e.g. "published; post id could not be recovered".
	Note string
	// ReplyNotLinked is true when a media reply (image, video or carousel
	// with ReplyToID) was published but Threads, read back right after,
	// shows it as a standalone post (is_reply false) or as a reply to
	// another post: a reported Threads issue with video replies published
	// within seconds of processing. The post is live; Note says what was
	// seen. Not checked with SkipReadBack.
	ReplyNotLinked bool
	// CrossShareToIGStatus is SUCCESS or FAILED when the post asked for a
	// share to an Instagram story (Extra.CrossShareToIG), as the create or
	// publish answer reported it; "" when Meta said nothing. The Threads
	// post is live either way.
	CrossShareToIGStatus string
}
