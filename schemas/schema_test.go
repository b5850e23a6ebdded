package schemas

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	santhosh "github.com/santhosh-tekuri/jsonschema/v6"
)

// argTypes lists every tool Args type with a valid sample.
var argTypes = []struct {
	name  string
	new   func() any
	valid string
}{
	{"publish_text", func() any { return &PublishTextArgs{} }, `{"text":"Hello #go","reply_control":"everyone","quote_post_id":"123"}`},
	{"publish_carousel", func() any { return &PublishCarouselArgs{} }, `{"items":[{"type":"image","url":"https://a.com/1.jpg"},{"type":"video","url":"https://a.com/2.mp4","alt_text":"x"}],"text":"hi"}`},
	{"reply", func() any { return &ReplyArgs{} }, `{"reply_to_id":"1","text":"thanks"}`},
	{"set_reply_control", func() any { return &SetReplyControlArgs{} }, `{"value":"mentioned_only"}`},
	{"get_insights", func() any { return &GetInsightsArgs{} }, `{"metrics":["views","likes"],"since":"2025-01-01"}`},
	{"list_replies", func() any { return &ListRepliesArgs{} }, `{"post_id":"1","limit":10}`},
}

// resultTypes lists every tool Result type.
var resultTypes = []any{PostResult{}, CarouselResult{}, ReplyResult{}, SetReplyControlResult{}, InsightsResult{}, ListRepliesResult{}}

// walkJSON calls fn on every object in a decoded JSON document.
func walkJSON(v any, fn func(map[string]any)) {
	switch x := v.(type) {
	case map[string]any:
		fn(x)
		for _, e := range x {
			walkJSON(e, fn)
		}
	case []any:
		for _, e := range x {
			walkJSON(e, fn)
		}
	}
}

func decodeSchema(t *testing.T, raw json.RawMessage) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("schema is not JSON: %v", err)
	}
	return m
}

func TestSchemasAreFlatObjects(t *testing.T) {
	t.Parallel()
	check := func(name string, raw json.RawMessage, input bool) {
		m := decodeSchema(t, raw)
		if m["type"] != "object" {
			t.Errorf("%s: root type %v, want object", name, m["type"])
		}
		if _, ok := m["properties"].(map[string]any); !ok {
			t.Errorf("%s: no properties", name)
		}
		walkJSON(m, func(o map[string]any) {
			for _, k := range []string{"$ref", "$defs", "$schema", "$id", "allOf", "anyOf", "oneOf", "definitions"} {
				if _, ok := o[k]; ok {
					t.Errorf("%s: schema holds %q", name, k)
				}
			}
			if o["type"] == "object" {
				ap, has := o["additionalProperties"]
				if input && ap != false {
					t.Errorf("%s: object without additionalProperties false: %v", name, o)
				}
				if !input && has {
					t.Errorf("%s: output object restricts additionalProperties", name)
				}
			}
		})
	}
	for _, at := range argTypes {
		raw, err := InputSchema(at.new())
		if err != nil {
			t.Fatalf("%s: %v", at.name, err)
		}
		check(at.name, raw, true)
	}
	for _, rt := range resultTypes {
		raw, err := OutputSchema(rt)
		if err != nil {
			t.Fatalf("%T: %v", rt, err)
		}
		check(fmt.Sprintf("%T", rt), raw, false)
	}
}

func TestOutputSchemasInlineEmbedded(t *testing.T) {
	t.Parallel()
	props := func(v any) []string {
		m := decodeSchema(t, MustOutputSchema(v))
		var names []string
		for k := range m["properties"].(map[string]any) {
			names = append(names, k)
		}
		slices.Sort(names)
		return names
	}
	carousel := props(CarouselResult{})
	for _, want := range []string{"replayed", "id", "permalink", "reply_control", "published_at", "item_container_ids"} {
		if !slices.Contains(carousel, want) {
			t.Errorf("CarouselResult schema lacks %q (embedded structs not inlined): %q", want, carousel)
		}
	}
	for _, name := range []string{"ResultMeta", "PostResult"} {
		if slices.Contains(carousel, name) {
			t.Errorf("CarouselResult schema has a %q property", name)
		}
	}
	if r := props(ReplyResult{}); !slices.Contains(r, "reply_to_id") || !slices.Contains(r, "permalink") {
		t.Errorf("ReplyResult properties %q", r)
	}
	// The envelope fields of every result are described once, in the
	// server's instructions, not in each output schema.
	if r := props(ListRepliesResult{}); !slices.Contains(r, "replies") || slices.Contains(r, "token_days_left") || slices.Contains(r, "sandbox") {
		t.Errorf("ListRepliesResult properties %q", r)
	}
}

// prop returns the schema of property path (dot-separated; "[]" for items).
func prop(t *testing.T, v any, path string) map[string]any {
	t.Helper()
	s := decodeSchema(t, MustInputSchema(v))
	for _, p := range strings.Split(path, ".") {
		if p == "[]" {
			s = s["items"].(map[string]any)
			continue
		}
		next, ok := s["properties"].(map[string]any)[p].(map[string]any)
		if !ok {
			t.Fatalf("%T: no property %s", v, path)
		}
		s = next
	}
	return s
}

// selfDescribing are the properties whose name and schema keywords say
// what they are (limit's range and default are keywords, post_id's shape
// is its pattern).
var selfDescribing = map[string]bool{"limit": true, "post_id": true}

func TestInputSchemaKeywords(t *testing.T) {
	t.Parallel()
	enum5 := []any{"everyone", "accounts_you_follow", "mentioned_only", "parent_post_author_only", "followers_only"}
	tests := []struct {
		v    any
		path string
		key  string
		want any
	}{
		{PublishTextArgs{}, "text", "maxLength", float64(MaxTextBytes)},
		{PublishTextArgs{}, "text", "minLength", 1.0},
		{PublishTextArgs{}, "link_attachment", "format", "uri"},
		{PublishTextArgs{}, "reply_control", "enum", enum5},
		{PublishTextArgs{}, "quote_post_id", "pattern", IDPattern},
		{PublishCarouselArgs{}, "items", "minItems", 2.0},
		{PublishCarouselArgs{}, "items", "maxItems", 20.0},
		{PublishCarouselArgs{}, "items.[].url", "format", "uri"},
		{PublishCarouselArgs{}, "items.[].type", "enum", []any{"image", "video"}},
		{PublishCarouselArgs{}, "items.[].alt_text", "maxLength", 1000.0},
		{PublishCarouselArgs{}, "text", "maxLength", float64(MaxTextBytes)},
		{PublishCarouselArgs{}, "reply_control", "enum", enum5},
		{ReplyArgs{}, "reply_to_id", "pattern", IDPattern},
		{ReplyArgs{}, "image_url", "format", "uri"},
		{ReplyArgs{}, "video_url", "format", "uri"},
		{ReplyArgs{}, "text", "maxLength", float64(MaxTextBytes)},
		{SetReplyControlArgs{}, "value", "enum", enum5},
		{SetReplyControlArgs{}, "post_id", "pattern", IDPattern},
		{GetInsightsArgs{}, "metrics.[]", "enum", []any{"views", "likes", "replies", "reposts", "quotes", "shares", "clicks", "followers_count", "follower_demographics"}},
		{GetInsightsArgs{}, "breakdown", "enum", []any{"country", "city", "age", "gender"}},
		{GetInsightsArgs{}, "post_id", "pattern", IDPattern},
		{ListRepliesArgs{}, "scope", "enum", []any{"direct", "conversation"}},
		{ListRepliesArgs{}, "order", "enum", []any{"newest", "oldest"}},
		{ListRepliesArgs{}, "limit", "minimum", 1.0},
		{ListRepliesArgs{}, "limit", "maximum", 100.0},
		{ListRepliesArgs{}, "limit", "default", 25.0},
		{ListRepliesArgs{}, "post_id", "pattern", IDPattern},
	}
	for _, tt := range tests {
		got := prop(t, tt.v, tt.path)[tt.key]
		gb, _ := json.Marshal(got)
		wb, _ := json.Marshal(tt.want)
		if string(gb) != string(wb) {
			t.Errorf("%T %s.%s = %s, want %s", tt.v, tt.path, tt.key, gb, wb)
		}
	}
	required := map[string][]any{
		"publish_text":      {"text"},
		"publish_carousel":  {"items"},
		"reply":             {"reply_to_id"},
		"set_reply_control": {"value"},
		"get_insights":      nil,
		"list_replies":      {"post_id"},
	}
	for _, at := range argTypes {
		m := decodeSchema(t, MustInputSchema(at.new()))
		got, _ := m["required"].([]any)
		if !slices.Equal(got, required[at.name]) {
			t.Errorf("%s required = %v, want %v", at.name, got, required[at.name])
		}
		for name, p := range m["properties"].(map[string]any) {
			ps := p.(map[string]any)
			d, _ := ps["description"].(string)
			_, enum := ps["enum"]
			// A shared argument is explained once (SharedArgs); a property
			// with an enum, or one whose name and limits say it all, needs
			// no words of its own.
			if d == "" && SharedArgDoc(name) == "" && !enum && !selfDescribing[name] {
				t.Errorf("%s.%s has no description", at.name, name)
			}
		}
	}
	if got := prop(t, CarouselItemArgs{}, "url"); got["format"] != "uri" {
		t.Errorf("CarouselItemArgs url = %v", got)
	}
}

func TestSchemaErrors(t *testing.T) {
	t.Parallel()
	for _, v := range []any{nil, 3, []string{}, new(int)} {
		if _, err := InputSchema(v); err == nil {
			t.Errorf("InputSchema(%T) succeeded", v)
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("MustOutputSchema(nil) did not panic")
		}
	}()
	MustOutputSchema(nil)
}

func TestValidator(t *testing.T) {
	t.Parallel()
	for _, at := range argTypes {
		v, err := NewValidator(MustInputSchema(at.new()))
		if err != nil {
			t.Fatalf("%s: %v", at.name, err)
		}
		if err := v.Validate(json.RawMessage(at.valid)); err != nil {
			t.Errorf("%s: valid sample rejected: %v", at.name, err)
		}
	}
	carousel, err := NewValidator(MustInputSchema(PublishCarouselArgs{}))
	if err != nil {
		t.Fatal(err)
	}
	text, err := NewValidator(MustInputSchema(&PublishTextArgs{}))
	if err != nil {
		t.Fatal(err)
	}
	replies, err := NewValidator(MustInputSchema(ListRepliesArgs{}))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		v    *Validator
		args string
		want []string // "field: rule" pairs
		msg  []string // substrings of the joined message
	}{
		{"missing required", text, `{}`, []string{"text: required"}, []string{`Fix: add "text": any post's, caption's, reply's or thread part's text: up to 500 counted characters`}},
		{"empty args", text, ``, []string{"text: required"}, nil},
		{"null args", text, `null`, []string{"text: required"}, nil},
		{"not an object", text, `[1]`, []string{"arguments: wrong type"}, []string{"not an object"}},
		{"invalid json", text, `{"text":`, []string{"arguments: invalid JSON"}, nil},
		{"unknown field", text, `{"text":"a","Text":"b"}`, []string{"Text: unknown field"}, []string{"allowed fields: account, allowlisted_country_codes, enable_reply_approvals, ghost, gif, idempotency_key, link_attachment, location_id, poll, quote_post_id, reply_control, share_to_instagram_story, spoilers, text, text_attachment, topic_tag"}},
		{"wrong type", text, `{"text":5}`, []string{"text: wrong type"}, []string{"got number 5, want string"}},
		{"enum", text, `{"text":"a","reply_control":"all"}`, []string{"reply_control: not an allowed value"}, []string{"allowed: everyone, accounts_you_follow"}},
		{"pattern", text, `{"text":"a","quote_post_id":"12a"}`, []string{"quote_post_id: invalid format"}, []string{"1 to 30 digits"}},
		{"format uri", text, `{"text":"a","link_attachment":"not a url"}`, []string{"link_attachment: invalid uri"}, []string{`"not a url" is not a valid uri`}},
		{"text over the byte bound", text, `{"text":"Z` + strings.Repeat("\u0300", MaxTextBytes) + `"}`, []string{"text: too large"}, []string{"10001 UTF-8 bytes, limit 5000"}},
		{"min items and nested", carousel, `{"items":[{"type":"gif","url":"x","extra":1}]}`,
			[]string{"items: too few items", "items[0].type: not an allowed value", "items[0].url: invalid uri", "items[0].extra: unknown field"},
			[]string{"allowed fields: alt_text, data, path, type, upload_id, url"}},
		{"max items", carousel, `{"items":[` + strings.TrimSuffix(strings.Repeat(`{"type":"image","url":"https://a.com/x.jpg"},`, 21), ",") + `]}`, []string{"items: too many items"}, []string{"got 21, maximum 20"}},
		{"minimum", replies, `{"post_id":"1","limit":0}`, []string{"limit: out of range"}, []string{"got 0, minimum 1"}},
		{"maximum", replies, `{"post_id":"1","limit":500}`, []string{"limit: out of range"}, []string{"got 500, maximum 100"}},
		{"integer", replies, `{"post_id":"1","limit":2.5}`, []string{"limit: wrong type"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.v.Validate(json.RawMessage(tt.args))
			wantRules(t, err, tt.want...)
			for _, m := range tt.msg {
				if !strings.Contains(err.Error(), m) {
					t.Errorf("message %q lacks %q", err, m)
				}
			}
		})
	}
}

// TestValidatorTextCountsGraphemes: 400 Devanagari clusters of 2 code points
// each exceed 500 code points but count 400 (CountText charges a letter with
// its vowel sign as one character).
func TestValidatorTextCountsGraphemes(t *testing.T) {
	t.Parallel()
	v, err := NewValidator(MustInputSchema(PublishTextArgs{}))
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Repeat("कि", 400)
	raw, _ := json.Marshal(map[string]string{"text": text})
	if err := v.Validate(raw); err != nil {
		t.Errorf("Validate rejected 400 counted characters: %v", err)
	}
	a := PublishTextArgs{Text: text}
	if err := a.Validate(); err != nil {
		t.Errorf("PublishTextArgs.Validate rejected 400 counted characters: %v", err)
	}
}

func TestNewValidatorErrors(t *testing.T) {
	t.Parallel()
	for _, s := range []string{`{`, `{"type":"nope"}`, `{"pattern":"("}`} {
		if _, err := NewValidator(json.RawMessage(s)); err == nil {
			t.Errorf("NewValidator(%s) succeeded", s)
		}
	}
}

func TestDecode(t *testing.T) {
	t.Parallel()
	var a PublishCarouselArgs
	err := Decode(json.RawMessage(`{"items":[{"type":"image","url":"https://a.com/1.jpg","alt_text":"x"},{"type":"video","url":"https://a.com/2.mp4"}],"text":"hi","topic_tag":null}`), &a)
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	if len(a.Items) != 2 || a.Items[0].AltText != "x" || a.Items[1].Type != "video" || a.Text != "hi" {
		t.Errorf("decoded %+v", a)
	}
	var empty SetReplyControlArgs
	if err := Decode(nil, &empty); err != nil {
		t.Errorf("Decode(nil) = %v", err)
	}
	tests := []struct {
		name string
		dst  any
		args string
		want []string
		msg  []string
	}{
		{"unknown field", &PublishTextArgs{}, `{"text":"a","topic":"go"}`, []string{"topic: unknown field"}, []string{"allowed fields: text, topic_tag, link_attachment, reply_control, quote_post_id"}},
		{"case-sensitive", &PublishTextArgs{}, `{"Text":"a"}`, []string{"Text: unknown field"}, nil},
		{"nested unknown", &PublishCarouselArgs{}, `{"items":[{"type":"image","url":"u","size":3}]}`, []string{"items[0].size: unknown field"}, []string{"allowed fields: type, url, path, upload_id, data, alt_text"}},
		{"wrong type string", &PublishTextArgs{}, `{"text":["a"]}`, []string{"text: wrong type"}, []string{`got array ["a"], want string`}},
		{"wrong type int", &ListRepliesArgs{}, `{"post_id":"1","limit":"25"}`, []string{"limit: wrong type"}, []string{`got string "25", want integer`}},
		{"fraction", &ListRepliesArgs{}, `{"post_id":"1","limit":2.5}`, []string{"limit: wrong type"}, nil},
		{"overflow", &ListRepliesArgs{}, `{"limit":1e40}`, []string{"limit: wrong type"}, nil},
		{"array expected", &GetInsightsArgs{}, `{"metrics":"views"}`, []string{"metrics: wrong type"}, []string{"want array"}},
		{"array item type", &GetInsightsArgs{}, `{"metrics":["views",3]}`, []string{"metrics[1]: wrong type"}, nil},
		{"object expected", &PublishCarouselArgs{}, `{"items":["https://a.com"]}`, []string{"items[0]: wrong type"}, []string{"want object"}},
		{"not an object", &PublishTextArgs{}, `"hi"`, []string{"arguments: wrong type"}, nil},
		{"syntax", &PublishTextArgs{}, `{"text":"a",}`, []string{"arguments: invalid JSON"}, nil},
		{"trailing data", &PublishTextArgs{}, `{"text":"a"} {}`, []string{"arguments: invalid JSON"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := Decode(json.RawMessage(tt.args), tt.dst)
			wantRules(t, err, tt.want...)
			for _, m := range tt.msg {
				if !strings.Contains(err.Error(), m) {
					t.Errorf("message %q lacks %q", err, m)
				}
			}
		})
	}
	for _, dst := range []any{nil, PublishTextArgs{}, new(int), (*PublishTextArgs)(nil)} {
		err := Decode(json.RawMessage(`{}`), dst)
		if err == nil || AsFieldErrors(err) != nil {
			t.Errorf("Decode into %T = %v, want a plain error", dst, err)
		}
	}
	var fe *FieldError
	if !errors.As(Decode(json.RawMessage(`{"x":1}`), &PublishTextArgs{}), &fe) {
		t.Error("Decode error is not a *FieldError")
	}
}

// TestDecodeEmbedded: fields of embedded structs are accepted at the top level.
func TestDecodeEmbedded(t *testing.T) {
	t.Parallel()
	var r CarouselResult
	if err := Decode(json.RawMessage(`{"id":"1","sandbox":true,"token_days_left":3,"item_container_ids":["2"]}`), &r); err != nil {
		t.Fatal(err)
	}
	if r.ID != "1" || !r.Sandbox || r.TokenDaysLeft == nil || *r.TokenDaysLeft != 3 || len(r.ItemContainerIDs) != 1 {
		t.Errorf("decoded %+v", r)
	}
}

// strictValidate validates args against schema with santhosh-tekuri/jsonschema
// alone, as a strict client would: no FieldError conversion, no special case.
func strictValidate(t *testing.T, schema json.RawMessage, args any) error {
	t.Helper()
	doc, err := santhosh.UnmarshalJSON(bytes.NewReader(schema))
	if err != nil {
		t.Fatal(err)
	}
	c := santhosh.NewCompiler()
	c.DefaultDraft(santhosh.Draft2020)
	c.AssertFormat()
	if err := c.AddResource("mem:///s.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("mem:///s.json")
	if err != nil {
		t.Fatal(err)
	}
	raw, err := json.Marshal(args)
	if err != nil {
		t.Fatal(err)
	}
	inst, err := santhosh.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	return sch.Validate(inst)
}

// TestTextSchemaAgreesWithServer: the published schema never refuses a text
// the server accepts, and the server refuses what the schema refuses.
func TestTextSchemaAgreesWithServer(t *testing.T) {
	t.Parallel()
	// 500 counted Devanagari characters: "कि" (ka + vowel sign i) is one
	// cluster costing 1, so 250 of them plus 250 "न" is 500 counted, 750
	// code points and 2,250 bytes.
	devanagari := strings.Repeat("कि", 250) + strings.Repeat("न", 250)
	// Thai: "ที่" (tho thahan + sara ii + mai ek) is one cluster of 3 code points.
	thai := strings.Repeat("ที่", 500)
	// "Z" with MaxTextBytes combining grave accents: counts 1, 10,001 bytes.
	bomb := "Z" + strings.Repeat("\u0300", MaxTextBytes)
	tests := []struct {
		name       string
		text       string
		counted    int
		serverOK   bool
		strictOK   bool
		serverRule string
	}{
		{"devanagari 500 counted", devanagari, 500, true, true, ""},
		{"thai 500 counted", thai, 500, true, true, ""},
		{"ascii 500", strings.Repeat("a", 500), 500, true, true, ""},
		{"ascii 501", strings.Repeat("a", 501), 501, false, true, "text: too long"},
		{"combining-mark bomb", bomb, 1, false, false, "text: too large"},
		{"exactly the byte bound", "Z" + strings.Repeat("\u0300", (MaxTextBytes-1)/2), 1, true, true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := CountText(tt.text).Length; got != tt.counted {
				t.Fatalf("CountText = %d, want %d", got, tt.counted)
			}
			for _, at := range []struct {
				name string
				args interface{ Validate() error }
				sch  json.RawMessage
				raw  map[string]any
			}{
				{"publish_text", &PublishTextArgs{Text: tt.text}, MustInputSchema(PublishTextArgs{}), map[string]any{"text": tt.text}},
				{"publish_carousel", &PublishCarouselArgs{Text: tt.text, Items: items(2)}, MustInputSchema(PublishCarouselArgs{}),
					map[string]any{"text": tt.text, "items": []map[string]string{{"type": "image", "url": "https://a.com/1.jpg"}, {"type": "image", "url": "https://a.com/2.jpg"}}}},
				{"reply", &ReplyArgs{Text: tt.text, ReplyToID: "1"}, MustInputSchema(ReplyArgs{}), map[string]any{"text": tt.text, "reply_to_id": "1"}},
			} {
				err := at.args.Validate()
				if tt.serverOK && err != nil {
					t.Errorf("%s: server refused: %v", at.name, err)
				}
				if !tt.serverOK {
					wantRules(t, err, tt.serverRule)
				}
				serr := strictValidate(t, at.sch, at.raw)
				if tt.strictOK != (serr == nil) {
					t.Errorf("%s: strict schema validation = %v, want ok=%v", at.name, serr, tt.strictOK)
				}
				if tt.serverOK && serr != nil {
					t.Errorf("%s: the schema refuses a text the server accepts", at.name)
				}
			}
		})
	}
}

func TestTextBytesErrorMessage(t *testing.T) {
	t.Parallel()
	a := PublishTextArgs{Text: "Z" + strings.Repeat("\u0300", MaxTextBytes)}
	err := a.Validate()
	if err == nil {
		t.Fatal("the combining-mark bomb was accepted")
	}
	got := err.Error()
	want := `text: too large: 10001 UTF-8 bytes, limit 5000 (besides the limit of 500 counted characters, the server bounds the size); ` +
		`the character at byte 0 carries 5000 combining code points (10001 bytes) but counts as 1. ` +
		`Fix: shorten it by at least 5001 bytes, and remove the stacked combining marks.`
	if got != want {
		t.Errorf("message:\n got %s\nwant %s", got, want)
	}
	b := PublishTextArgs{Text: strings.Repeat("कि", 1000)} // 6,000 bytes, counted 1,000
	es := AsFieldErrors(b.Validate())
	if len(es) != 2 || es[0].Rule != "too large" || es[1].Rule != "too long" || strings.Contains(es[0].Error(), "combining") {
		t.Errorf("errors = %v", es)
	}
}

// TestSchedulingFieldMessage: an unknown field that asks for a later publish
// time must not read "remove it" alone, or a model publishes now.
func TestSchedulingFieldMessage(t *testing.T) {
	t.Parallel()
	v, err := NewValidator(MustInputSchema(PublishTextArgs{}))
	if err != nil {
		t.Fatal(err)
	}
	const allowed = "account, allowlisted_country_codes, enable_reply_approvals, ghost, gif, idempotency_key, link_attachment, location_id, poll, quote_post_id, reply_control, share_to_instagram_story, spoilers, text, text_attachment, topic_tag"
	const advice = "Fix: this server cannot schedule posts yet, and its publishing tools publish immediately: " +
		"if the user asked for a later time, do not publish now; tell the user that scheduling is not available here; " +
		"only to publish now, remove it (allowed fields: " + allowed + ")."
	tests := []struct {
		name, want string
	}{
		{"scheduled_publish_time", `scheduled_publish_time: scheduling not supported: "scheduled_publish_time" is not a parameter here. ` + advice},
		{"publish_at", `publish_at: scheduling not supported: "publish_at" is not a parameter here. ` + advice},
		{"schedule", `schedule: scheduling not supported: "schedule" is not a parameter here. ` + advice},
		{"scheduledAt", `scheduledAt: scheduling not supported: "scheduledAt" is not a parameter here. ` + advice},
		{"publishTime", `publishTime: scheduling not supported: "publishTime" is not a parameter here. ` + advice},
		{"colour", `colour: unknown field: "colour" is not a parameter here. Fix: remove it; allowed fields: ` + allowed + "."},
		{"published", `published: unknown field: "published" is not a parameter here. Fix: remove it; allowed fields: ` + allowed + "."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			raw := json.RawMessage(`{"text":"hi",` + strconv.Quote(tt.name) + `:"2030-01-01T09:00:00Z"}`)
			err := v.Validate(raw)
			if err == nil || err.Error() != tt.want {
				t.Errorf("Validate:\n got %v\nwant %s", err, tt.want)
			}
			var a PublishTextArgs
			derr := Decode(raw, &a)
			// Decode lists the fields in declaration order.
			want := strings.Replace(tt.want, "is not a parameter here.", "is not a parameter here (names are case-sensitive).", 1)
			want = strings.Replace(want, allowed, "text, topic_tag, link_attachment, reply_control, quote_post_id, poll, gif, text_attachment, spoilers, ghost, location_id, allowlisted_country_codes, enable_reply_approvals, share_to_instagram_story, account, idempotency_key", 1)
			if derr == nil || derr.Error() != want {
				t.Errorf("Decode:\n got %v\nwant %s", derr, want)
			}
		})
	}
}
