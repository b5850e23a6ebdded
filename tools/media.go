package tools

import (
	"context"

	"github.com/threads-mcp/threads-mcp/schemas"
	"github.com/threads-mcp/threads-mcp/threads"
)

// publishMedia is the publish_media tool: one image or one video with an
// optional caption, polled like a carousel item (videos can take minutes)
// with progress notifications.
func publishMedia() Tool {
	return newTool[schemas.PublishMediaArgs](def{
		name:        "publish_media",
		title:       "Publish an image or video",
		description: "Publish one image or video with an optional caption (rules of publish_text).",
		toolset:     ToolsetPublish,
		scopes:      []string{scopeBasic, scopeContentPublish, scopeShareIG},
		hints:       additive(),

		// Only a share to Instagram needs it.
		optional: []string{scopeShareIG},
	}, func(ctx context.Context, c *call, a *schemas.PublishMediaArgs) (*schemas.MediaResult, error) {
		rc, err := c.replyControl(ctx, a.ReplyControl)
		if err != nil {
			return nil, err
		}
		content := *a
		content.ReplyControl = rc
		post, refs := mediaPost(a, rc)
		post.Progress = progressNotifier(ctx, c.req)
		return publishOnce(ctx, c, publishRequest{tool: "publish_media", args: content, post: post, media: refs, preflight: a.PreflightOn()},
			func(res *threads.PublishResult) *schemas.MediaResult {
				out := &schemas.MediaResult{PostResult: postResult(res, a.Text, a.TopicTag, rc), MediaType: a.Type}
				out.Note = storyNote(res, out.Note)
				return out
			})
	})
}

// mediaPost is the post publish_media publishes (validate_post shows it),
// and its media.
func mediaPost(a *schemas.PublishMediaArgs, rc string) (threads.Post, []mediaRef) {
	p := threads.Post{
		Text:         a.Text,
		AltText:      a.AltText,
		TopicTag:     a.TopicTag,
		QuotePostID:  a.QuotePostID,
		ReplyControl: threads.ReplyControl(rc),
	}
	var refs []mediaRef
	setMedia(&p, a.Type, addMedia(&refs, "", a.Item(), -1))
	p.Extra.IsSpoilerMedia = a.SpoilerMedia
	p.Extra.CrossShareToIG = a.ShareToInstagramStory
	return p, refs
}

// setMedia sets p's image or video URL by media type.
func setMedia(p *threads.Post, typ, url string) {
	if typ == "video" {
		p.VideoURL = url
	} else {
		p.ImageURL = url
	}
}
