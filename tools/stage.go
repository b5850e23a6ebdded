package tools

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/threads-mcp/threads-mcp/schemas"
	"github.com/threads-mcp/threads-mcp/threads"
	"github.com/threads-mcp/threads-mcp/tools/media"
)

// mediaRef is one image or video of a post, with where its URL goes: the
// post's own media (index -1) or carousel item index. A local input (path,
// upload_id, data) is staged, and every URL pre-flighted, in the publish
// flow (prepareMedia) right before the first container is created; until
// then the post holds a placeholder (stagedPlaceholder).
type mediaRef struct {
	item  media.Item
	index int
}

// stagedPrefix starts the placeholder URL of a local input; it is never a
// valid media URL (those are https).
const stagedPrefix = "staged:"

// stagedPlaceholder is what the post holds for local input n until it is
// staged; validate_post shows it.
func stagedPlaceholder(n int, it media.Item) string {
	return stagedPrefix + strconv.Itoa(n) + ":" + it.Prefix + it.Source()
}

// addMedia records it (named by prefix) as the media of slot index of a
// post and returns the URL the post holds for it.
func addMedia(refs *[]mediaRef, prefix string, it schemas.CarouselItemArgs, index int) string {
	m := media.Item{Prefix: prefix, Kind: it.Type, MediaInput: it.Input()}
	*refs = append(*refs, mediaRef{item: m, index: index})
	if m.Local() {
		return stagedPlaceholder(len(*refs)-1, m)
	}
	return it.URL
}

// setSlot puts u in the post's media slot index.
func setSlot(p *threads.Post, index int, kind, u string) {
	if index < 0 {
		setMedia(p, kind, u)
		return
	}
	if kind == media.KindVideo {
		p.Items[index].VideoURL = u
	} else {
		p.Items[index].ImageURL = u
	}
}

// mediaError is a media input or URL refused before anything was sent.
type mediaError struct{ err error }

func (e *mediaError) Error() string {
	return "media check failed, nothing was sent to Threads.\n" + e.err.Error()
}

func (e *mediaError) Unwrap() error { return e.err }

// prepareMedia stages the local inputs of a post and pre-flights its media
// URLs (unless preflight is off), returning the post with real URLs, the
// staged object ids (to Release after publishing) and notes. On error
// nothing was sent to Threads and nothing stays staged.
func (c *call) prepareMedia(ctx context.Context, p threads.Post, refs []mediaRef, preflight bool) (threads.Post, []string, []string, error) {
	if len(refs) == 0 {
		return p, nil, nil, nil
	}
	m := c.mediaDeps()
	var roots []string
	for _, r := range refs {
		if r.item.Path != "" {
			roots = c.clientRoots(ctx)
			break
		}
	}
	p.Items = append([]threads.CarouselItem(nil), p.Items...)
	var (
		ids   []string
		notes []string
	)
	fail := func(err error) (threads.Post, []string, []string, error) {
		m.Release(ctx, ids...)
		var fe *schemas.FieldError
		if errors.As(err, &fe) {
			err = &mediaError{err: err}
		}
		return threads.Post{}, nil, nil, err
	}
	for _, r := range refs {
		st, err := m.Stage(ctx, r.item, roots)
		if err != nil {
			return fail(err)
		}
		if st.ID != "" {
			ids = append(ids, st.ID)
		}
		setSlot(&p, r.index, r.item.Kind, st.URL)
		if preflight {
			field := r.item.Prefix + r.item.Source()
			note, err := m.Preflight(ctx, field, r.item.Kind, st.URL, st.ID != "")
			if err != nil {
				return fail(err)
			}
			if note != "" {
				notes = append(notes, note)
			}
		}
	}
	return p, ids, notes, nil
}

// checkMedia runs validate_post's media check (check_media): each input
// read and checked, each URL pre-flighted, nothing staged. It returns the
// notes, or the first refusal.
func (c *call) checkMedia(ctx context.Context, refs []mediaRef) ([]string, error) {
	m := c.mediaDeps()
	var roots []string
	for _, r := range refs {
		if r.item.Path != "" {
			roots = c.clientRoots(ctx)
			break
		}
	}
	var notes []string
	for _, r := range refs {
		note, err := m.Check(ctx, r.item, roots)
		if err != nil {
			return notes, err
		}
		if note != "" {
			notes = append(notes, note)
		}
	}
	return notes, nil
}

// mediaDeps returns the server's media stager; a server built without one
// refuses local inputs (with what to configure) and pre-flights nothing.
func (c *call) mediaDeps() *media.Media {
	if c.Media != nil {
		return c.Media
	}
	return media.New(media.Options{Preflight: media.PreflightNone})
}

// rootsTimeout bounds the roots/list request to the client.
const rootsTimeout = 5 * time.Second

// clientRoots asks the client for its MCP roots when it declared the roots
// capability (https://modelcontextprotocol.io/specification/2025-06-18/client/roots)
// and returns their directories; nil when it has none or cannot answer.
func (c *call) clientRoots(ctx context.Context) []string {
	srv := server.ServerFromContext(ctx)
	sess, ok := server.ClientSessionFromContext(ctx).(server.SessionWithClientInfo)
	if srv == nil || !ok || sess.GetClientCapabilities().Roots == nil {
		return nil
	}
	rctx, cancel := context.WithTimeout(ctx, rootsTimeout)
	defer cancel()
	res, err := srv.RequestRoots(rctx, mcp.ListRootsRequest{})
	if err != nil || res == nil {
		if c.Logger != nil {
			c.Logger.Debug("roots/list", "err", err)
		}
		return nil
	}
	uris := make([]string, len(res.Roots))
	for i, r := range res.Roots {
		uris[i] = r.URI
	}
	return media.RootsFromURIs(uris)
}

// isStaged reports whether u is a placeholder of a local input.
func isStaged(u string) bool { return strings.HasPrefix(u, stagedPrefix) }

var _ = fmt.Sprintf
