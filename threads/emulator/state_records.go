package emulator

import (
	"encoding/json"
	"time"
)

// Persisted forms of the world's records: the same fields, exported for
// encoding/json. Keep them in step with the records (TestStateRoundTrip
// fails on a field that does not survive a save and a load).

type containerState struct {
	ID             string            `json:"id,omitempty"`
	UserID         string            `json:"userID,omitempty"`
	MediaType      string            `json:"mediaType,omitempty"`
	Text           string            `json:"text,omitempty"`
	ImageURL       string            `json:"imageURL,omitempty"`
	VideoURL       string            `json:"videoURL,omitempty"`
	CarouselItem   bool              `json:"carouselItem,omitempty"`
	Children       []string          `json:"children,omitempty"`
	ReplyToID      string            `json:"replyToID,omitempty"`
	ReplyAudience  string            `json:"replyAudience,omitempty"`
	QuoteID        string            `json:"quoteID,omitempty"`
	LinkAttachment string            `json:"linkAttachment,omitempty"`
	TopicTag       string            `json:"topicTag,omitempty"`
	AltText        string            `json:"altText,omitempty"`
	Countries      []string          `json:"countries,omitempty"`
	Poll           map[string]string `json:"poll,omitempty"`
	TextAttachment json.RawMessage   `json:"textAttachment,omitempty"`
	GifID          string            `json:"gifID,omitempty"`
	TextEntities   json.RawMessage   `json:"textEntities,omitempty"`
	Spoiler        bool              `json:"spoiler,omitempty"`
	LocationID     string            `json:"locationID,omitempty"`
	ReplyApprovals bool              `json:"replyApprovals,omitempty"`
	Ghost          bool              `json:"ghost,omitempty"`
	CreatedAt      time.Time         `json:"createdAt,omitempty"`
	ReadyAt        time.Time         `json:"readyAt,omitempty"`
	ErrMsg         string            `json:"errMsg,omitempty"`
	Published      bool              `json:"published,omitempty"`
	MediaID        string            `json:"mediaID,omitempty"`
}

func (x *container) state() containerState {
	return containerState{
		ID:             x.id,
		UserID:         x.userID,
		MediaType:      x.mediaType,
		Text:           x.text,
		ImageURL:       x.imageURL,
		VideoURL:       x.videoURL,
		CarouselItem:   x.carouselItem,
		Children:       x.children,
		ReplyToID:      x.replyToID,
		ReplyAudience:  x.replyAudience,
		QuoteID:        x.quoteID,
		LinkAttachment: x.linkAttachment,
		TopicTag:       x.topicTag,
		AltText:        x.altText,
		Countries:      x.countries,
		Poll:           x.poll,
		TextAttachment: x.textAttachment,
		GifID:          x.gifID,
		TextEntities:   x.textEntities,
		Spoiler:        x.spoiler,
		LocationID:     x.locationID,
		ReplyApprovals: x.replyApprovals,
		Ghost:          x.ghost,
		CreatedAt:      x.createdAt,
		ReadyAt:        x.readyAt,
		ErrMsg:         x.errMsg,
		Published:      x.published,
		MediaID:        x.mediaID,
	}
}

func (x containerState) record() *container {
	return &container{
		id:             x.ID,
		userID:         x.UserID,
		mediaType:      x.MediaType,
		text:           x.Text,
		imageURL:       x.ImageURL,
		videoURL:       x.VideoURL,
		carouselItem:   x.CarouselItem,
		children:       x.Children,
		replyToID:      x.ReplyToID,
		replyAudience:  x.ReplyAudience,
		quoteID:        x.QuoteID,
		linkAttachment: x.LinkAttachment,
		topicTag:       x.TopicTag,
		altText:        x.AltText,
		countries:      x.Countries,
		poll:           x.Poll,
		textAttachment: x.TextAttachment,
		gifID:          x.GifID,
		textEntities:   x.TextEntities,
		spoiler:        x.Spoiler,
		locationID:     x.LocationID,
		replyApprovals: x.ReplyApprovals,
		ghost:          x.Ghost,
		createdAt:      x.CreatedAt,
		readyAt:        x.ReadyAt,
		errMsg:         x.ErrMsg,
		published:      x.Published,
		mediaID:        x.MediaID,
	}
}

type mediaObjState struct {
	ID             string            `json:"id,omitempty"`
	OwnerID        string            `json:"ownerID,omitempty"`
	ContainerID    string            `json:"containerID,omitempty"`
	MediaType      string            `json:"mediaType,omitempty"`
	Text           string            `json:"text,omitempty"`
	MediaURL       string            `json:"mediaURL,omitempty"`
	ThumbnailURL   string            `json:"thumbnailURL,omitempty"`
	Shortcode      string            `json:"shortcode,omitempty"`
	Ts             time.Time         `json:"ts,omitempty"`
	Seq            int64             `json:"seq,omitempty"`
	Children       []string          `json:"children,omitempty"`
	CarouselChild  bool              `json:"carouselChild,omitempty"`
	ReplyToID      string            `json:"replyToID,omitempty"`
	RootID         string            `json:"rootID,omitempty"`
	QuoteID        string            `json:"quoteID,omitempty"`
	RepostedID     string            `json:"repostedID,omitempty"`
	TopicTag       string            `json:"topicTag,omitempty"`
	ReplyAudience  string            `json:"replyAudience,omitempty"`
	AltText        string            `json:"altText,omitempty"`
	LinkURL        string            `json:"linkURL,omitempty"`
	GifURL         string            `json:"gifURL,omitempty"`
	Poll           map[string]string `json:"poll,omitempty"`
	TextEntities   json.RawMessage   `json:"textEntities,omitempty"`
	TextAttachment json.RawMessage   `json:"textAttachment,omitempty"`
	Spoiler        bool              `json:"spoiler,omitempty"`
	LocationID     string            `json:"locationID,omitempty"`
	Countries      []string          `json:"countries,omitempty"`
	Ghost          bool              `json:"ghost,omitempty"`
	GhostExpiry    time.Time         `json:"ghostExpiry,omitempty"`
	HideStatus     string            `json:"hideStatus,omitempty"`
	Approval       string            `json:"approval,omitempty"`
	ReplyApprovals bool              `json:"replyApprovals,omitempty"`
	Deleted        bool              `json:"deleted,omitempty"`
}

func (x *mediaObj) state() mediaObjState {
	return mediaObjState{
		ID:             x.id,
		OwnerID:        x.ownerID,
		ContainerID:    x.containerID,
		MediaType:      x.mediaType,
		Text:           x.text,
		MediaURL:       x.mediaURL,
		ThumbnailURL:   x.thumbnailURL,
		Shortcode:      x.shortcode,
		Ts:             x.ts,
		Seq:            x.seq,
		Children:       x.children,
		CarouselChild:  x.carouselChild,
		ReplyToID:      x.replyToID,
		RootID:         x.rootID,
		QuoteID:        x.quoteID,
		RepostedID:     x.repostedID,
		TopicTag:       x.topicTag,
		ReplyAudience:  x.replyAudience,
		AltText:        x.altText,
		LinkURL:        x.linkURL,
		GifURL:         x.gifURL,
		Poll:           x.poll,
		TextEntities:   x.textEntities,
		TextAttachment: x.textAttachment,
		Spoiler:        x.spoiler,
		LocationID:     x.locationID,
		Countries:      x.countries,
		Ghost:          x.ghost,
		GhostExpiry:    x.ghostExpiry,
		HideStatus:     x.hideStatus,
		Approval:       x.approval,
		ReplyApprovals: x.replyApprovals,
		Deleted:        x.deleted,
	}
}

func (x mediaObjState) record() *mediaObj {
	return &mediaObj{
		id:             x.ID,
		ownerID:        x.OwnerID,
		containerID:    x.ContainerID,
		mediaType:      x.MediaType,
		text:           x.Text,
		mediaURL:       x.MediaURL,
		thumbnailURL:   x.ThumbnailURL,
		shortcode:      x.Shortcode,
		ts:             x.Ts,
		seq:            x.Seq,
		children:       x.Children,
		carouselChild:  x.CarouselChild,
		replyToID:      x.ReplyToID,
		rootID:         x.RootID,
		quoteID:        x.QuoteID,
		repostedID:     x.RepostedID,
		topicTag:       x.TopicTag,
		replyAudience:  x.ReplyAudience,
		altText:        x.AltText,
		linkURL:        x.LinkURL,
		gifURL:         x.GifURL,
		poll:           x.Poll,
		textEntities:   x.TextEntities,
		textAttachment: x.TextAttachment,
		spoiler:        x.Spoiler,
		locationID:     x.LocationID,
		countries:      x.Countries,
		ghost:          x.Ghost,
		ghostExpiry:    x.GhostExpiry,
		hideStatus:     x.HideStatus,
		approval:       x.Approval,
		replyApprovals: x.ReplyApprovals,
		deleted:        x.Deleted,
	}
}

type userState struct {
	ID        string   `json:"id,omitempty"`
	Username  string   `json:"username,omitempty"`
	Name      string   `json:"name,omitempty"`
	Bio       string   `json:"bio,omitempty"`
	Verified  bool     `json:"verified,omitempty"`
	Followers int      `json:"followers,omitempty"`
	Following []string `json:"following,omitempty"`
	Private   bool     `json:"private,omitempty"`
	// GeoIneligible is UserSpec.GeoGatingIneligible.
	GeoIneligible bool `json:"geoIneligible,omitempty"`
}

func (x *user) state() userState {
	return userState{
		ID:            x.id,
		Username:      x.username,
		Name:          x.name,
		Bio:           x.bio,
		Verified:      x.verified,
		Followers:     x.followers,
		Following:     x.following,
		Private:       x.private,
		GeoIneligible: x.geoIneligible,
	}
}

func (x userState) record() *user {
	return &user{
		id:            x.ID,
		username:      x.Username,
		name:          x.Name,
		bio:           x.Bio,
		verified:      x.Verified,
		followers:     x.Followers,
		following:     x.Following,
		private:       x.Private,
		geoIneligible: x.GeoIneligible,
	}
}

type tokenState struct {
	Value     string          `json:"value,omitempty"`
	UserID    string          `json:"userID,omitempty"`
	AppID     string          `json:"appID,omitempty"`
	Scopes    map[string]bool `json:"scopes,omitempty"`
	IssuedAt  time.Time       `json:"issuedAt,omitempty"`
	ExpiresAt time.Time       `json:"expiresAt,omitempty"`
	Short     bool            `json:"short,omitempty"`
	Revoked   bool            `json:"revoked,omitempty"`
	App       bool            `json:"app,omitempty"`
}

func (x *token) state() tokenState {
	return tokenState{
		Value:     x.value,
		UserID:    x.userID,
		AppID:     x.appID,
		Scopes:    x.scopes,
		IssuedAt:  x.issuedAt,
		ExpiresAt: x.expiresAt,
		Short:     x.short,
		Revoked:   x.revoked,
		App:       x.app,
	}
}

func (x tokenState) record() *token {
	return &token{
		value:     x.Value,
		userID:    x.UserID,
		appID:     x.AppID,
		scopes:    x.Scopes,
		issuedAt:  x.IssuedAt,
		expiresAt: x.ExpiresAt,
		short:     x.Short,
		revoked:   x.Revoked,
		app:       x.App,
	}
}

type appState struct {
	ID        string   `json:"id,omitempty"`
	Secret    string   `json:"secret,omitempty"`
	Redirects []string `json:"redirects,omitempty"`
}

func (x *app) state() appState {
	return appState{
		ID:        x.id,
		Secret:    x.secret,
		Redirects: x.redirects,
	}
}

func (x appState) record() *app {
	return &app{
		id:        x.ID,
		secret:    x.Secret,
		redirects: x.Redirects,
	}
}

type authCodeState struct {
	Code     string    `json:"code,omitempty"`
	AppID    string    `json:"appID,omitempty"`
	Redirect string    `json:"redirect,omitempty"`
	UserID   string    `json:"userID,omitempty"`
	Scopes   []string  `json:"scopes,omitempty"`
	IssuedAt time.Time `json:"issuedAt,omitempty"`
	Used     bool      `json:"used,omitempty"`
}

func (x *authCode) state() authCodeState {
	return authCodeState{
		Code:     x.code,
		AppID:    x.appID,
		Redirect: x.redirect,
		UserID:   x.userID,
		Scopes:   x.scopes,
		IssuedAt: x.issuedAt,
		Used:     x.used,
	}
}

func (x authCodeState) record() *authCode {
	return &authCode{
		code:     x.Code,
		appID:    x.AppID,
		redirect: x.Redirect,
		userID:   x.UserID,
		scopes:   x.Scopes,
		issuedAt: x.IssuedAt,
		used:     x.Used,
	}
}

var (
	_ = json.RawMessage(nil)
	_ = time.Time{}
)
