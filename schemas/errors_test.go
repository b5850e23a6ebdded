package schemas

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestFieldErrorError(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		err  *FieldError
		want string
	}{
		{"detail", &FieldError{Field: "limit", Rule: "out of range", Value: "101", Detail: "got 101; allowed 1 to 100", Fix: "use 1 to 100"},
			"limit: out of range: got 101; allowed 1 to 100. Fix: use 1 to 100."},
		{"value only", &FieldError{Field: "items[3].url", Rule: "not https", Value: "http://x/a.jpg", Fix: "use https"},
			`items[3].url: not https: got "http://x/a.jpg". Fix: use https.`},
		{"no field", &FieldError{Rule: "invalid JSON"}, "arguments: invalid JSON."},
		{"fix ending with period", &FieldError{Field: "f", Rule: "r", Fix: "do it."}, "f: r. Fix: do it."},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("%s: Error() = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestFieldErrorsAndTruncation(t *testing.T) {
	t.Parallel()
	es := FieldErrors{
		{Field: "a", Rule: "r1", Fix: "f1"},
		{Field: "b", Rule: "r2", Fix: "f2"},
	}
	if got, want := es.Error(), "a: r1. Fix: f1.\nb: r2. Fix: f2."; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	wrapped := fmt.Errorf("tool: %w", es)
	var fe *FieldError
	if !errors.As(wrapped, &fe) || fe.Field != "a" {
		t.Errorf("errors.As(*FieldError) = %v", fe)
	}
	if !errors.Is(wrapped, es[1]) {
		t.Error("errors.Is does not find the second error")
	}
	if got := AsFieldErrors(wrapped); len(got) != 2 {
		t.Errorf("AsFieldErrors = %v", got)
	}
	if got := AsFieldErrors(es[0]); len(got) != 1 {
		t.Errorf("AsFieldErrors(*FieldError) = %v", got)
	}
	if AsFieldErrors(errors.New("x")) != nil || AsFieldErrors(nil) != nil {
		t.Error("AsFieldErrors of a foreign error is not nil")
	}
	if err := (FieldErrors{}).Err(); err != nil {
		t.Errorf("empty Err() = %v, want nil", err)
	}
	if err := es.Err(); err == nil {
		t.Error("Err() = nil for two errors")
	}
	long := strings.Repeat("é", 200)
	v := newFieldError("f", "r", long, "", "x").Value
	if !strings.HasSuffix(v, "…") || len([]rune(v)) != maxValueRunes+1 {
		t.Errorf("truncated value has %d runes: %q", len([]rune(v)), v)
	}
}
