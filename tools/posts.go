package tools

import (
	"context"
	"fmt"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/threads-mcp/threads-mcp/schemas"
	"github.com/threads-mcp/threads-mcp/threads"
)

// publishText is the publish_text tool: a text post, optionally with a topic
// tag, a link preview, a reply audience or a quoted post.
func publishText() Tool {
	return newTool[schemas.PublishTextArgs](def{
		name:  "publish_text",
		title: "Publish a text post",
		description: "Publish a text post with an optional topic, link preview, quote and one attachment (poll, gif or " +
			"text_attachment).",
		toolset: ToolsetPublish,
		scopes:  []string{scopeBasic, scopeContentPublish, scopeLocation, scopeShareIG},
		hints:   additive(),

		// Only a location_id or a share to Instagram needs these.
		optional: []string{scopeLocation, scopeShareIG},
	}, func(ctx context.Context, c *call, a *schemas.PublishTextArgs) (*schemas.PostResult, error) {
		rc, err := c.replyControl(ctx, a.ReplyControl)
		if err != nil {
			return nil, err
		}
		if err := c.checkGeoGating(ctx, a.AllowlistedCountryCodes); err != nil {
			return nil, err
		}
		content := *a
		content.ReplyControl = rc
		post := textPost(a, rc)
		post.Progress = progressNotifier(ctx, c.req)
		return publishOnce(ctx, c, publishRequest{
			tool: "publish_text", args: content, post: post,
		}, func(res *threads.PublishResult) *schemas.PostResult {
			out := postResult(res, a.Text, a.TopicTag, rc)
			out.Note = storyNote(res, out.Note)
			return &out
		})
	})
}

// publishCarousel is the publish_carousel tool: 2–20 images and videos in one
// post, created concurrently, with progress notifications.
func publishCarousel() Tool {
	return newTool[schemas.PublishCarouselArgs](def{
		name:  "publish_carousel",
		title: "Publish a carousel",
		description: fmt.Sprintf("Publish a carousel of %d–%d images and/or videos with an optional caption (rules of publish_text).",
			schemas.MinCarouselItems, schemas.MaxCarouselItems),
		toolset: ToolsetPublish,
		scopes:  []string{scopeBasic, scopeContentPublish},
		hints:   additive(),
	}, func(ctx context.Context, c *call, a *schemas.PublishCarouselArgs) (*schemas.CarouselResult, error) {
		rc, err := c.replyControl(ctx, a.ReplyControl)
		if err != nil {
			return nil, err
		}
		content := *a
		content.ReplyControl = rc
		post, refs := carouselPost(a, rc)
		post.Progress = progressNotifier(ctx, c.req)
		return publishOnce(ctx, c, publishRequest{
			tool: "publish_carousel", args: content, post: post, media: refs, preflight: a.PreflightOn(),
		}, func(res *threads.PublishResult) *schemas.CarouselResult {
			out := schemas.CarouselResult{
				PostResult:       postResult(res, a.Text, a.TopicTag, rc),
				ItemContainerIDs: res.ItemIDs,
			}
			if out.ItemContainerIDs == nil {
				out.ItemContainerIDs = []string{}
			}
			return &out
		})
	})
}

// textPost is the post publish_text publishes (validate_post shows it).
func textPost(a *schemas.PublishTextArgs, rc string) threads.Post {
	p := threads.Post{
		Text:           a.Text,
		TopicTag:       a.TopicTag,
		LinkAttachment: a.LinkAttachment,
		QuotePostID:    a.QuotePostID,
		ReplyControl:   threads.ReplyControl(rc),
	}
	x := &p.Extra
	setContent(x, a.Text, &a.ContentAttachments)
	x.IsGhostPost = a.Ghost
	x.LocationID = a.LocationID
	x.AllowlistedCountryCodes = a.AllowlistedCountryCodes
	x.EnableReplyApprovals = a.EnableReplyApprovals
	x.CrossShareToIG = a.ShareToInstagramStory
	return p
}

// setContent sets the container parameters of the content attachments of
// a post or reply with text: poll_attachment, gif_attachment,
// text_attachment and the spoilers' text_entities.
func setContent(x *threads.ContainerParams, text string, a *schemas.ContentAttachments) {
	if len(a.Poll) > 0 {
		x.PollAttachment, _ = threads.PollFromOptions(a.Poll) // the count is validated
	}
	if a.GIF != "" {
		x.GIFAttachment = &threads.GIFAttachment{GIFID: a.GIF, Provider: threads.GIFProviderGiphy}
	}
	if ta := a.TextAttachment; ta != nil {
		x.TextAttachment = &threads.TextAttachment{Plaintext: ta.Plaintext, LinkAttachmentURL: ta.Link}
		for _, st := range ta.Styles {
			styles := make([]threads.TextStyle, len(st.Styles))
			for i, s := range st.Styles {
				styles[i] = threads.TextStyle(s)
			}
			x.TextAttachment.TextWithStylingInfo = append(x.TextAttachment.TextWithStylingInfo,
				threads.TextStyling{Offset: st.Offset, Length: st.Length, StylingInfo: styles})
		}
	}
	x.TextEntities = spoilerEntities(text, a.Spoilers)
}

// storyNote says how the share to the Instagram story went, when one was
// asked for and Threads said; the Threads post is live either way.
func storyNote(res *threads.PublishResult, note string) string {
	switch res.CrossShareToIGStatus {
	case "":
		return note
	case "SUCCESS":
		return joinNotes(note, "Shared to the Instagram story.")
	}
	return joinNotes(note, "The post is live, but sharing it to the Instagram story "+res.CrossShareToIGStatus+
		" (Threads does not retry it; share it from the app).")
}

// spoilerEntities are the text_entities hiding the spoiler passages of
// text, measured by the client (threads.SpoilerEntity) in its one unit.
// The passages are validated (schemas.SpoilerRanges), so none is missing.
func spoilerEntities(text string, spoilers []string) []threads.TextEntity {
	ranges, _ := schemas.SpoilerRanges(text, spoilers)
	var out []threads.TextEntity
	for _, r := range ranges {
		if e, err := threads.SpoilerEntity(text, r[0], r[1]); err == nil {
			out = append(out, e)
		}
	}
	return out
}

// Permissions of optional publishing features: location tags
// (https://developers.facebook.com/docs/threads/create-posts/location-tagging)
// and sharing to an Instagram story
// (https://developers.facebook.com/docs/threads/create-posts/share-to-ig-stories).
const (
	scopeLocation = "threads_location_tagging"
	scopeShareIG  = "threads_share_to_instagram"
)

// Profile reads the account's own profile fields.
type Profile interface {
	Me(ctx context.Context, fields ...string) (*threads.User, *threads.Response, error)
}

// checkGeoGating refuses allowlisted_country_codes for an account Threads
// does not let geo-gate (is_eligible_for_geo_gating,
// https://developers.facebook.com/docs/threads/posts/geo-gating).
func (c *call) checkGeoGating(ctx context.Context, codes []string) error {
	if len(codes) == 0 {
		return nil
	}
	u, _, err := c.acct.API.Me(ctx, "is_eligible_for_geo_gating")
	if err != nil {
		return fmt.Errorf("could not check whether the account may geo-gate posts: %w", err)
	}
	if !u.IsEligibleForGeoGating {
		return userErrorf("this account is not eligible for geo-gating (Threads reports is_eligible_for_geo_gating false), so " +
			"allowlisted_country_codes cannot be used; nothing was published. Fix: remove allowlisted_country_codes to publish to everyone.")
	}
	return nil
}

// carouselPost is the post publish_carousel publishes.
func carouselPost(a *schemas.PublishCarouselArgs, rc string) (threads.Post, []mediaRef) {
	var refs []mediaRef
	p := threads.Post{
		Text:         a.Text,
		TopicTag:     a.TopicTag,
		Items:        carouselItems(a.Items, "", &refs),
		ReplyControl: threads.ReplyControl(rc),
	}
	p.Extra.IsSpoilerMedia = a.SpoilerMedia
	return p, refs
}

// carouselItems converts carousel items for the client, recording their
// media in refs (field names start with prefix).
func carouselItems(in []schemas.CarouselItemArgs, prefix string, refs *[]mediaRef) []threads.CarouselItem {
	items := make([]threads.CarouselItem, len(in))
	for i, it := range in {
		items[i] = threads.CarouselItem{AltText: it.AltText}
		u := addMedia(refs, fmt.Sprintf("%sitems[%d].", prefix, i), it, i)
		if it.Type == "video" {
			items[i].VideoURL = u
		} else {
			items[i].ImageURL = u
		}
	}
	return items
}

// postResult is the common result of every publishing tool.
func postResult(r *threads.PublishResult, text, tag, rc string) schemas.PostResult {
	published := r.PublishedAt
	if published.IsZero() {
		published = time.Now()
	}
	return schemas.PostResult{
		ID:           r.ID,
		Permalink:    r.Permalink,
		Text:         text,
		TopicTag:     tag,
		ReplyControl: rc,
		PublishedAt:  rfc3339(published),
		ContainerID:  r.ContainerID,
		Note:         r.Note,
	}
}

// progressNotifier returns a ProgressFunc sending MCP progress notifications
// when the client asked for them with a progress token, nil otherwise.
func progressNotifier(ctx context.Context, req mcp.CallToolRequest) threads.ProgressFunc {
	send := progressSender(ctx, req)
	if send == nil {
		return nil
	}
	return func(p threads.Progress) {
		msg := p.Message
		if msg == "" {
			msg = fmt.Sprintf("%s (%d/%d)", p.Step, p.Current, p.Total)
		}
		send(float64(p.Current), p.Total, msg)
	}
}

// progressSender returns a function sending one notifications/progress
// (total left out when 0) when the client asked for them with a progress
// token, nil otherwise. Callers keep progress increasing, as MCP requires
// (https://modelcontextprotocol.io/specification/2025-06-18/basic/utilities/progress).
func progressSender(ctx context.Context, req mcp.CallToolRequest) func(progress float64, total int, message string) {
	m := req.Params.Meta
	if m == nil || m.ProgressToken == nil {
		return nil
	}
	srv := server.ServerFromContext(ctx)
	if srv == nil {
		return nil
	}
	token := m.ProgressToken
	return func(progress float64, total int, message string) {
		params := map[string]any{
			"progressToken": token,
			"progress":      progress,
			"message":       message,
		}
		if total > 0 {
			params["total"] = total
		}
		// A lost notification must not fail the publish.
		_ = srv.SendNotificationToClient(ctx, "notifications/progress", params)
	}
}
