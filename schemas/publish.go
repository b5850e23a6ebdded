package schemas

import (
	"strings"

	"github.com/invopop/jsonschema"
)

// PublishMediaArgs are the arguments of the publish_media tool: one image or
// one video with an optional caption. Meta's single-media posts take the
// same caption, topic, reply-audience and quote parameters as text posts;
// link_attachment is a text-post parameter only
// (https://developers.facebook.com/docs/threads/posts#single-thread-posts),
// so the caption's links are the only ones and count toward MaxLinks.
type PublishMediaArgs struct {
	Type string `json:"type" jsonschema:"required" jsonschema_description:"image (JPEG/PNG, ≤ 8 MB) or video (MP4/MOV, ≤ 5 min)."`
	// URL, Path, UploadID and Data are the media's source: exactly one is
	// set (explained once, in the server instructions).
	URL          string `json:"url,omitempty" jsonschema_description:"Public https URL."`
	Path         string `json:"path,omitempty"`
	UploadID     string `json:"upload_id,omitempty"`
	Data         string `json:"data,omitempty"`
	Text         string `json:"text,omitempty"`
	AltText      string `json:"alt_text,omitempty"`
	TopicTag     string `json:"topic_tag,omitempty"`
	ReplyControl string `json:"reply_control,omitempty"`
	QuotePostID  string `json:"quote_post_id,omitempty" jsonschema_description:"Post to quote."`
	SpoilerMedia bool   `json:"spoiler_media,omitempty" jsonschema_description:"Blur until tapped."`
	// ShareToInstagramStory shares the post to the Instagram story too
	// (https://developers.facebook.com/docs/threads/create-posts/share-to-ig-stories).
	ShareToInstagramStory bool `json:"share_to_instagram_story,omitempty" jsonschema_description:"Also as an Instagram story."`
	PreflightArg
	AccountArg
	IdempotencyArg
}

// JSONSchemaExtend adds the type enum, the URL, alt_text, caption and topic
// limits, the reply_control enum and the quote id shape.
func (PublishMediaArgs) JSONSchemaExtend(s *jsonschema.Schema) {
	setEnum(s, "type", MediaTypes())
	setURL(s, "url", "")
	setAltText(s, "alt_text")
	setText(s, "text", 0, "")
	setTopicTag(s, "")
	setReplyControl(s)
	setID(s, "quote_post_id")
}

// Normalize trims the type, URL, ids and reply_control and strips one
// leading '#' from topic_tag.
func (a *PublishMediaArgs) Normalize() {
	a.Type = normalizeEnum(a.Type)
	normalizeMedia(&a.URL, &a.Path, &a.UploadID, &a.Data)
	a.TopicTag = NormalizeTopicTag(a.TopicTag)
	a.ReplyControl = normalizeEnum(a.ReplyControl)
	a.QuotePostID = strings.TrimSpace(a.QuotePostID)
}

// Item returns the media as a carousel item (the shape every media check takes).
func (a *PublishMediaArgs) Item() CarouselItemArgs {
	return CarouselItemArgs{Type: a.Type, URL: a.URL, Path: a.Path, UploadID: a.UploadID, Data: a.Data, AltText: a.AltText}
}

// Validate enforces every rule of publish_media: type image or video, an
// https media URL, alt_text of at most 1,000 characters, the caption rules
// of publish_text (counted length, one topic tag, at most 5 links), a valid
// topic_tag, reply_control and quote_post_id. It returns FieldErrors, or nil.
func (a *PublishMediaArgs) Validate() error {
	var errs FieldErrors
	checkMedia(&errs, "", a.Item())
	if a.TopicTag != "" {
		errs.add(checkTopicTag("topic_tag", a.TopicTag))
	}
	validateCaption(&errs, "text", a.Text, a.TopicTag, "")
	errs.add(checkReplyControl("reply_control", a.ReplyControl))
	if a.QuotePostID != "" {
		errs.add(checkID("quote_post_id", a.QuotePostID))
	}
	return errs.Err()
}

// MediaResult is the result of publish_media.
type MediaResult struct {
	PostResult
	MediaType string `json:"media_type" jsonschema_description:"image or video."`
}

// setAltText gives property name of s the alt_text limit and description.
func setAltText(s *jsonschema.Schema, name string) {
	if p := property(s, name); p != nil {
		n := uint64(MaxAltTextLength)
		p.MaxLength = &n
	}
}

// DeletePostArgs are the arguments of the delete_post tool.
type DeletePostArgs struct {
	PostID string `json:"post_id" jsonschema:"required" jsonschema_description:"Own post or reply."`
	AccountArg
}

// JSONSchemaExtend adds the id shape.
func (DeletePostArgs) JSONSchemaExtend(s *jsonschema.Schema) { setID(s, "post_id") }

// Normalize trims post_id.
func (a *DeletePostArgs) Normalize() { a.PostID = strings.TrimSpace(a.PostID) }

// Validate checks the post_id shape. It returns FieldErrors, or nil.
func (a *DeletePostArgs) Validate() error {
	var errs FieldErrors
	errs.add(checkID("post_id", a.PostID))
	return errs.Err()
}

// DeletePostResult is the result of delete_post.
type DeletePostResult struct {
	ResultMeta
	DeletedID      string `json:"deleted_id"`
	AlreadyDeleted bool   `json:"already_deleted,omitempty" jsonschema_description:"True when an earlier call had deleted it."`
	DeletesLeft    *int   `json:"deletes_left,omitempty" jsonschema_description:"Deletes left in the rolling 24 hours, when checked."`
	Note           string `json:"note,omitempty"`
}

// RepostArgs are the arguments of the repost tool.
type RepostArgs struct {
	PostID string `json:"post_id" jsonschema:"required" jsonschema_description:"Post to repost."`
	AccountArg
	IdempotencyArg
}

// JSONSchemaExtend adds the id shape.
func (RepostArgs) JSONSchemaExtend(s *jsonschema.Schema) { setID(s, "post_id") }

// Normalize trims post_id.
func (a *RepostArgs) Normalize() { a.PostID = strings.TrimSpace(a.PostID) }

// Validate checks the post_id shape. It returns FieldErrors, or nil.
func (a *RepostArgs) Validate() error {
	var errs FieldErrors
	errs.add(checkID("post_id", a.PostID))
	return errs.Err()
}

// ReplayFields is true: a repost can be replayed.
func (RepostResult) ReplayFields() bool { return true }

// RepostResult is the result of repost.
type RepostResult struct {
	ResultMeta
	RepostID string `json:"repost_id" jsonschema_description:"Id of the repost."`
	PostID   string `json:"post_id" jsonschema_description:"Id of the reposted post."`
	Note     string `json:"note,omitempty"`
}

// ValidatableTools lists the tools validate_post can dry-run.
func ValidatableTools() []string {
	return []string{"publish_text", "publish_media", "publish_carousel", "publish_thread", "reply"}
}

// ValidatePostArgs are the arguments of the validate_post tool.
type ValidatePostArgs struct {
	Tool      string         `json:"tool" jsonschema:"required" jsonschema_description:"Tool to dry-run."`
	Arguments map[string]any `json:"arguments" jsonschema:"required" jsonschema_description:"The arguments of that tool."`
	// CheckMedia reads and pre-flights the media as publishing does.
	CheckMedia bool `json:"check_media,omitempty" jsonschema_description:"Also fetch and check the media."`
}

// JSONSchemaExtend adds the tool enum.
func (ValidatePostArgs) JSONSchemaExtend(s *jsonschema.Schema) {
	setEnum(s, "tool", ValidatableTools())
}

// Normalize trims and lower-cases tool.
func (a *ValidatePostArgs) Normalize() { a.Tool = normalizeEnum(a.Tool) }

// Validate checks the tool name; the arguments are the named tool's to check.
func (a *ValidatePostArgs) Validate() error {
	var errs FieldErrors
	errs.add(checkEnum("tool", a.Tool, ValidatableTools()))
	return errs.Err()
}

// ContainerPreview is one media container a publish would create.
type ContainerPreview struct {
	Part      int               `json:"part" jsonschema_description:"Thread part (0 for a single post)."`
	Params    map[string]string `json:"params" jsonschema_description:"Graph API parameters of POST /me/threads."`
	Length    int               `json:"length" jsonschema_description:"Counted length of text."`
	Costliest []ClusterCost     `json:"costliest,omitempty" jsonschema_description:"Characters costing more than 1."`
	Links     []string          `json:"links,omitempty"`
	Tag       string            `json:"tag,omitempty" jsonschema_description:"The post's topic."`
}

// ClusterCost is one character (grapheme cluster) that costs more than one.
type ClusterCost struct {
	Text  string `json:"text"`
	Cost  int    `json:"cost"`
	Count int    `json:"count"`
}

// QuotaCost is what a publish takes from the 24-hour quotas.
type QuotaCost struct {
	Posts   int `json:"posts"`
	Replies int `json:"replies"`
}

// CachedQuota is the quota left as last read by this server.
type CachedQuota struct {
	PostsLeft   *int   `json:"posts_left,omitempty"`
	RepliesLeft *int   `json:"replies_left,omitempty"`
	ReadAt      string `json:"read_at" jsonschema_description:"Cached; not read now."`
}

// ValidatePostResult is the result of validate_post.
type ValidatePostResult struct {
	ResultMeta
	Tool       string             `json:"tool"`
	Valid      bool               `json:"valid"`
	Error      string             `json:"error,omitempty" jsonschema_description:"The exact error the real call would return."`
	Containers []ContainerPreview `json:"containers,omitempty"`
	Warnings   []string           `json:"warnings,omitempty"`
	QuotaCost  *QuotaCost         `json:"quota_cost,omitempty"`
	QuotaLeft  *CachedQuota       `json:"quota_left,omitempty"`
	IntentURL  string             `json:"intent_url,omitempty" jsonschema_description:"Threads web link to post the first text by hand."`
}
