package schemas

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/invopop/jsonschema"

	"github.com/threads-mcp/threads-mcp/threads"
)

// Attachment limits, as the Threads client defines them from Meta's docs
// (polls: https://developers.facebook.com/docs/threads/create-posts/polls;
// spoilers: https://developers.facebook.com/docs/threads/create-posts/spoilers).
const (
	MinPollOptions      = threads.MinPollOptions
	MaxPollOptions      = threads.MaxPollOptions
	MaxPollOptionLength = threads.MaxPollOptionLength
	MaxSpoilers         = threads.MaxTextEntities
)

// TextStyles lists the styles of a text_attachment range, from the client.
func TextStyles() []string {
	ts := threads.TextStyles()
	out := make([]string, len(ts))
	for i, s := range ts {
		out[i] = string(s)
	}
	return out
}

// OffsetUnitNote names the unit of text_attachment style offsets, from the
// client's one definition (threads.EntityOffsetUnit): Meta does not state
// it, so it is said wherever offsets are asked for.
func OffsetUnitNote() string {
	if threads.EntityOffsetUnit == threads.OffsetUTF16 {
		return "UTF-16 code units"
	}
	return "Unicode code points"
}

// TextAttachmentArgs is long-form text attached to a text post
// (https://developers.facebook.com/docs/threads/create-posts/text-attachments).
type TextAttachmentArgs struct {
	Plaintext string      `json:"plaintext" jsonschema:"required"`
	Link      string      `json:"link,omitempty" jsonschema_description:"Not with link_attachment."`
	Styles    []StyleArgs `json:"styles,omitempty" jsonschema_description:"Non-overlapping ranges."`
}

// JSONSchemaExtend adds the plaintext and link limits.
func (TextAttachmentArgs) JSONSchemaExtend(s *jsonschema.Schema) {
	if p := property(s, "plaintext"); p != nil {
		n := uint64(10 * MaxTextAttachmentLength)
		p.MaxLength = &n
		p.Description = fmt.Sprintf("At most %d counted characters.", MaxTextAttachmentLength)
	}
	setURL(s, "link", "")
}

// StyleArgs styles one range of a text attachment.
type StyleArgs struct {
	Offset int      `json:"offset"`
	Length int      `json:"length" jsonschema:"required"`
	Styles []string `json:"styles" jsonschema:"required"`
}

// JSONSchemaExtend describes the unit and adds the style enum.
func (StyleArgs) JSONSchemaExtend(s *jsonschema.Schema) {
	if p := property(s, "offset"); p != nil {
		p.Description = "Start, in " + OffsetUnitNote() + " of plaintext."
	}
	if p := property(s, "styles"); p != nil && p.Items != nil {
		p.Items.Enum = make([]any, 0, len(TextStyles()))
		for _, v := range TextStyles() {
			p.Items.Enum = append(p.Items.Enum, v)
		}
	}
}

// ContentAttachments are the attachments a text post or a text reply
// carries (embedded in Attachments and in ReplyArgs): at most one of poll,
// gif and text_attachment, plus text spoilers. Meta's pages restrict the
// three to text-only posts and none of them to top-level posts: a text
// attachment is "long-form writing in a post or a reply"
// (https://developers.facebook.com/docs/threads/create-posts/text-attachments),
// polls go on "text-only posts"
// (https://developers.facebook.com/docs/threads/create-posts/polls) and
// GIFs on text posts (https://developers.facebook.com/docs/threads/posts),
// and replies read back gif_url and poll_attachment
// (https://developers.facebook.com/docs/threads/retrieve-and-manage-replies/replies-and-conversations);
// text spoilers go on any post with text
// (https://developers.facebook.com/docs/threads/create-posts/spoilers).
type ContentAttachments struct {
	Poll           []string            `json:"poll,omitempty" jsonschema_description:"Poll options, in order."`
	GIF            string              `json:"gif,omitempty" jsonschema_description:"GIPHY GIF id."`
	TextAttachment *TextAttachmentArgs `json:"text_attachment,omitempty"`
	Spoilers       []string            `json:"spoilers,omitempty" jsonschema_description:"Passages of text to blur."`
}

// Attachments are the optional attachments and settings of a text post
// (embedded in PublishTextArgs): the content attachments, and the settings
// Meta documents for top-level posts (ghost posts, location tags,
// geo-gating, reply approvals). A post carries at most one attachment
// kind: poll, gif or text_attachment; a GIF also excludes link_attachment,
// and a text attachment's link excludes it too (Meta refuses both with
// link_attachment).
type Attachments struct {
	ContentAttachments
	Ghost                   bool     `json:"ghost,omitempty" jsonschema_description:"Archived after 24 h; no reply approvals."`
	LocationID              string   `json:"location_id,omitempty" jsonschema_description:"Location to tag."`
	AllowlistedCountryCodes []string `json:"allowlisted_country_codes,omitempty" jsonschema_description:"ISO alpha-2; the account must be eligible."`
	EnableReplyApprovals    bool     `json:"enable_reply_approvals,omitempty" jsonschema_description:"Hold replies for approval."`
}

// extendAttachments adds the attachment limits to s.
func extendAttachments(s *jsonschema.Schema) {
	if p := property(s, "poll"); p != nil {
		lo, hi := uint64(MinPollOptions), uint64(MaxPollOptions)
		p.MinItems, p.MaxItems = &lo, &hi
		p.Description = fmt.Sprintf("1-%d characters each.", MaxPollOptionLength)
	}
	if p := property(s, "spoilers"); p != nil {
		hi := uint64(MaxSpoilers)
		p.MaxItems = &hi
	}
	setID(s, "location_id")
	if p := property(s, "text_attachment"); p != nil {
		p.Description = "Long text."
	}
}

// normalizeAttachments trims ids and upper-cases country codes.
func (a *Attachments) normalizeAttachments() {
	a.normalizeContent()
	a.LocationID = strings.TrimSpace(a.LocationID)
	for i, cc := range a.AllowlistedCountryCodes {
		a.AllowlistedCountryCodes[i] = strings.ToUpper(strings.TrimSpace(cc))
	}
}

// normalizeContent trims the poll options, the GIF id and the text
// attachment's link.
func (a *ContentAttachments) normalizeContent() {
	for i, o := range a.Poll {
		a.Poll[i] = strings.TrimSpace(o)
	}
	a.GIF = strings.TrimSpace(a.GIF)
	if a.TextAttachment != nil {
		a.TextAttachment.Link = strings.TrimSpace(a.TextAttachment.Link)
	}
}

// countryCode is the shape of an ISO 3166-1 alpha-2 code.
var countryCode = regexp.MustCompile(`^[A-Z]{2}$`)

// gifID is the shape of a GIPHY id.
var gifID = regexp.MustCompile(`^[A-Za-z0-9_-]{1,100}$`)

// validateAttachments checks the attachments of a text post with text and
// linkAttachment: the content rules (validateContent), the country codes
// and the location id, and ghost not with reply approvals.
func (a *Attachments) validateAttachments(errs *FieldErrors, text, linkAttachment string) {
	a.validateContent(errs, text, linkAttachment, "")
	for i, cc := range a.AllowlistedCountryCodes {
		if !countryCode.MatchString(cc) {
			errs.add(newFieldError(fmt.Sprintf("allowlisted_country_codes[%d]", i), "not an ISO 3166-1 alpha-2 code", cc, "",
				`use two-letter country codes such as "US", "DE" or "JP"`))
		}
	}
	if a.LocationID != "" {
		errs.add(checkID("location_id", a.LocationID))
	}
	if a.Ghost && a.EnableReplyApprovals {
		errs.add(newFieldError("enable_reply_approvals", "not with ghost", "true", "a ghost post cannot hold replies for approval",
			"drop enable_reply_approvals, or publish a regular post"))
	}
}

// validateContent checks the content attachments of a post or reply with
// text and linkAttachment; media names the media argument the post carries
// ("image_url"), "" for a text post. The rules: one attachment kind; poll,
// gif and text_attachment on text posts only (Meta: "only to text-only
// posts"); a GIF not with link_attachment; the poll, gif, text attachment
// and spoiler rules.
func (a *ContentAttachments) validateContent(errs *FieldErrors, text, linkAttachment, media string) {
	kinds := []struct {
		field, what string
		set         bool
	}{{"poll", "a poll", len(a.Poll) > 0}, {"gif", "a GIF", a.GIF != ""}, {"text_attachment", "a text attachment", a.TextAttachment != nil}}
	var set []string
	for _, k := range kinds {
		if !k.set {
			continue
		}
		set = append(set, k.field)
		if media != "" {
			errs.add(newFieldError(k.field, "text posts only", "", fmt.Sprintf("%s goes on a text-only post or reply, and %s is set", k.what, media),
				fmt.Sprintf("drop %s or %s, and post the other in a reply of its own", k.field, media)))
		}
	}
	if len(set) > 1 {
		both := "both"
		if len(set) > 2 {
			both = "all"
		}
		errs.add(newFieldError(set[1], "one attachment per post", "",
			fmt.Sprintf("%s are %s set; a post carries one attachment: a poll, a GIF or a text attachment", JoinAnd(set), both),
			"keep one of them, and publish the others as separate posts or replies"))
	}
	if a.GIF != "" && linkAttachment != "" {
		errs.add(newFieldError("gif", "not with link_attachment", a.GIF, "a post shows one card: a GIF or a link preview",
			"drop gif or link_attachment (a link in the text stays a link)"))
	}
	if n := len(a.Poll); n > 0 {
		if n < MinPollOptions || n > MaxPollOptions {
			errs.add(newFieldError("poll", "wrong number of options", "", fmt.Sprintf("got %d options; a poll has %d to %d", n, MinPollOptions, MaxPollOptions),
				fmt.Sprintf("give %d to %d options", MinPollOptions, MaxPollOptions)))
		}
		for i, o := range a.Poll {
			if l := utf8.RuneCountInString(o); l < 1 || l > MaxPollOptionLength {
				errs.add(newFieldError(fmt.Sprintf("poll[%d]", i), "wrong length", o, fmt.Sprintf("%d characters; an option has 1 to %d", l, MaxPollOptionLength),
					fmt.Sprintf("write the option in 1 to %d characters", MaxPollOptionLength)))
			}
		}
	}
	if a.GIF != "" && !gifID.MatchString(a.GIF) {
		errs.add(newFieldError("gif", "not a GIPHY id", a.GIF, "", "give the id of the GIF on GIPHY (the last part of its giphy.com URL), not a URL"))
	}
	if ta := a.TextAttachment; ta != nil {
		validateTextAttachment(errs, ta, linkAttachment)
	}
	checkSpoilers(errs, text, a.Spoilers)
}

// checkSpoilerMedia refuses spoiler_media (field) on a post of kind what
// ("part", "reply") that has no image, video or carousel to blur; kinds
// names the media it could have.
func checkSpoilerMedia(errs *FieldErrors, field, what, kinds string, spoiler, hasMedia bool) {
	if spoiler && !hasMedia {
		errs.add(newFieldError(field, "needs media", "true", fmt.Sprintf("spoiler_media blurs a %s's %s, and this %s has none", what, kinds, what),
			fmt.Sprintf("remove %s, or give the %s media", field, what)))
	}
}

// validateTextAttachment checks a text attachment: plaintext required and
// within MaxTextAttachmentLength counted characters, its link (not with
// link_attachment), and style ranges inside plaintext, with known styles,
// not overlapping.
func validateTextAttachment(errs *FieldErrors, ta *TextAttachmentArgs, linkAttachment string) {
	if strings.TrimSpace(ta.Plaintext) == "" {
		errs.add(newFieldError("text_attachment.plaintext", "required", "", "", "give the attached text"))
	}
	if maxBytes := 10 * MaxTextAttachmentLength; len(ta.Plaintext) > maxBytes {
		errs.add(newFieldError("text_attachment.plaintext", "too large", "", fmt.Sprintf("%d UTF-8 bytes, limit %d", len(ta.Plaintext), maxBytes),
			fmt.Sprintf("shorten it by at least %d bytes", len(ta.Plaintext)-maxBytes)))
	} else if tc := CountText(ta.Plaintext); tc.Length > MaxTextAttachmentLength {
		errs.add(textLengthError("text_attachment.plaintext", ta.Plaintext, tc, MaxTextAttachmentLength))
	}
	if ta.Link != "" {
		errs.add(checkLinkURL("text_attachment.link", ta.Link))
		if linkAttachment != "" {
			errs.add(newFieldError("text_attachment.link", "not with link_attachment", ta.Link,
				"the post has a link_attachment and a text_attachment link; Threads takes one", "keep one of the two links"))
		}
	}
	_, total, _ := threads.EntityRange(ta.Plaintext+" ", 0, len(ta.Plaintext)+1, threads.EntityOffsetUnit)
	total-- // the appended space makes the range non-empty for an empty plaintext
	type span struct{ i, lo, hi int }
	var spans []span
	for i, st := range ta.Styles {
		f := fmt.Sprintf("text_attachment.styles[%d]", i)
		switch {
		case st.Offset < 0 || st.Length < 1 || st.Offset+st.Length > total:
			errs.add(newFieldError(f, "outside plaintext", "", fmt.Sprintf("offset %d, length %d; plaintext has %d %s", st.Offset, st.Length, total, OffsetUnitNote()),
				fmt.Sprintf("give offset ≥ 0 and length ≥ 1, in %s, ending within plaintext", OffsetUnitNote())))
		default:
			spans = append(spans, span{i, st.Offset, st.Offset + st.Length})
		}
		if len(st.Styles) == 0 {
			errs.add(newFieldError(f+".styles", "required", "", "", "give at least one of: "+strings.Join(TextStyles(), ", ")))
		}
		for j, s := range st.Styles {
			errs.add(checkEnum(fmt.Sprintf("%s.styles[%d]", f, j), s, TextStyles()))
		}
	}
	slices.SortFunc(spans, func(x, y span) int { return x.lo - y.lo })
	for k := 1; k < len(spans); k++ {
		if p, q := spans[k-1], spans[k]; q.lo < p.hi {
			errs.add(newFieldError(fmt.Sprintf("text_attachment.styles[%d]", q.i), "overlapping styles", "",
				fmt.Sprintf("styles[%d] (%d–%d) overlaps styles[%d] (%d–%d)", q.i, q.lo, q.hi, p.i, p.lo, p.hi),
				"split the ranges so they do not overlap; one range may carry several styles"))
		}
	}
}

// SpoilerRanges finds each spoiler passage in text, in order: each is the
// first occurrence not already hidden, so a repeated passage hides the next
// occurrence. It returns byte ranges, or the FieldError of a passage that
// is empty, absent or overlaps another.
func SpoilerRanges(text string, spoilers []string) ([][2]int, *FieldError) {
	var out [][2]int
	for i, sp := range spoilers {
		f := fmt.Sprintf("spoilers[%d]", i)
		if strings.TrimSpace(sp) == "" {
			return nil, newFieldError(f, "required", sp, "", "give a passage of text to hide, or remove the entry")
		}
		from := 0
		found := -1
		for from <= len(text) {
			j := strings.Index(text[from:], sp)
			if j < 0 {
				break
			}
			lo, hi := from+j, from+j+len(sp)
			if !slices.ContainsFunc(out, func(r [2]int) bool { return lo < r[1] && r[0] < hi }) {
				found = lo
				break
			}
			from = lo + 1
		}
		if found < 0 {
			return nil, newFieldError(f, "not in text", sp, fmt.Sprintf("%s does not occur in text (again, if repeated) without overlapping another spoiler", quote(truncate(sp))),
				"copy the passage exactly as it appears in text")
		}
		out = append(out, [2]int{found, found + len(sp)})
	}
	return out, nil
}

// checkSpoilers checks spoiler passages: at most MaxSpoilers, each found in
// text (SpoilerRanges).
func checkSpoilers(errs *FieldErrors, text string, spoilers []string) {
	if len(spoilers) > MaxSpoilers {
		errs.add(newFieldError("spoilers", "too many", "", fmt.Sprintf("got %d spoilers; a post has at most %d", len(spoilers), MaxSpoilers),
			"merge neighbouring passages into one spoiler"))
	} else if _, fe := SpoilerRanges(text, spoilers); fe != nil {
		errs.add(fe)
	}
}
