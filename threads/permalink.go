package threads

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
)

// PostRef names a post the way a person shares it: by the author's username
// (when the link carries it) and the post's shortcode, the last segment of
// its permalink. The Graph API takes numeric media ids, not shortcodes: a
// shortcode is resolved by finding the post whose shortcode field matches,
// in the user's own posts (ListThreads, UserReplies), a public profile's
// posts (ProfilePosts) or search results (KeywordSearch).
type PostRef struct {
	Username  string // without "@"; "" when the link does not say
	Shortcode string
}

// URL returns the canonical permalink: https://www.threads.com/@user/post/CODE,
// or https://www.threads.com/t/CODE without a username.
func (r PostRef) URL() string {
	if r.Username == "" {
		return "https://www.threads.com/t/" + url.PathEscape(r.Shortcode)
	}
	return "https://www.threads.com/@" + url.PathEscape(r.Username) + "/post/" + url.PathEscape(r.Shortcode)
}

// ParsePermalink reads a Threads post link or a bare shortcode:
//
//	https://www.threads.com/@user/post/SHORTCODE   (threads.net too, with or without www. or m.)
//	https://www.threads.net/@user/post/SHORTCODE/media
//	threads.com/@user/post/SHORTCODE?xmt=…         (no scheme, query strings, fragments, trailing slash)
//	https://www.threads.net/t/SHORTCODE            (the short form, no username)
//	https://www.threads.com/SHORTCODE
//	@user/post/SHORTCODE
//	SHORTCODE
//
// A profile link (https://www.threads.com/@user) or another host is an
// error. A bare all-digit string is returned as a shortcode: callers that
// also take numeric media ids must check for one first.
func ParsePermalink(s string) (PostRef, error) {
	in := strings.TrimSpace(s)
	if in == "" {
		return PostRef{}, fmt.Errorf("threads: empty post link")
	}
	if validShortcode(in) {
		return PostRef{Shortcode: in}, nil
	}
	var segs []string
	if strings.HasPrefix(in, "@") {
		segs = pathSegments(strings.SplitN(strings.SplitN(in, "?", 2)[0], "#", 2)[0])
	} else {
		raw := in
		if !strings.Contains(raw, "://") {
			raw = "https://" + raw
		}
		u, err := url.Parse(raw)
		if err != nil {
			return PostRef{}, fmt.Errorf("threads: %q is not a Threads post link: %w", in, err)
		}
		if u.Scheme != "https" && u.Scheme != "http" {
			return PostRef{}, fmt.Errorf("threads: %q is not a Threads post link: scheme %q", in, u.Scheme)
		}
		host := strings.TrimPrefix(strings.TrimPrefix(strings.ToLower(u.Hostname()), "www."), "m.")
		if host != "threads.com" && host != "threads.net" {
			return PostRef{}, fmt.Errorf("threads: %q is not a Threads post link: host %q is neither threads.com nor threads.net", in, u.Hostname())
		}
		segs = pathSegments(u.Path)
	}
	var ref PostRef
	switch {
	case len(segs) >= 3 && strings.HasPrefix(segs[0], "@") && segs[1] == "post":
		ref = PostRef{Username: strings.TrimPrefix(segs[0], "@"), Shortcode: segs[2]}
	case len(segs) == 2 && (segs[0] == "t" || segs[0] == "post"):
		ref = PostRef{Shortcode: segs[1]}
	case len(segs) == 1 && !strings.HasPrefix(segs[0], "@"):
		ref = PostRef{Shortcode: segs[0]}
	case len(segs) >= 1 && strings.HasPrefix(segs[0], "@"):
		return PostRef{}, fmt.Errorf("threads: %q is a profile link, not a post link (a post link reads https://www.threads.com/@user/post/SHORTCODE)", in)
	default:
		return PostRef{}, fmt.Errorf("threads: %q is not a Threads post link (expected https://www.threads.com/@user/post/SHORTCODE)", in)
	}
	if !validShortcode(ref.Shortcode) {
		return PostRef{}, fmt.Errorf("threads: %q: shortcode %q holds characters other than letters, digits, '-' and '_'", in, ref.Shortcode)
	}
	if ref.Username != "" && !validUsername(ref.Username) {
		return PostRef{}, fmt.Errorf("threads: %q: username %q holds characters other than letters, digits, '.' and '_'", in, ref.Username)
	}
	return ref, nil
}

func pathSegments(p string) []string {
	var out []string
	for _, s := range strings.Split(p, "/") {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// validShortcode: Threads shortcodes use Instagram's URL-safe base64
// alphabet (letters, digits, '-' and '_').
func validShortcode(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// validUsername: Threads usernames are Instagram usernames (letters, digits,
// '.' and '_', at most 30).
func validUsername(s string) bool {
	if s == "" || len(s) > 30 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_') {
			return false
		}
	}
	return true
}

// ResolveOptions bound ResolveShortcode.
type ResolveOptions struct {
	// OwnUsername is the token user's username. When set and ref names
	// another author, the user's own lists are skipped.
	OwnUsername string
	// MaxPages bounds the pages (of 100) read per list; 0 means 3.
	MaxPages int
	// Fields are the fields returned for the post found; "shortcode" is
	// always asked for. Empty means the common media fields.
	Fields []string
}

// ResolveShortcode finds the post ref names and returns it with its numeric
// id, by reading lists newest first and matching the shortcode field: the
// user's own posts (ListThreads), then the user's own replies (UserReplies),
// then, when ref has a username other than OwnUsername, that profile's posts
// (ProfilePosts, which needs threads_profile_discovery and a public profile
// with at least 100 followers). Each list is read for at most MaxPages pages,
// so an old post may not be found; keyword search is left to the caller
// (it costs search quota and needs words of the post). It returns
// (nil, resp, nil) when no list holds the post.
//
// Meta doc: https://developers.facebook.com/docs/threads/retrieve-and-discover-posts/retrieve-posts
func (c *Client) ResolveShortcode(ctx context.Context, ref PostRef, opts ResolveOptions) (*Media, *Response, error) {
	if !validShortcode(ref.Shortcode) {
		return nil, nil, fmt.Errorf("threads: ResolveShortcode: invalid shortcode %q", ref.Shortcode)
	}
	pages := opts.MaxPages
	if pages <= 0 {
		pages = 3
	}
	fields := opts.Fields
	if len(fields) == 0 {
		fields = defaultSearchFields
	}
	if !slices.Contains(fields, "shortcode") {
		fields = append(slices.Clone(fields), "shortcode")
	}
	type lister func(ListOptions) (*MediaList, *Response, error)
	var lists []lister
	own := ref.Username == "" || opts.OwnUsername == "" || strings.EqualFold(ref.Username, opts.OwnUsername)
	if own {
		lists = append(lists,
			func(o ListOptions) (*MediaList, *Response, error) { return c.ListThreads(ctx, o) },
			func(o ListOptions) (*MediaList, *Response, error) { return c.UserReplies(ctx, o) })
	}
	if ref.Username != "" && !strings.EqualFold(ref.Username, opts.OwnUsername) {
		lists = append(lists, func(o ListOptions) (*MediaList, *Response, error) { return c.ProfilePosts(ctx, ref.Username, o) })
	}
	var last *Response
	for _, list := range lists {
		o := ListOptions{Fields: fields, Limit: 100}
		for range pages {
			ml, resp, err := list(o)
			last = resp
			if err != nil {
				return nil, resp, err
			}
			for i := range ml.Data {
				if ml.Data[i].Shortcode == ref.Shortcode {
					return &ml.Data[i], resp, nil
				}
			}
			if ml.Paging.Cursors.After == "" || len(ml.Data) < o.Limit {
				break
			}
			o.After = ml.Paging.Cursors.After
		}
	}
	return nil, last, nil
}
