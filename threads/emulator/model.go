package emulator

import (
	"encoding/json"
	"strconv"
	"time"
)

// Container statuses, from
// https://developers.facebook.com/docs/threads/troubleshooting ("Publishing does not return a media ID").
const (
	StatusInProgress = "IN_PROGRESS"
	StatusFinished   = "FINISHED"
	StatusPublished  = "PUBLISHED"
	StatusError      = "ERROR"
	StatusExpired    = "EXPIRED"
)

// container is a media container created by POST /{uid}/threads.
type container struct {
	id, userID     string
	mediaType      string // TEXT, IMAGE, VIDEO, CAROUSEL
	text           string
	imageURL       string
	videoURL       string
	carouselItem   bool
	children       []string // container ids
	replyToID      string
	replyAudience  string // uppercase, "" when not given
	quoteID        string
	linkAttachment string
	topicTag       string
	altText        string
	countries      []string
	poll           map[string]string
	textAttachment json.RawMessage
	gifID          string
	textEntities   json.RawMessage
	spoiler        bool
	locationID     string
	replyApprovals bool
	ghost          bool
	createdAt      time.Time
	readyAt        time.Time
	errMsg         string
	fetching       bool // its media is being downloaded (media.go)
	published      bool
	mediaID        string
}

// status returns the container's status and error_message as of now.
func (c *container) status(now time.Time) (string, string) {
	switch {
	case c.published:
		return StatusPublished, ""
	case c.fetching:
		return StatusInProgress, ""
	case now.Before(c.readyAt):
		return StatusInProgress, ""
	case c.errMsg != "":
		return StatusError, c.errMsg
	case !now.Before(c.createdAt.Add(containerTTL)):
		return StatusExpired, ""
	}
	return StatusFinished, ""
}

// mediaObj is a published post, reply, repost or carousel child.
type mediaObj struct {
	id, ownerID    string
	containerID    string
	mediaType      string // TEXT_POST, IMAGE, VIDEO, CAROUSEL_ALBUM, REPOST_FACADE
	text           string
	mediaURL       string
	thumbnailURL   string
	shortcode      string
	ts             time.Time
	seq            int64
	children       []string
	carouselChild  bool
	replyToID      string
	rootID         string
	quoteID        string
	repostedID     string
	topicTag       string
	replyAudience  string
	altText        string
	linkURL        string
	gifURL         string
	poll           map[string]string
	textEntities   json.RawMessage
	textAttachment json.RawMessage
	spoiler        bool
	locationID     string
	countries      []string
	ghost          bool
	ghostExpiry    time.Time
	hideStatus     string // replies: NOT_HUSHED, HIDDEN, UNHUSHED
	approval       string // replies awaiting approval: "pending" or "ignored"
	replyApprovals bool
	deleted        bool
}

func (m *mediaObj) isReply() bool { return m.replyToID != "" }

// visible reports whether m shows up in public lists (published, not
// deleted, not held for approval).
func (m *mediaObj) visible() bool { return !m.deleted && m.approval == "" && !m.carouselChild }

// shortcodeAlphabet is Instagram's shortcode alphabet.
const shortcodeAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

// shortcodeFor derives a permalink shortcode from a numeric id.
func shortcodeFor(id string) string {
	n, err := strconv.ParseUint(id, 10, 64)
	if err != nil || n == 0 {
		return "A"
	}
	var b []byte
	for n > 0 {
		b = append([]byte{shortcodeAlphabet[n%64]}, b...)
		n /= 64
	}
	return string(b)
}
