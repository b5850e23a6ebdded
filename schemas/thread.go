package schemas

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/invopop/jsonschema"
	"github.com/rivo/uniseg"
)

// Thread (chain) bounds: a thread is a post followed by replies to it,
// each replying to the previous part.
const (
	MinThreadParts = 2
	MaxThreadParts = 25
)

// ThreadPartArgs is one part of a thread: text, optionally one image or
// video (media), or, for the first part only, a carousel (items), blurred
// until tapped with spoiler_media (is_spoiler_media on the part's container,
// https://developers.facebook.com/docs/threads/create-posts/spoilers).
type ThreadPartArgs struct {
	Text         string             `json:"text,omitempty"`
	Media        *CarouselItemArgs  `json:"media,omitempty"`
	Items        []CarouselItemArgs `json:"items,omitempty" jsonschema_description:"First part only: carousel instead of media."`
	SpoilerMedia bool               `json:"spoiler_media,omitempty" jsonschema_description:"Blur its media until tapped."`
}

// JSONSchemaExtend adds the text limits and the carousel bounds.
func (ThreadPartArgs) JSONSchemaExtend(s *jsonschema.Schema) {
	if p := property(s, "text"); p != nil {
		n := uint64(MaxTextBytes)
		p.MaxLength = &n
		p.Description = "Part text (rules of publish_text)."
	}
	if p := property(s, "items"); p != nil {
		hi := uint64(MaxCarouselItems)
		p.MaxItems = &hi
	}
}

// PublishThreadArgs are the arguments of the publish_thread tool.
type PublishThreadArgs struct {
	Parts        []ThreadPartArgs `json:"parts,omitempty"`
	Text         string           `json:"text,omitempty" jsonschema_description:"With split: one long text instead of parts."`
	Split        bool             `json:"split,omitempty" jsonschema_description:"Split text at paragraphs, sentences, then words."`
	Numbering    bool             `json:"numbering,omitempty" jsonschema_description:"With split: end each part with \" i/n\" (counted in the limit)."`
	TopicTag     string           `json:"topic_tag,omitempty"`
	ReplyControl string           `json:"reply_control,omitempty"`
	PreflightArg
	AccountArg
	IdempotencyArg
}

// JSONSchemaExtend adds the part bounds, the topic limit and the
// reply_control enum.
func (PublishThreadArgs) JSONSchemaExtend(s *jsonschema.Schema) {
	if p := property(s, "parts"); p != nil {
		hi := uint64(MaxThreadParts)
		p.MaxItems = &hi
	}
	if p := property(s, "text"); p != nil {
		n := uint64(MaxThreadParts * MaxTextBytes)
		p.MaxLength = &n
	}
	setTopicTag(s, "First part.")
	setReplyControl(s)
}

// Normalize trims media types and URLs, the topic tag and reply_control.
func (a *PublishThreadArgs) Normalize() {
	for i := range a.Parts {
		p := &a.Parts[i]
		if p.Media != nil {
			p.Media.normalize()
		}
		for j := range p.Items {
			p.Items[j].normalize()
		}
	}
	a.TopicTag = NormalizeTopicTag(a.TopicTag)
	a.ReplyControl = normalizeEnum(a.ReplyControl)
}

// Defaults splits text into parts when split is set and no parts are given
// (SplitText); Validate then checks the parts like given ones.
func (a *PublishThreadArgs) Defaults() {
	if a.Split && len(a.Parts) == 0 && strings.TrimSpace(a.Text) != "" {
		for _, t := range SplitText(a.Text, a.Numbering) {
			a.Parts = append(a.Parts, ThreadPartArgs{Text: t})
		}
		a.Text = ""
	}
}

// Validate enforces every rule of publish_thread on every part before
// anything is sent: 2 to 25 parts; each with text or media; each text by
// the caption rules of publish_text (the first with topic_tag); media by
// the rules of publish_media; a carousel only on the first part, by the
// rules of publish_carousel, and not with media; text only with split, and
// split only with text. Errors name parts[i].field. It returns
// FieldErrors, or nil.
func (a *PublishThreadArgs) Validate() error {
	var errs FieldErrors
	switch {
	case a.Split && len(a.Parts) > 0 && strings.TrimSpace(a.Text) != "":
		errs.add(newFieldError("parts", "not with split", "", "split: true splits text into parts, and parts were given too",
			"give either parts, or text with split: true"))
	case a.Split && len(a.Parts) == 0:
		errs.add(newFieldError("text", "required", "", "split: true needs the text to split", "give the long text in text"))
	case !a.Split && a.Text != "":
		errs.add(newFieldError("text", "only with split", a.Text, "text is the input of split: true",
			"set split: true to split it into parts, or give the parts in parts"))
	case !a.Split && a.Numbering:
		errs.add(newFieldError("numbering", "only with split", "true", "", "set split: true, or number the parts yourself"))
	}
	switch n := len(a.Parts); {
	case n > 0 && n < MinThreadParts:
		fix := "add a second part, or use publish_text or publish_media for a single post"
		if a.Split {
			fix = "the text fits in one post: use publish_text"
		}
		errs.add(newFieldError("parts", "too few parts", "", fmt.Sprintf("got %d part; a thread has %d to %d", n, MinThreadParts, MaxThreadParts), fix))
	case n > MaxThreadParts:
		field, fix := "parts", fmt.Sprintf("remove at least %d parts, or publish two threads", n-MaxThreadParts)
		if a.Split {
			field, fix = "text", fmt.Sprintf("shorten the text: it splits into %d parts", n)
		}
		errs.add(newFieldError(field, "too many parts", "", fmt.Sprintf("got %d parts; a thread has %d to %d", n, MinThreadParts, MaxThreadParts), fix))
	case n == 0 && !a.Split:
		errs.add(newFieldError("parts", "required", "", "", fmt.Sprintf("give %d to %d parts, or one long text with split: true", MinThreadParts, MaxThreadParts)))
	}
	if a.TopicTag != "" {
		errs.add(checkTopicTag("topic_tag", a.TopicTag))
	}
	for i, p := range a.Parts {
		prefix := fmt.Sprintf("parts[%d].", i)
		if strings.TrimSpace(p.Text) == "" && p.Media == nil && len(p.Items) == 0 {
			errs.add(newFieldError(prefix+"text", "required", p.Text, "a part needs text, media or (first part) items", "give the part's text"))
		}
		tag := ""
		if i == 0 {
			tag = a.TopicTag
		}
		validateCaption(&errs, prefix+"text", p.Text, tag, "")
		checkSpoilerMedia(&errs, prefix+"spoiler_media", "part", "image, video or carousel", p.SpoilerMedia, p.Media != nil || len(p.Items) > 0)
		if p.Media != nil {
			checkMedia(&errs, prefix+"media.", *p.Media)
		}
		if len(p.Items) > 0 {
			switch {
			case i > 0:
				errs.add(newFieldError(prefix+"items", "first part only", "", "only the first part of a thread may be a carousel",
					fmt.Sprintf("give parts[%d] one image or video in media, or move the carousel to parts[0]", i)))
			case p.Media != nil:
				errs.add(newFieldError(prefix+"media", "not with items", p.Media.URL, "a part carries media or a carousel, not both", "keep only one of media and items"))
			case len(p.Items) < MinCarouselItems:
				errs.add(newFieldError(prefix+"items", "too few items", "", fmt.Sprintf("got %d item; a carousel needs %d to %d", len(p.Items), MinCarouselItems, MaxCarouselItems),
					fmt.Sprintf("add an item, or give the one image or video in %smedia", prefix)))
			}
			for j, it := range p.Items {
				checkMedia(&errs, fmt.Sprintf("%sitems[%d].", prefix, j), it)
			}
			checkRepeatedItems(&errs, prefix, p.Items)
		}
	}
	errs.add(checkReplyControl("reply_control", a.ReplyControl))
	return errs.Err()
}

// ThreadPartResult is one published part of a thread.
type ThreadPartResult struct {
	Index     int    `json:"index"`
	ID        string `json:"id"`
	Permalink string `json:"permalink,omitempty"`
	Replayed  bool   `json:"replayed,omitempty" jsonschema_description:"Not posted again."`
	// ReplyNotLinked: Threads shows this media part as a standalone post.
	ReplyNotLinked bool `json:"reply_not_linked,omitempty" jsonschema_description:"Shown as a standalone post, not a reply."`
}

// ReplayFields is true: a thread can be replayed.
func (ThreadResult) ReplayFields() bool { return true }

// ThreadResult is the result of publish_thread.
type ThreadResult struct {
	ResultMeta
	ID           string             `json:"id" jsonschema_description:"Id of the first part."`
	Permalink    string             `json:"permalink" jsonschema_description:"URL of the first part."`
	Parts        []ThreadPartResult `json:"parts"`
	ReplyControl string             `json:"reply_control"`
	Note         string             `json:"note,omitempty"`
}

// sentenceEnd matches the end of a sentence: terminal punctuation (and
// closing quotes or brackets) followed by whitespace.
var sentenceEnd = regexp.MustCompile(`[.!?…]+["'”’)\]]*\s+`)

// paragraphBreak matches a blank line.
var paragraphBreak = regexp.MustCompile(`\n[ \t]*\n\s*`)

// SplitText splits text into parts that each fit MaxTextLength counted
// characters (CountText): at paragraph boundaries (blank lines) where the
// paragraphs fit, else at sentence ends, else between words, and only a
// word longer than a whole part is cut, between grapheme clusters. Pieces
// are packed greedily, so a part holds as many whole paragraphs (or
// sentences, or words) as fit. With numbered, each part ends with " i/n",
// and the suffix counts toward the limit. Whitespace between pieces is
// normalized: paragraphs are joined by a blank line, sentences and words by
// one space.
func SplitText(text string, numbered bool) []string {
	text = strings.TrimSpace(text)
	if text == "" {
		return nil
	}
	if !numbered {
		return packText(text, MaxTextLength)
	}
	// The suffix length depends on the part count: try the smallest width
	// first and widen while the count needs more digits.
	for digits := 1; ; digits++ {
		reserve := 2 + 2*digits // " i/n" with i and n of this many digits
		parts := packText(text, MaxTextLength-reserve)
		if len(strconv.Itoa(len(parts))) <= digits {
			for i := range parts {
				parts[i] += fmt.Sprintf(" %d/%d", i+1, len(parts))
			}
			return parts
		}
	}
}

// packText packs text into parts of at most limit counted characters.
func packText(text string, limit int) []string {
	p := packer{limit: limit}
	for _, para := range paragraphBreak.Split(text, -1) {
		p.add(strings.TrimSpace(para), levelSep[levelParagraph], levelParagraph)
	}
	p.flush()
	return p.parts
}

// Split levels, coarsest first, with the separator that joins two pieces
// of that level.
const (
	levelParagraph = iota
	levelSentence
	levelWord
	levelCluster
)

var levelSep = [...]string{"\n\n", " ", " ", ""}

type packer struct {
	limit int
	parts []string
	cur   string
}

func (p *packer) fits(s string) bool { return CountText(s).Length <= p.limit }

func (p *packer) flush() {
	if strings.TrimSpace(p.cur) != "" {
		p.parts = append(p.parts, strings.TrimSpace(p.cur))
	}
	p.cur = ""
}

// add appends piece (of level) to the current part after sep, starting a
// new part when it does not fit, and splitting piece at the next level when
// it does not fit a part of its own.
func (p *packer) add(piece, sep string, level int) {
	if piece == "" {
		return
	}
	cand := piece
	if p.cur != "" {
		cand = p.cur + sep + piece
	}
	if p.fits(cand) {
		p.cur = cand
		return
	}
	if p.cur != "" && p.fits(piece) {
		p.flush()
		p.cur = piece
		return
	}
	if level == levelCluster {
		// One cluster longer than a part cannot be split: keep it alone.
		p.flush()
		p.cur = piece
		return
	}
	// Too long for a part of its own: split it finer, continuing the part.
	for i, sub := range splitLevel(piece, level+1) {
		if i > 0 {
			sep = levelSep[level+1]
		}
		p.add(sub, sep, level+1)
	}
}

// splitLevel splits s into pieces of level.
func splitLevel(s string, level int) []string {
	switch level {
	case levelSentence:
		var out []string
		last := 0
		for _, m := range sentenceEnd.FindAllStringIndex(s, -1) {
			out = append(out, strings.TrimSpace(s[last:m[1]]))
			last = m[1]
		}
		if rest := strings.TrimSpace(s[last:]); rest != "" {
			out = append(out, rest)
		}
		return out
	case levelWord:
		return strings.Fields(s)
	default:
		var out []string
		g := uniseg.NewGraphemes(s)
		for g.Next() {
			out = append(out, g.Str())
		}
		return out
	}
}
