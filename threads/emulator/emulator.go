package emulator

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"time"
)

// Clock tells the emulator what time it is. Container processing, token
// expiry, code expiry and quota windows are all computed from it.
type Clock interface{ Now() time.Time }

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

// ManualClock is a Clock that only moves when told to; safe for concurrent use.
type ManualClock struct {
	mu sync.Mutex
	t  time.Time
}

// NewManualClock returns a ManualClock set to t.
func NewManualClock(t time.Time) *ManualClock { return &ManualClock{t: t} }

// Now returns the clock's current time.
func (c *ManualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock forward by d.
func (c *ManualClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// Set sets the clock to t.
func (c *ManualClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// ErrorSpec describes a Graph API error: the HTTP status and the members of
// the {"error":{...}} envelope. Zero-valued optional members are omitted.
type ErrorSpec struct {
	HTTPStatus     int
	Code           int
	Subcode        int
	Type           string
	Message        string
	IsTransient    bool
	ErrorUserTitle string
	ErrorUserMsg   string
}

// Predefined error shapes for the Config knobs.
var (
	// ScopeErrorCode10 is the default missing-scope error: HTTP 500, code 10
	// THApiException "Application does not have permission for this action".
	ScopeErrorCode10 = ErrorSpec{HTTPStatus: 500, Code: 10, Type: "THApiException",
		Message: "Application does not have permission for this action"}
	// ScopeError100Sub10 is the alternative missing-scope error observed in
	// third-party code: HTTP 400, code 100, subcode 10.
	ScopeError100Sub10 = ErrorSpec{HTTPStatus: 400, Code: 100, Subcode: 10, Type: "THApiException",
		Message: "This action requires a permission that was not granted to the application"}
	// DefaultGeoGatingNotAvailableError is the default error for
	// allowlisted_country_codes from a user who is not eligible for
	// geo-gating, shaped like the other THREADS_API__ codes.
	DefaultGeoGatingNotAvailableError = ErrorSpec{HTTPStatus: 400, Code: 100, Type: "THApiException",
		Message: "THREADS_API__FEATURE_NOT_AVAILABLE: this account is not eligible for geo-gating (allowlisted_country_codes)"}
	// DefaultLinkLimitError is the default error for more than 5 links.
	DefaultLinkLimitError = ErrorSpec{HTTPStatus: 400, Code: 100, Type: "THApiException",
		Message: "THREADS_API__LINK_LIMIT_EXCEEDED: a post may contain at most 5 unique links"}
	// DefaultQuotaError is the default error for an exhausted quota (modelled
	// on Instagram's code 9 / subcode 2207042). The message is completed per
	// quota when Message is empty.
	DefaultQuotaError = ErrorSpec{HTTPStatus: 400, Code: 9, Subcode: 2207042, Type: "THApiException"}
	// DefaultReplyNotAllowedError is the default answer to a reply outside
	// the post's reply audience: HTTP 400 code 10 (permission), the post's
	// audience named in error_user_msg.
	DefaultReplyNotAllowedError = ErrorSpec{HTTPStatus: 400, Code: 10, Type: "THApiException",
		Message: "The user is not allowed to reply to this post", ErrorUserTitle: "Cannot reply"}
	// QuotaErrorCode4 is the other plausible quota-exhausted shape: Graph's
	// generic throttling code 4 (is_transient). Meta documents none for
	// Threads; code 9 / 2207042 (DefaultQuotaError) comes from Instagram.
	QuotaErrorCode4 = ErrorSpec{HTTPStatus: 400, Code: 4, Type: "OAuthException", IsTransient: true}
	// DefaultPublishConsumedError is the default answer to publishing a
	// container that is already PUBLISHED, or is ERROR or EXPIRED: a
	// non-transient code 100 (so that a naive retry policy does not loop),
	// with the container's status named in error_user_msg.
	DefaultPublishConsumedError = ErrorSpec{HTTPStatus: 400, Code: 100, Type: "OAuthException",
		Message: "The requested resource does not exist", ErrorUserTitle: "Media Not Found"}
)

// Config holds every UNCONFIRMED behaviour of the real API as a knob.
// The zero Config is the default behaviour documented on each field.
type Config struct {
	// MissingScopeError is returned when the token lacks a required scope.
	// Zero: ScopeErrorCode10 (HTTP 500 code 10). ScopeError100Sub10 is the
	// other observed shape.
	MissingScopeError ErrorSpec
	// LinkLimitError is returned at container creation for more than 5
	// unique links. Zero: DefaultLinkLimitError.
	LinkLimitError ErrorSpec
	// QuotaError is returned when a rolling 24 h quota is exhausted.
	// Zero: DefaultQuotaError with a per-quota message.
	QuotaError ErrorSpec
	// RepliesCountAgainstPostQuota makes published replies also consume the
	// 250-post quota. Default: false (separate quotas).
	RepliesCountAgainstPostQuota bool
	// PublishConsumedError is returned when threads_publish is called with a
	// container that is already PUBLISHED, ERROR or EXPIRED.
	// Zero: DefaultPublishConsumedError.
	PublishConsumedError ErrorSpec
	// RevokeOldTokenOnRefresh invalidates the old token when
	// th_refresh_token issues a new one. Default: false (the old token stays
	// valid until its own expiry).
	RevokeOldTokenOnRefresh bool
	// AcceptJSONBody makes the emulator read parameters from an
	// application/json request body. Default: false (Meta documents only
	// query strings and form bodies; a JSON body is ignored).
	AcceptJSONBody bool
	// RateLimitStatus429 makes injected throttling errors (codes 4, 17, 32,
	// 613) without an explicit HTTPStatus answer 429. Default: 400.
	RateLimitStatus429 bool
	// LenientTopicTags turns off the one-topic rule (Meta: "only one topic
	// tag is allowed per post", https://developers.facebook.com/docs/threads/posts):
	// the topic_tag parameter then wins over in-text tags and the first valid
	// in-text tag wins over later ones. Default: false (such posts are
	// rejected with code 100 naming the tags).
	LenientTopicTags bool
	// KeywordSearchOwnPostsOnly makes /keyword_search find only the caller's
	// own posts, as Meta does until threads_keyword_search is approved in App
	// Review (https://developers.facebook.com/docs/threads/keyword-search).
	// Default: false (approved: all public posts).
	KeywordSearchOwnPostsOnly bool
	// ProfileDiscoveryMetaOnly makes profile_lookup and profile_posts resolve
	// only @meta, @threads, @instagram and @facebook, as before
	// threads_profile_discovery is approved. Default: false.
	ProfileDiscoveryMetaOnly bool
	// ReplyNotAllowedError is returned when a reply's author is outside the
	// reply audience of the post replied to (Meta documents no shape).
	// Zero: DefaultReplyNotAllowedError.
	ReplyNotAllowedError ErrorSpec
	// EntityOffsetUnit is the unit of the offset and length of text_entities
	// (spoilers, counted in text) and of text_attachment's
	// text_with_styling_info (counted in plaintext). Meta's spoilers and
	// text-attachments pages do not say. Zero: OffsetCodePoints, the unit
	// the threads client sends (threads.EntityOffsetUnit).
	EntityOffsetUnit OffsetUnit
	// GeoGatingNotAvailableError is returned when allowlisted_country_codes
	// comes from a user who is not eligible for geo-gating (Meta names the
	// code THREADS_API__FEATURE_NOT_AVAILABLE but documents no envelope).
	// Zero: DefaultGeoGatingNotAvailableError.
	GeoGatingNotAvailableError ErrorSpec
}

// OffsetUnit is a unit of text offsets and lengths.
type OffsetUnit string

// Offset units.
const (
	// OffsetCodePoints counts Unicode code points.
	OffsetCodePoints OffsetUnit = "code_points"
	// OffsetUTF16 counts UTF-16 code units (a character outside the Basic
	// Multilingual Plane, such as most emoji, counts 2).
	OffsetUTF16 OffsetUnit = "utf16"
)

type config struct {
	clock      Clock
	demo       bool
	latency    time.Duration
	imageDelay time.Duration
	videoDelay time.Duration
	api        Config
	seed       int64
	prefix     string
	requestLog int
	publishLag time.Duration
	stateFile  string
	faults     []Faults
	webhooks   WebhookConfig
	// download and downloadClient: WithMediaDownload (media.go).
	download       MediaDownload
	downloadClient *http.Client
}

// DefaultRequestLog is how many requests an emulator remembers for Requests
// unless WithRequestLog says otherwise.
const DefaultRequestLog = 4096

// WithRequestLog keeps the last n requests for Requests (default
// DefaultRequestLog); n <= 0 records nothing. Each entry holds a copy of the
// request's parameters and headers, a few KB, so a long-running emulator
// (the sandbox) turns recording off.
func WithRequestLog(n int) Option { return func(cf *config) { cf.requestLog = max(n, 0) } }

// Option configures an Emulator.
type Option func(*config)

// WithClock sets the emulator's clock (default: real time).
func WithClock(c Clock) Option { return func(cf *config) { cf.clock = c } }

// WithDemoWorld seeds the demo world: the sandbox_demo account, its posts,
// replies from other users, a registered demo app and a demo token.
func WithDemoWorld() Option { return func(cf *config) { cf.demo = true } }

// WithLatency adds d of real, context-aware delay to every request.
func WithLatency(d time.Duration) Option { return func(cf *config) { cf.latency = d } }

// WithProcessingDelay sets how long image and video containers stay
// IN_PROGRESS before becoming FINISHED (default 0: FINISHED at once). Text
// and carousel containers are always FINISHED at once.
func WithProcessingDelay(image, video time.Duration) Option {
	return func(cf *config) { cf.imageDelay, cf.videoDelay = image, video }
}

// WithConfig sets the UNCONFIRMED behaviour knobs.
func WithConfig(c Config) Option { return func(cf *config) { cf.api = c } }

// WithTokenPrefix makes every token the emulator issues start with prefix
// (default "THAA", like Meta's). Tests use a sentinel prefix and assert it
// never appears in a log line, an error or a tool result.
func WithTokenPrefix(prefix string) Option { return func(cf *config) { cf.prefix = prefix } }

// WithSeed sets the seed of ids, tokens and demo data (default 1).
func WithSeed(seed int64) Option { return func(cf *config) { cf.seed = seed } }

// Threads permissions, as listed on
// https://developers.facebook.com/docs/threads/get-started/get-access-tokens-and-permissions.
const (
	ScopeBasic            = "threads_basic"
	ScopeContentPublish   = "threads_content_publish"
	ScopeReadReplies      = "threads_read_replies"
	ScopeManageReplies    = "threads_manage_replies"
	ScopeManageInsights   = "threads_manage_insights"
	ScopeKeywordSearch    = "threads_keyword_search"
	ScopeManageMentions   = "threads_manage_mentions"
	ScopeDelete           = "threads_delete"
	ScopeLocationTagging  = "threads_location_tagging"
	ScopeProfileDiscovery = "threads_profile_discovery"
	ScopeShareToInstagram = "threads_share_to_instagram"
)

// Fixed limits and lifetimes of the real API.
const (
	longLivedExpiresIn     = 5183944
	shortLivedTTL          = time.Hour
	authCodeTTL            = time.Hour
	containerTTL           = 24 * time.Hour
	quotaWindow            = 24 * time.Hour
	postQuota              = 250
	replyQuota             = 1000
	deleteQuota            = 100
	locationSearchQuota    = 500
	minListSince           = 1688540400
	minInsightsTime        = 1712991600
	demoFollowerMinimum    = 100
	defaultSeed            = 1
	timeLayout             = "2006-01-02T15:04:05-0700"
	demoRedirectLocalhost  = "https://localhost.threads-mcp.test/callback"
	demoRedirectProduction = "https://threads-mcp.test/callback"
)

// AllScopes lists every Threads permission.
var AllScopes = []string{
	ScopeBasic, ScopeContentPublish, ScopeReadReplies, ScopeManageReplies,
	ScopeManageInsights, ScopeKeywordSearch, ScopeManageMentions, ScopeDelete,
	ScopeLocationTagging, ScopeProfileDiscovery, ScopeShareToInstagram,
}

// DefaultScopes are the scopes this project requests by default.
var DefaultScopes = []string{
	ScopeBasic, ScopeContentPublish, ScopeManageReplies, ScopeReadReplies, ScopeManageInsights,
}

// UserSpec describes a user to add.
type UserSpec struct {
	Username   string
	Name       string
	Biography  string
	IsVerified bool
	// Followers is the follower count reported by insights and profile
	// discovery (at least 100 makes a profile discoverable).
	Followers int
	// Private hides the user's posts from search, mentions and profile
	// discovery.
	Private bool
	// GeoGatingIneligible makes the user ineligible for geo-gating whatever
	// its follower count: GET /me?fields=is_eligible_for_geo_gating answers
	// false and allowlisted_country_codes is refused with
	// Config.GeoGatingNotAvailableError. Otherwise a user with at least 1,000
	// followers (the demo user has 1,200) is eligible.
	GeoGatingIneligible bool
}

// MediaOutcome is the processing outcome of a media URL.
type MediaOutcome struct {
	// Delay is how long the container stays IN_PROGRESS.
	Delay time.Duration
	// ErrorMessage, when set (e.g. "FAILED_DOWNLOADING_VIDEO"), ends
	// processing in ERROR with this error_message; "" means success.
	ErrorMessage string
}

// PublishFault selects a threads_publish failure mode.
type PublishFault int

// Publish faults.
const (
	// PublishOK publishes normally.
	PublishOK PublishFault = iota
	// PublishFault500ButPublished answers HTTP 500 code 10 THApiException
	// although the post IS created and the container is PUBLISHED.
	PublishFault500ButPublished
	// PublishFaultDropAfterCommit creates the post, then drops the
	// connection without a response.
	PublishFaultDropAfterCommit
	// PublishFault500NotPublished answers HTTP 500 code 2 is_transient and
	// publishes nothing.
	PublishFault500NotPublished
)

// Request is a recorded request.
type Request struct {
	Method string
	Path   string
	Query  url.Values
	Form   url.Values
	Header http.Header
	At     time.Time
}

// Post is a snapshot of a published post, reply or repost.
type Post struct {
	ID             string
	UserID         string
	Username       string
	Text           string
	MediaType      string // as read back: TEXT_POST, IMAGE, VIDEO, CAROUSEL_ALBUM, REPOST_FACADE
	MediaURL       string
	ReplyToID      string
	RootID         string
	ContainerID    string
	TopicTag       string
	ReplyAudience  string
	LinkURL        string
	QuotePostID    string
	RepostedID     string
	Children       []string
	HideStatus     string
	ApprovalStatus string // "", "pending" or "ignored"
	IsGhost        bool
	Timestamp      time.Time
}

// ContainerSnapshot is a snapshot of a media container.
type ContainerSnapshot struct {
	ID             string
	UserID         string
	MediaType      string // as requested: TEXT, IMAGE, VIDEO, CAROUSEL
	Status         string
	ErrorMessage   string
	IsCarouselItem bool
	ReplyToID      string
	MediaID        string // the published media id, "" until published
	CreatedAt      time.Time
}

type user struct {
	id, username, name, bio string
	verified                bool
	followers               int
	following               []string // ids of the users this user follows
	private                 bool
	geoIneligible           bool
}

// geoGatingFollowers is the follower count from which the emulator makes a
// user eligible for geo-gating. Meta documents only that eligibility is per
// user ("Only users with access to this feature on threads.com",
// https://developers.facebook.com/docs/threads/posts/geo-gating).
const geoGatingFollowers = 1000

// geoEligible reports whether u may use allowlisted_country_codes.
func (u *user) geoEligible() bool { return u.followers >= geoGatingFollowers && !u.geoIneligible }

type token struct {
	value     string
	userID    string
	appID     string
	scopes    map[string]bool
	issuedAt  time.Time
	expiresAt time.Time
	short     bool
	revoked   bool
	app       bool // an app access token
}

type app struct {
	id, secret string
	redirects  []string
}

type authCode struct {
	code, appID, redirect, userID string
	scopes                        []string
	issuedAt                      time.Time
	used                          bool
}

type injection struct {
	method, path string
	spec         ErrorSpec
	drop         bool // drop the connection instead of answering spec
	left         int  // <0: unlimited
}

// Emulator is the in-memory Graph API; safe for concurrent use.
type Emulator struct {
	cfg   config
	clock Clock

	mu            sync.Mutex
	pcg           *rand.PCG
	rng           *rand.Rand
	gen           int64 // bumped by every change to the world; see touch
	store         *stateStore
	nextObjID     int64
	nextUserID    int64
	users         map[string]*user
	userOrder     []string
	tokens        map[string]*token
	apps          map[string]*app
	codes         map[string]*authCode
	containers    map[string]*container
	media         map[string]*mediaObj
	mediaOrder    []*mediaObj
	seq           int64
	quotas        map[string]map[string][]time.Time
	searches      map[string][]searchedKeyword // per user, newest last
	quotaSizes    map[string]int               // overrides of defaultQuotas
	tokenTTL      time.Duration                // lifetime of long-lived tokens issued from now; 0: 60 days
	rateLimit     rateLimit
	calls         []time.Time // recent calls, for rateLimit
	latency       time.Duration
	outcomes      map[string]MediaOutcome
	publishLag    time.Duration
	publishFault  PublishFault
	publishLeft   int
	injections    []*injection
	requests      requestRing
	demoToken     string
	demoUserID    string
	demoAppID     string
	demoAppSecret string
	hooks         *webhooks // deliveries (webhooks.go)
	hooksOn       bool      // false while the world is seeded
	host          mediaHost // staged files and downloads (media.go)
}

// Open returns an empty emulator (or the demo world with WithDemoWorld),
// loading and keeping its world in the WithStateFile file when one is given.
func Open(opts ...Option) (*Emulator, error) {
	cf := config{clock: realClock{}, seed: defaultSeed, prefix: "THAA", requestLog: DefaultRequestLog}
	for _, o := range opts {
		o(&cf)
	}
	pcg := rand.NewPCG(uint64(cf.seed), 0x7468726561647321)
	e := &Emulator{
		cfg:        cf,
		clock:      cf.clock,
		pcg:        pcg,
		rng:        rand.New(pcg),
		nextObjID:  17900000000000000 + cf.seed%1000*1000000000,
		nextUserID: 17841400000000000 + cf.seed%1000*1000000,
		users:      map[string]*user{},
		tokens:     map[string]*token{},
		apps:       map[string]*app{},
		codes:      map[string]*authCode{},
		containers: map[string]*container{},
		media:      map[string]*mediaObj{},
		quotas:     map[string]map[string][]time.Time{},
		searches:   map[string][]searchedKeyword{},
		latency:    cf.latency,
		outcomes:   map[string]MediaOutcome{},
		requests:   requestRing{max: cf.requestLog},
		publishLag: cf.publishLag,
		hooks:      newWebhooks(cf.webhooks),
	}
	e.host.download, e.host.client = cf.download, cf.downloadClient
	seed := func() {
		if cf.demo {
			e.seedDemo()
		}
	}
	if cf.stateFile == "" {
		seed()
	} else if err := e.openState(cf.stateFile, seed); err != nil {
		return nil, err
	}
	for _, f := range cf.faults {
		if err := e.ApplyFaults(f); err != nil {
			return nil, fmt.Errorf("emulator faults: %w", err)
		}
	}
	e.mu.Lock()
	e.hooksOn = true
	e.mu.Unlock()
	return e, nil
}

// NewEmulator returns an empty emulator (or the demo world with
// WithDemoWorld). It panics if a WithStateFile file cannot be used; call Open
// to get that as an error.
func NewEmulator(opts ...Option) *Emulator {
	e, err := Open(opts...)
	if err != nil {
		panic(err)
	}
	return e
}

// Handler returns the HTTP handler serving every endpoint at root-relative
// paths (both /v1.0/... and unversioned).
func (e *Emulator) Handler() http.Handler { return http.HandlerFunc(e.serveHTTP) }

// Server is an Emulator behind an httptest.Server on 127.0.0.1.
type Server struct {
	*Emulator
	// URL is the root URL, e.g. http://127.0.0.1:PORT.
	URL string
	srv *httptest.Server
}

// NewServer starts an emulator on a loopback listener.
func NewServer(opts ...Option) *Server {
	e := NewEmulator(opts...)
	srv := httptest.NewServer(e.Handler())
	return &Server{Emulator: e, URL: srv.URL, srv: srv}
}

// OpenServer is NewServer for a state file that may fail to load: Open's
// error instead of a panic.
func OpenServer(opts ...Option) (*Server, error) {
	e, err := Open(opts...)
	if err != nil {
		return nil, err
	}
	srv := httptest.NewServer(e.Handler())
	return &Server{Emulator: e, URL: srv.URL, srv: srv}, nil
}

// BaseURL returns the versioned Graph base, s.URL + "/v1.0".
func (s *Server) BaseURL() string { return s.URL + "/v1.0" }

// Client returns an *http.Client for the server.
func (s *Server) Client() *http.Client { return s.srv.Client() }

// Close shuts the server down and releases the emulator's state file.
func (s *Server) Close() {
	s.srv.Close()
	_ = s.Emulator.Close()
}

// now returns the clock's time; callers may hold e.mu.
func (e *Emulator) now() time.Time { return e.clock.Now() }

// newObjID returns a fresh decimal id for a container or media object.
// Callers hold e.mu.
func (e *Emulator) newObjID() string {
	e.touch()
	e.nextObjID += int64(e.rng.IntN(9000) + 1)
	return strconv.FormatInt(e.nextObjID, 10)
}

const tokenAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// randString returns n seeded random alphanumerics. Callers hold e.mu.
func (e *Emulator) randString(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = tokenAlphabet[e.rng.IntN(len(tokenAlphabet))]
	}
	return string(b)
}

// AddUser adds a user and returns its id (a numeric string).
func (e *Emulator) AddUser(u UserSpec) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.addUserLocked(u)
}

func (e *Emulator) addUserLocked(u UserSpec) string {
	e.touch()
	e.nextUserID += int64(e.rng.IntN(90000) + 1)
	id := strconv.FormatInt(e.nextUserID, 10)
	if u.Username == "" {
		u.Username = "user_" + id[len(id)-6:]
	}
	e.users[id] = &user{id: id, username: u.Username, name: u.Name, bio: u.Biography,
		verified: u.IsVerified, followers: u.Followers, private: u.Private, geoIneligible: u.GeoGatingIneligible}
	e.userOrder = append(e.userOrder, id)
	return id
}

// UserIDByUsername returns the id of the user with that username, or "".
func (e *Emulator) UserIDByUsername(username string) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, id := range e.userOrder {
		if e.users[id].username == username {
			return id
		}
	}
	return ""
}

// IssueToken issues a long-lived-style token for userID with the given
// scopes, valid for ttl from now (ttl <= 0: 60 days).
func (e *Emulator) IssueToken(userID string, scopes []string, ttl time.Duration) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	if ttl <= 0 {
		ttl = e.longLivedTTL()
	}
	return e.issueLocked(userID, "", scopes, ttl, false).value
}

func (e *Emulator) issueLocked(userID, appID string, scopes []string, ttl time.Duration, short bool) *token {
	e.touch()
	now := e.now()
	t := &token{userID: userID, appID: appID, scopes: map[string]bool{}, issuedAt: now,
		expiresAt: now.Add(ttl), short: short}
	for _, s := range scopes {
		t.scopes[s] = true
	}
	for {
		t.value = e.cfg.prefix + e.randString(60)
		if _, dup := e.tokens[t.value]; !dup {
			break
		}
	}
	e.tokens[t.value] = t
	return t
}

// ExpireToken makes token expired as of now.
func (e *Emulator) ExpireToken(tok string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if t, ok := e.tokens[tok]; ok {
		e.touch()
		t.expiresAt = e.now().Add(-time.Second)
	}
}

// RegisterApp registers a Threads app with its secret and valid OAuth
// redirect URIs.
func (e *Emulator) RegisterApp(appID, appSecret string, redirectURIs ...string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.touch()
	e.apps[appID] = &app{id: appID, secret: appSecret, redirects: slices.Clone(redirectURIs)}
}

// DemoToken returns the demo account's token (all scopes, long ttl), or ""
// without WithDemoWorld.
func (e *Emulator) DemoToken() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.demoToken
}

// DemoUserID returns the demo account's id, or "" without WithDemoWorld.
func (e *Emulator) DemoUserID() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.demoUserID
}

// DemoApp returns the registered demo app's id and secret ("" without
// WithDemoWorld). Its redirect URIs are
// https://localhost.threads-mcp.test/callback and https://threads-mcp.test/callback.
func (e *Emulator) DemoApp() (appID, appSecret string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.demoAppID, e.demoAppSecret
}

// SetMediaOutcome sets the processing time and result of containers created
// from mediaURL (image_url or video_url) from now on.
func (e *Emulator) SetMediaOutcome(mediaURL string, o MediaOutcome) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.outcomes[mediaURL] = o
}

// SetPublishLag makes threads_publish answer 24/4279009 until d after the
// container became FINISHED (propagation lag).
func (e *Emulator) SetPublishLag(d time.Duration) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.publishLag = d
}

// SetPublishFault applies f to the next times publish calls (times <= 0:
// until Reset). Only calls that would otherwise succeed (container
// FINISHED, lag passed, quota left) consume a fault; auto_publish_text
// counts as a publish call.
func (e *Emulator) SetPublishFault(f PublishFault, times int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.setPublishFaultLocked(f, times)
}

func (e *Emulator) setPublishFaultLocked(f PublishFault, times int) {
	e.publishFault = f
	e.publishLeft = times
	if times <= 0 {
		e.publishLeft = -1
	}
}

// InjectError makes the next times requests whose method equals method (""
// matches any) and whose path contains pathContains fail with spec
// (times <= 0: until Reset). Injected errors take precedence over
// everything but latency.
func (e *Emulator) InjectError(method, pathContains string, spec ErrorSpec, times int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if times <= 0 {
		times = -1
	}
	e.injections = append(e.injections, &injection{method: method, path: pathContains, spec: spec, left: times})
}

// SetLatency sets the real delay added to every request.
func (e *Emulator) SetLatency(d time.Duration) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.latency = d
}

// Reset clears every fault and limit (latency, media outcomes, publish lag,
// publish faults, dropped connections, injected errors, rate limit, quota
// sizes, token lifetime); data and processing delays are kept.
func (e *Emulator) Reset() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.latency = 0
	e.outcomes = map[string]MediaOutcome{}
	e.publishLag = 0
	e.publishFault, e.publishLeft = PublishOK, 0
	e.injections = nil
	e.rateLimit, e.calls = RateLimit{}, nil
	e.quotaSizes = nil
	e.tokenTTL = 0
}

// Requests returns a copy of the recorded requests, oldest first: the last
// WithRequestLog of them (tokens included as sent).
func (e *Emulator) Requests() []Request {
	e.mu.Lock()
	defer e.mu.Unlock()
	all := e.requests.all()
	out := make([]Request, len(all))
	for i, r := range all {
		out[i] = Request{Method: r.Method, Path: r.Path, Query: cloneValues(r.Query),
			Form: cloneValues(r.Form), Header: r.Header.Clone(), At: r.At}
	}
	return out
}

// ResetRequests forgets the recorded requests.
func (e *Emulator) ResetRequests() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.requests.reset()
}

// requestRing keeps the last max requests.
type requestRing struct {
	max   int
	buf   []Request
	start int // index of the oldest entry once buf is full
}

// recording reports whether the ring keeps anything.
func (r *requestRing) recording() bool { return r.max > 0 }

func (r *requestRing) add(q Request) {
	switch {
	case r.max <= 0:
	case len(r.buf) < r.max:
		r.buf = append(r.buf, q)
	default:
		r.buf[r.start] = q
		r.start = (r.start + 1) % r.max
	}
}

func (r *requestRing) all() []Request {
	return append(slices.Clone(r.buf[r.start:]), r.buf[:r.start]...)
}

func (r *requestRing) reset() { r.buf, r.start = nil, 0 }

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = slices.Clone(vs)
	}
	return out
}

// Posts returns the published, undeleted top-level posts, replies and
// reposts of userID, oldest first.
func (e *Emulator) Posts(userID string) []Post {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []Post
	for _, m := range e.mediaOrder {
		if m.ownerID != userID || m.deleted || m.carouselChild {
			continue
		}
		p := Post{ID: m.id, UserID: m.ownerID, Text: m.text, MediaType: m.mediaType,
			MediaURL: m.mediaURL, ReplyToID: m.replyToID, RootID: m.rootID, ContainerID: m.containerID,
			TopicTag: m.topicTag, ReplyAudience: m.replyAudience, LinkURL: m.linkURL,
			QuotePostID: m.quoteID, RepostedID: m.repostedID, Children: slices.Clone(m.children),
			HideStatus: m.hideStatus, ApprovalStatus: m.approval, IsGhost: m.ghost, Timestamp: m.ts}
		if u := e.users[m.ownerID]; u != nil {
			p.Username = u.username
		}
		out = append(out, p)
	}
	slices.SortStableFunc(out, func(a, b Post) int { return a.Timestamp.Compare(b.Timestamp) })
	return out
}

// Containers returns the containers of userID, oldest first, with their
// status as of now.
func (e *Emulator) Containers(userID string) []ContainerSnapshot {
	e.mu.Lock()
	defer e.mu.Unlock()
	now := e.now()
	var out []ContainerSnapshot
	for _, c := range e.containers {
		if c.userID != userID {
			continue
		}
		st, msg := c.status(now)
		out = append(out, ContainerSnapshot{ID: c.id, UserID: c.userID, MediaType: c.mediaType,
			Status: st, ErrorMessage: msg, IsCarouselItem: c.carouselItem, ReplyToID: c.replyToID,
			MediaID: c.mediaID, CreatedAt: c.createdAt})
	}
	slices.SortFunc(out, func(a, b ContainerSnapshot) int {
		if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
			return c
		}
		return compareIDs(a.ID, b.ID)
	})
	return out
}

// compareIDs orders decimal ids numerically.
func compareIDs(a, b string) int {
	if len(a) != len(b) {
		return len(a) - len(b)
	}
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// jsonString marshals v, for object parameters stored as raw JSON.
func jsonString(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
