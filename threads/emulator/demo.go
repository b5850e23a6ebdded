package emulator

import (
	"time"
)

// Demo world identifiers.
const (
	// DemoUsername is the demo account's username.
	DemoUsername = "sandbox_demo"
	// DemoAppID is the registered demo app's id.
	DemoAppID = "1600000000000001"
	// DemoAppSecret is the registered demo app's secret.
	DemoAppSecret = "demo-app-secret-0123456789abcdef"
	// DemoRedirectURI is the demo app's primary redirect URI.
	DemoRedirectURI = demoRedirectLocalhost
)

// seedDemo builds the demo world; deterministic for a given seed, with
// timestamps relative to the clock at construction.
func (e *Emulator) seedDemo() {
	e.mu.Lock()
	defer e.mu.Unlock()
	now := e.now()
	at := func(hoursAgo int) time.Time {
		return now.Add(-time.Duration(hoursAgo) * time.Hour).Truncate(time.Second)
	}

	demo := e.addUserLocked(UserSpec{Username: DemoUsername, Name: "Sandbox Demo",
		Biography: "Demo account of the threads-mcp sandbox. Nothing here is real.", Followers: 1200})
	ada := e.addUserLocked(UserSpec{Username: "ada_builds", Name: "Ada Builds", Followers: 340})
	lin := e.addUserLocked(UserSpec{Username: "lin_makes", Name: "Lin Makes", Followers: 95})
	quill := e.addUserLocked(UserSpec{Username: "quill_and_ink", Name: "Quill & Ink", IsVerified: true, Followers: 15800})
	river := e.addUserLocked(UserSpec{Username: "river_runs", Name: "River Runs", Followers: 610})

	e.demoUserID = demo
	e.demoAppID, e.demoAppSecret = DemoAppID, DemoAppSecret
	e.apps[DemoAppID] = &app{id: DemoAppID, secret: DemoAppSecret,
		redirects: []string{demoRedirectLocalhost, demoRedirectProduction}}
	e.demoToken = e.issueLocked(demo, DemoAppID, AllScopes, 10*365*24*time.Hour, false).value

	text := func(uid, body string, h int) *mediaObj {
		return e.seedPost(&container{userID: uid, mediaType: "TEXT", text: body}, at(h))
	}
	reply := func(uid, body string, to *mediaObj, h int) *mediaObj {
		return e.seedPost(&container{userID: uid, mediaType: "TEXT", text: body, replyToID: to.id}, at(h))
	}

	hello := text(demo, "Hello, Threads! 👋 This is the threads-mcp sandbox: everything here is emulated, so feel free to experiment.", 240)
	r1 := reply(ada, "Welcome! Great to see you here.", hello, 239)
	reply(lin, "Hello from the other side 👋", hello, 238)
	r3 := reply(demo, "Thanks Ada!", r1, 237)
	reply(quill, "Nested replies work too.", r3, 236)

	photo := e.seedPost(&container{userID: demo, mediaType: "IMAGE", text: "Morning view from the trail.",
		imageURL: "https://picsum.photos/seed/threads-mcp-lake/1080/1080", altText: "A misty mountain lake at sunrise"}, at(200))
	reply(river, "Stunning photo!", photo, 199)
	q := reply(lin, "Where is this?", photo, 198)
	reply(demo, "Lake Bled, Slovenia.", q, 197)

	var children []string
	for i, seed := range []string{"dunes", "harbor", "market"} {
		ch := &container{userID: demo, mediaType: "IMAGE", carouselItem: true,
			imageURL:  "https://picsum.photos/seed/threads-mcp-" + seed + "/1080/1350",
			altText:   []string{"Sand dunes at dusk", "Boats in a small harbor", "A busy street market"}[i],
			createdAt: at(151), readyAt: at(151)}
		ch.id = e.newObjID()
		e.containers[ch.id] = ch
		children = append(children, ch.id)
	}
	e.seedPost(&container{userID: demo, mediaType: "CAROUSEL", text: "Three shots from the weekend ☀️", children: children}, at(150))

	gopher := e.seedPost(&container{userID: demo, mediaType: "TEXT", topicTag: "golang",
		text: "Shipping a small Go tool this week. Reviews welcome!"}, at(100))
	reply(ada, "LGTM 🚀", gopher, 99)
	reply(river, "Which module layout did you go with?", gopher, 98)

	notes := e.seedPost(&container{userID: demo, mediaType: "TEXT", linkAttachment: "https://modelcontextprotocol.io",
		text: "Notes on building MCP servers: https://modelcontextprotocol.io"}, at(50))
	reply(quill, "Bookmarked.", notes, 49)

	e.seedPost(&container{userID: demo, mediaType: "TEXT", text: "What should I post about next?",
		poll: map[string]string{"option_a": "Go", "option_b": "MCP", "option_c": "Photos"}}, at(5))

	e.seedActivity(demo, ada, lin, quill, river, at)
}

// seedActivity adds two weeks of posts, replies, mentions, quotes, reposts,
// hidden and pending replies and searchable text, so that every read tool has
// something to show in the sandbox. Callers hold e.mu.
func (e *Emulator) seedActivity(demo, ada, lin, quill, river string, at func(int) time.Time) {
	meta := e.addUserLocked(UserSpec{Username: "threads", Name: "Threads", IsVerified: true, Followers: 5000000,
		Biography: "Say more."})
	mira := e.addUserLocked(UserSpec{Username: "mira_private", Name: "Mira", Private: true, Followers: 40})
	follow := func(who string, whom ...string) {
		e.users[who].following = append(e.users[who].following, whom...)
	}
	follow(demo, ada, quill)
	follow(ada, demo, quill)
	follow(lin, demo)
	follow(river, demo, ada)
	follow(mira, demo)

	post := func(c *container, h int) *mediaObj { return e.seedPost(c, at(h)) }
	text := func(uid, body string, h int) *mediaObj {
		return post(&container{userID: uid, mediaType: "TEXT", text: body}, h)
	}
	reply := func(uid, body string, to *mediaObj, h int) *mediaObj {
		return post(&container{userID: uid, mediaType: "TEXT", text: body, replyToID: to.id}, h)
	}

	day1 := post(&container{userID: demo, mediaType: "TEXT", topicTag: "buildinpublic",
		text: "Two weeks of building threads-mcp in public. Day 1: the two-step publishing flow. #buildinpublic"}, 330)
	reply(ada, "Following along!", day1, 329)
	text(ada, "Anyone else testing MCP servers against an emulator? @sandbox_demo does, and it caught real bugs.", 310)
	take := post(&container{userID: demo, mediaType: "TEXT", replyAudience: "ACCOUNTS_YOU_FOLLOW",
		text: "Hot take: small tools with good error messages beat big frameworks."}, 300)
	reply(ada, "Agreed. The error message is the UI.", take, 298)
	reply(quill, "Small tools, sharp words.", take, 296)
	post(&container{userID: demo, mediaType: "VIDEO", text: "A 20-second timelapse of the harbor at dusk.",
		videoURL: "https://videos.threads-emulator.test/harbor-dusk.mp4", altText: "Boats swaying as the light fades"}, 280)
	quillTip := post(&container{userID: quill, mediaType: "TEXT", topicTag: "writing",
		text: "Writing tip: cut every sentence in half, then put back only what you miss. #writing"}, 260)
	text(river, "Trail run at dawn with a golang podcast in my ears.", 220)
	gated := post(&container{userID: demo, mediaType: "TEXT", replyApprovals: true,
		text: "Reply approvals are on for this one: replies wait until I approve them."}, 170)
	reply(ada, "Testing the approval queue.", gated, 169)
	reply(river, "Is this one pending too?", gated, 168)
	ignored := reply(lin, "First!!!", gated, 167)
	ignored.approval = "ignored"
	ask := post(&container{userID: demo, mediaType: "TEXT", replyAudience: "MENTIONED_ONLY",
		text: "Asking @ada_builds and @quill_and_ink: what is your favourite Go testing trick?"}, 120)
	reply(ada, "Table tests plus a fake server. Every time.", ask, 119)
	reply(quill, "t.Cleanup, and never sleeping in a test.", ask, 118)
	text(meta, "Welcome to the Threads API: publish, reply, search and read insights.", 100)
	text(ada, "Go 1.26 is out! Generic type aliases and faster builds. #golang", 90)
	links := text(demo, "Reading list for the weekend: https://go.dev/blog and https://modelcontextprotocol.io/specification", 75)
	reply(river, "Saving this for Saturday.", links, 74)
	text(lin, "@sandbox_demo your carousel from the weekend is great!", 60)
	text(quill, "Threads API tip: poll the container status before you publish, and never retry a publish blindly.", 40)
	post(&container{userID: demo, mediaType: "TEXT", quoteID: quillTip.id,
		text: "This is the best writing advice I know."}, 30)
	generics := post(&container{userID: demo, mediaType: "TEXT", topicTag: "golang",
		text: "Go generics, one year in: fewer interfaces, more type parameters, same readability."}, 20)
	reply(ada, "Same experience here.", generics, 19)
	spam := reply(lin, "Buy followers cheap!!! www.followers-for-sale.example", generics, 18)
	spam.hideStatus = "HIDDEN"
	text(river, "Shoutout to @sandbox_demo for the MCP notes. Clear and practical.", 12)
	text(mira, "@sandbox_demo hi from a private account", 8)
	repost := &mediaObj{id: e.newObjID(), ownerID: demo, mediaType: "REPOST_FACADE", repostedID: quillTip.id, ts: at(6)}
	e.addMedia(repost)
	text(ada, "Lunch-break experiment: an MCP tool that drafts replies. @sandbox_demo want to try it?", 3)
}

// seedPost creates a FINISHED container at ts and publishes it at once,
// bypassing validation, scopes and faults. Callers hold e.mu.
func (e *Emulator) seedPost(c *container, ts time.Time) *mediaObj {
	c.createdAt, c.readyAt = ts, ts
	if tags := extractTags(c.text); c.topicTag == "" && len(tags) > 0 {
		c.topicTag = tags[0]
	}
	c.id = e.newObjID()
	e.containers[c.id] = c
	m := e.commit(c, ts)
	kind := quotaPosts
	if c.replyToID != "" {
		kind = quotaReplies
	}
	e.quotaTake(c.userID, kind, ts)
	return m
}
