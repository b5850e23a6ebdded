package emulator_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/threads-mcp/threads-mcp/threads"
	"github.com/threads-mcp/threads-mcp/threads/emulator"
)

// TestClientSurfacesAttachmentRefusals sends parameters that slipped past
// every check of the server through the real client and asserts the client
// returns Meta's refusal as a typed *threads.APIError, unretried.
func TestClientSurfacesAttachmentRefusals(t *testing.T) {
	emu := emulator.NewServer(emulator.WithDemoWorld())
	t.Cleanup(emu.Close)
	c := threads.NewClient(threads.WithBaseURL(emu.BaseURL()), threads.WithToken(emu.DemoToken()))
	small := threads.NewClient(threads.WithBaseURL(emu.BaseURL()),
		threads.WithToken(emu.IssueToken(emu.UserIDByUsername("lin_makes"), emulator.AllScopes, time.Hour)))
	parent, _, err := c.CreateContainer(t.Context(), threads.ContainerParams{MediaType: threads.MediaTypeText, Text: "parent", AutoPublishText: true})
	if err != nil {
		t.Fatal(err)
	}
	const txt = "secret 😀😀" // 9 code points, 11 UTF-16 units
	start := strings.Index(txt, "😀")
	utf16Offset, utf16Len, err := threads.EntityRange(txt, start, len(txt), threads.OffsetUTF16)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		client *threads.Client
		p      threads.ContainerParams
		msg    string
		param  string
	}{
		{"poll option of 26", c, threads.ContainerParams{MediaType: threads.MediaTypeText, Text: "q",
			PollAttachment: &threads.PollAttachment{OptionA: "yes", OptionB: strings.Repeat("n", 26)}},
			"Param poll_attachment.option_b must be 1 to 25 characters long", "poll_attachment.option_b"},
		{"GIF and link", c, threads.ContainerParams{MediaType: threads.MediaTypeText, Text: "q", LinkAttachment: "https://a.example",
			GIFAttachment: &threads.GIFAttachment{GIFID: "x", Provider: "GIPHY"}},
			"Param gif_attachment cannot be combined with link_attachment", "gif_attachment"},
		{"spoiler in UTF-16 units", c, threads.ContainerParams{MediaType: threads.MediaTypeText, Text: txt,
			TextEntities: []threads.TextEntity{{EntityType: threads.EntityTypeSpoiler, Offset: utf16Offset, Length: utf16Len}}},
			"Param text_entities range (offset 7, length 4) is outside text (9 code_points)", "text_entities"},
		{"ghost reply", c, threads.ContainerParams{MediaType: threads.MediaTypeText, Text: "q", IsGhostPost: true, ReplyToID: parent.ID},
			"Param is_ghost_post cannot be used on a reply", "is_ghost_post"},
		{"unknown location", c, threads.ContainerParams{MediaType: threads.MediaTypeText, Text: "q", LocationID: "112233"},
			"Param location_id is not a valid location ID", "location_id"},
		{"not eligible for geo-gating", small, threads.ContainerParams{MediaType: threads.MediaTypeText, Text: "q", AllowlistedCountryCodes: []string{"US"}},
			"THREADS_API__FEATURE_NOT_AVAILABLE: this account is not eligible for geo-gating (allowlisted_country_codes)", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			emu.ResetRequests()
			_, _, err := tc.client.CreateContainer(t.Context(), tc.p)
			var ae *threads.APIError
			if !errors.As(err, &ae) {
				t.Fatalf("err = %v (%T), want *threads.APIError", err, err)
			}
			if ae.HTTPStatus != http.StatusBadRequest || ae.Code != 100 || ae.Type != "THApiException" || ae.Message != tc.msg {
				t.Errorf("got HTTP %d code %d %s %q\nwant HTTP 400 code 100 THApiException %q", ae.HTTPStatus, ae.Code, ae.Type, ae.Message, tc.msg)
			}
			if ae.Kind() != threads.KindInvalidParameter || ae.Retryable() {
				t.Errorf("kind %v, retryable %v; want invalid parameter, not retryable", ae.Kind(), ae.Retryable())
			}
			if ae.Param() != tc.param {
				t.Errorf("Param() = %q, want %q", ae.Param(), tc.param)
			}
			if n := len(emu.Requests()); n != 1 {
				t.Errorf("%d requests, want 1 (no retry)", n)
			}
		})
	}
}

// TestClientSpoilersMatchEmulatorUnit: the spoilers the client builds
// (threads.SpoilerEntity, in threads.EntityOffsetUnit) are accepted by the
// emulator's default unit, including a range ending at the end of a text
// with emoji.
func TestClientSpoilersMatchEmulatorUnit(t *testing.T) {
	emu := emulator.NewServer(emulator.WithDemoWorld())
	t.Cleanup(emu.Close)
	c := threads.NewClient(threads.WithBaseURL(emu.BaseURL()), threads.WithToken(emu.DemoToken()))
	const txt = "secret 😀😀"
	ent, err := threads.SpoilerEntity(txt, strings.Index(txt, "😀"), len(txt))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.CreateContainer(t.Context(), threads.ContainerParams{MediaType: threads.MediaTypeText, Text: txt,
		TextEntities: []threads.TextEntity{ent}}); err != nil {
		t.Fatalf("client spoiler %+v refused: %v", ent, err)
	}
}
