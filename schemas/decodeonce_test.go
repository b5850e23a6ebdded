package schemas

import (
	"encoding/json"
	"reflect"
	"testing"
)

// TestValidatorDecodeMatchesValidateThenDecode: Validator.Decode (one
// parse) accepts, refuses and fills exactly as Validate followed by Decode.
func TestValidatorDecodeMatchesValidateThenDecode(t *testing.T) {
	v, err := NewValidator(MustInputSchema(&PublishCarouselArgs{}))
	if err != nil {
		t.Fatal(err)
	}
	for _, raw := range []string{
		``, `null`, `{}`, `[1]`, `{"items":`, `{"text":5}`,
		`{"items":[{"type":"image","url":"https://a.example/1.jpg"},{"type":"video","url":"https://a.example/2.mp4","alt_text":"x"}],"text":"hi","account":"@me"}`,
		`{"items":[{"type":"gif","url":"x","extra":1}]}`,
		`{"items":[{"type":"image","url":"https://a.example/1.jpg"},{"type":"image","url":"https://a.example/2.jpg"}],"text":null}`,
		`{"items":[{"type":"image","url":"https://a.example/1.jpg"},{"type":"image","url":"https://a.example/2.jpg"}],"Text":"case"}`,
	} {
		var once, twice PublishCarouselArgs
		errOnce := v.Decode(json.RawMessage(raw), &once)
		errTwice := v.Validate(json.RawMessage(raw))
		if errTwice == nil {
			errTwice = Decode(json.RawMessage(raw), &twice)
		}
		if (errOnce == nil) != (errTwice == nil) || (errOnce != nil && errOnce.Error() != errTwice.Error()) {
			t.Errorf("%s: Decode %v; Validate+Decode %v", raw, errOnce, errTwice)
		}
		if errOnce == nil && !reflect.DeepEqual(once, twice) {
			t.Errorf("%s: decoded %+v, want %+v", raw, once, twice)
		}
	}
}
