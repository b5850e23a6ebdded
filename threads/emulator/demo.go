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
}

// seedPost creates a FINISHED container at ts and publishes it at once,
// bypassing validation, scopes and faults. Callers hold e.mu.
func (e *Emulator) seedPost(c *container, ts time.Time) *mediaObj {
	c.createdAt, c.readyAt = ts, ts
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
