package tools

import (
	"context"
	"strings"
	"time"

	"github.com/threads-mcp/threads-mcp/schemas"
)

// ToolsetMedia holds the media staging tools.
const ToolsetMedia = "media"

// createMediaUpload is the create_media_upload tool: a one-time PUT URL
// for an agent that is not on the server's machine (HTTP transport) to
// hand over an image or video; the returned upload_id then goes into any
// media field. The upload is checked like a local file when it is used.
func createMediaUpload() Tool {
	return newTool[schemas.CreateMediaUploadArgs](def{
		name:        "create_media_upload",
		title:       "Get a one-time media upload URL",
		description: "Get a one-time URL to PUT an image or video to; then pass upload_id in a media field.",
		toolset:     ToolsetMedia,
		hints:       hints{},
	}, func(ctx context.Context, c *call, a *schemas.CreateMediaUploadArgs) (*schemas.MediaUploadResult, error) {
		up, err := c.mediaDeps().NewUpload(ctx, a.Type, time.Duration(a.TTLMinutes)*time.Minute)
		if err != nil {
			return nil, &userError{msg: err.Error()}
		}
		return &schemas.MediaUploadResult{
			UploadID: up.ID, UploadURL: up.URL, Method: "PUT", ExpiresAt: rfc3339(up.ExpiresAt),
			MaxBytes: up.MaxBytes, ContentTypes: up.ContentTypes,
			Note: "PUT the raw file bytes (not base64) with curl -T FILE URL; it is checked by content (" +
				strings.Join(up.ContentTypes, ", ") + ") when used, and deleted after the post is published.",
		}, nil
	})
}
