package schemas

import (
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"
)

// maxValueRunes is how many characters of a rejected value a FieldError keeps.
const maxValueRunes = 80

// FieldError is one rejected argument. It names the field (as in the JSON
// arguments, for example "items[3].url"), the rule broken, the value seen
// (truncated) and how to fix it.
type FieldError struct {
	// Field is the JSON path of the argument, e.g. "text" or "items[3].url".
	// "arguments" stands for the whole argument object.
	Field string
	// Rule is a short name of the rule broken, e.g. "too long".
	Rule string
	// Value is the offending value, truncated to 80 characters.
	Value string
	// Fix tells the caller what to change.
	Fix string
	// Detail explains the failure with numbers, e.g. "counted 512 of 500 characters".
	// When empty, Error prints the value instead.
	Detail string
}

// Error formats the error as "field: rule: detail. Fix: fix.".
func (e *FieldError) Error() string {
	var b strings.Builder
	field := e.Field
	if field == "" {
		field = "arguments"
	}
	b.WriteString(field)
	b.WriteString(": ")
	b.WriteString(e.Rule)
	switch {
	case e.Detail != "":
		b.WriteString(": ")
		b.WriteString(e.Detail)
	case e.Value != "":
		b.WriteString(": got ")
		b.WriteString(quote(e.Value))
	}
	if e.Fix != "" {
		b.WriteString(". Fix: ")
		b.WriteString(e.Fix)
	}
	if s := b.String(); !strings.HasSuffix(s, ".") {
		b.WriteByte('.')
	}
	return b.String()
}

// FieldErrors is a list of rejected arguments. It implements error; use
// errors.As with a *FieldError target to get the first one.
type FieldErrors []*FieldError

// Error joins the messages, one per line.
func (es FieldErrors) Error() string {
	parts := make([]string, 0, len(es))
	for _, e := range es {
		if e != nil {
			parts = append(parts, e.Error())
		}
	}
	return strings.Join(parts, "\n")
}

// Unwrap returns the individual errors, so errors.As and errors.Is see each.
func (es FieldErrors) Unwrap() []error {
	out := make([]error, 0, len(es))
	for _, e := range es {
		if e != nil {
			out = append(out, e)
		}
	}
	return out
}

// Err returns es as an error, or a nil error (not a typed nil) when es is empty.
func (es FieldErrors) Err() error {
	if len(es) == 0 {
		return nil
	}
	return es
}

// add appends e when it is not nil.
func (es *FieldErrors) add(e *FieldError) {
	if e != nil {
		*es = append(*es, e)
	}
}

// AsFieldErrors returns the FieldErrors carried by err: err itself when it is
// FieldErrors, a one-element list when it is (or wraps) a *FieldError, and
// nil otherwise.
func AsFieldErrors(err error) FieldErrors {
	if err == nil {
		return nil
	}
	var es FieldErrors
	if errors.As(err, &es) {
		return es
	}
	var fe *FieldError
	if errors.As(err, &fe) {
		return FieldErrors{fe}
	}
	return nil
}

// truncate shortens s to maxValueRunes characters, marking the cut with "…".
func truncate(s string) string {
	if utf8.RuneCountInString(s) <= maxValueRunes {
		return s
	}
	n := 0
	for i := range s {
		if n == maxValueRunes {
			return s[:i] + "…"
		}
		n++
	}
	return s
}

// quote quotes a value for a message; printable non-ASCII characters stay readable.
func quote(s string) string { return strconv.Quote(s) }

// newFieldError builds a FieldError, truncating value.
func newFieldError(field, rule, value, detail, fix string) *FieldError {
	return &FieldError{Field: field, Rule: rule, Value: truncate(value), Detail: detail, Fix: fix}
}
