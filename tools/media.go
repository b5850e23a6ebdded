package tools

import (
	"context"
	"strings"

	"github.com/threads-mcp/threads-mcp/schemas"
	"github.com/threads-mcp/threads-mcp/threads"
)

// onceNote is the exactly-once promise every publishing description ends with.
const onceNote = "Never posts twice: an identical call within 10 minutes or a retry with the same idempotency_key returns the first result (replayed: true)."

// publishMedia is the publish_media tool: one image or one video with an
// optional caption, polled like a carousel item (videos can take minutes)
// with progress notifications.
func publishMedia() Tool {
	return newTool[schemas.PublishMediaArgs](def{
		name:  "publish_media",
		title: "Publish an image or video",
		description: "Publish one image or video (type " + strings.Join(schemas.MediaTypes(), "|") + ", public https url) with an " +
			"optional caption (rules of publish_text) and alt_text. Videos are processed by Threads for up to minutes; " +
			"progress notifications are sent when asked for. " + onceNote,
		toolset: ToolsetPublish,
		scopes:  []string{scopeBasic, scopeContentPublish, scopeShareIG},
		hints:   additive(),
	}, func(ctx context.Context, c *call, a *schemas.PublishMediaArgs) (*schemas.MediaResult, error) {
		rc, err := c.replyControl(ctx, a.ReplyControl)
		if err != nil {
			return nil, err
		}
		content := *a
		content.ReplyControl = rc
		post := mediaPost(a, rc)
		post.Progress = progressNotifier(ctx, c.req)
		return publishOnce(ctx, c, publishRequest{tool: "publish_media", args: content, post: post},
			func(res *threads.PublishResult) *schemas.MediaResult {
				out := &schemas.MediaResult{PostResult: postResult(res, a.Text, a.TopicTag, rc), MediaType: a.Type}
				out.Note = storyNote(res, out.Note)
				return out
			})
	})
}

// mediaPost is the post publish_media publishes (validate_post shows it).
func mediaPost(a *schemas.PublishMediaArgs, rc string) threads.Post {
	p := threads.Post{
		Text:         a.Text,
		AltText:      a.AltText,
		TopicTag:     a.TopicTag,
		QuotePostID:  a.QuotePostID,
		ReplyControl: threads.ReplyControl(rc),
	}
	setMedia(&p, a.Type, a.URL)
	p.Extra.IsSpoilerMedia = a.SpoilerMedia
	p.Extra.CrossShareToIG = a.ShareToInstagramStory
	return p
}

// setMedia sets p's image or video URL by media type.
func setMedia(p *threads.Post, typ, url string) {
	if typ == "video" {
		p.VideoURL = url
	} else {
		p.ImageURL = url
	}
}
