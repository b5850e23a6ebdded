package schemas

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/invopop/jsonschema"
	santhosh "github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
)

// InputSchema reflects the tool input schema of v (an Args struct or a
// pointer to one) with invopop/jsonschema: fully inlined (no $ref, $defs or
// $schema, the 2020-12 default dialect applies), root type "object",
// required fields from `jsonschema:"required"` tags only, and
// additionalProperties false on every object.
func InputSchema(v any) (json.RawMessage, error) { return reflectSchema(v, false) }

// OutputSchema reflects the tool output schema of v (a Result struct or a
// pointer to one) like InputSchema, but allows additional properties. It is
// kept lean for tools/list: it lists the fields the tool returns with their
// types, leaves out sandbox and account (on every result; the server's
// instructions say so once), and keeps descriptions only on the fields in
// keptOutputDescriptions.
func OutputSchema(v any) (json.RawMessage, error) { return reflectSchema(v, true) }

// MustInputSchema is InputSchema that panics on error; for package-level
// tool definitions built from fixed types.
func MustInputSchema(v any) json.RawMessage {
	raw, err := InputSchema(v)
	if err != nil {
		panic(err)
	}
	return raw
}

// MustOutputSchema is OutputSchema that panics on error.
func MustOutputSchema(v any) json.RawMessage {
	raw, err := OutputSchema(v)
	if err != nil {
		panic(err)
	}
	return raw
}

// reflectSchema builds a flat schema for v.
func reflectSchema(v any, allowAdditional bool) (json.RawMessage, error) {
	if v == nil {
		return nil, errors.New("schemas: reflect schema: nil value")
	}
	t := reflect.TypeOf(v)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return nil, fmt.Errorf("schemas: reflect schema of %s: want a struct, so that the root is an object", t)
	}
	r := &jsonschema.Reflector{
		DoNotReference:             true,
		ExpandedStruct:             true,
		RequiredFromJSONSchemaTags: true,
		Anonymous:                  true,
		AllowAdditionalProperties:  allowAdditional,
	}
	s := r.ReflectFromType(t)
	if !allowAdditional { // an input schema
		extendShared(s)
	}
	if rf, ok := v.(interface{ ReplayFields() bool }); ok && allowAdditional && !rf.ReplayFields() {
		// Only results that can be replayed list the replay fields.
		s.Properties.Delete("replayed")
		s.Properties.Delete("replay_note")
	}
	if allowAdditional {
		// sandbox, account and token_days_left may be on every result:
		// the server's instructions say so once rather than every output
		// schema (token_days_left alone cost 1.4 KB of tools/list).
		s.Properties.Delete("sandbox")
		s.Properties.Delete("account")
		s.Properties.Delete("token_days_left")
		trimOutputDescriptions(s)
	}
	s.Version = ""
	s.ID = ""
	s.Definitions = nil
	if s.Type != "object" || s.Ref != "" {
		return nil, fmt.Errorf("schemas: reflect schema of %s: root is %q, want a flat object", t, s.Type)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		return nil, fmt.Errorf("schemas: marshal schema of %s: %w", t, err)
	}
	return json.RawMessage(bytes.TrimSpace(buf.Bytes())), nil
}

// keptOutputDescriptions are the output properties whose descriptions
// tools/list carries: the ones whose names do not say what they mean.
// Every other output description is dropped from the published schema
// (tools/list is paid for in every model context that lists it); the Go
// field tags keep them as documentation of the result types. replayed and
// untrusted_content, which many results carry, are explained once in the
// server's instructions.
var keptOutputDescriptions = map[string]bool{
	"token_days_left":  true,
	"reply_not_linked": true,
	"own_posts_only":   true,
	"resolved_by":      true,
	"read_at":          true,
}

// trimOutputDescriptions deletes the descriptions of the properties of s
// (at every depth) except keptOutputDescriptions, and the description of s
// itself.
func trimOutputDescriptions(s *jsonschema.Schema) {
	if s == nil {
		return
	}
	if s.Properties != nil {
		for pair := s.Properties.Oldest(); pair != nil; pair = pair.Next() {
			if !keptOutputDescriptions[pair.Key] {
				pair.Value.Description = ""
			}
			trimOutputDescriptions(pair.Value)
		}
	}
	trimOutputDescriptions(s.Items)
}

// Validator validates tool arguments against a JSON Schema
// (santhosh-tekuri/jsonschema/v6, draft 2020-12, formats asserted) and
// reports failures as readable FieldErrors.
type Validator struct {
	schema *santhosh.Schema
	doc    any // the schema as parsed JSON, for descriptions and field lists
}

// NewValidator compiles schema (as made by InputSchema).
func NewValidator(schema json.RawMessage) (*Validator, error) {
	doc, err := santhosh.UnmarshalJSON(bytes.NewReader(schema))
	if err != nil {
		return nil, fmt.Errorf("schemas: parse schema: %w", err)
	}
	const loc = "mem:///input.schema.json"
	c := santhosh.NewCompiler()
	c.DefaultDraft(santhosh.Draft2020)
	c.AssertFormat()
	if err := c.AddResource(loc, doc); err != nil {
		return nil, fmt.Errorf("schemas: add schema: %w", err)
	}
	sch, err := c.Compile(loc)
	if err != nil {
		return nil, fmt.Errorf("schemas: compile schema: %w", err)
	}
	return &Validator{schema: sch, doc: doc}, nil
}

// Validate checks args (a JSON object; empty or null means {}) against the
// schema. It returns nil or FieldErrors naming each field (items[3].url),
// the rule, the value and the fix.
//
// The schema cannot express the counted length of text (see CountText); its
// maxLength on text is the byte bound MaxTextBytes, and Args.Validate
// enforces both.
func (v *Validator) Validate(args json.RawMessage) error {
	inst, fe := parseArgs(args)
	if fe != nil {
		return FieldErrors{fe}
	}
	return v.validate(inst)
}

// Decode is Validate followed by the strict Decode, parsing args once: the
// parsed value is checked against the schema and the Go type of dst, then
// the JSON is decoded into dst once. Tool handlers call it on every call.
func (v *Validator) Decode(args json.RawMessage, dst any) error {
	rv := reflect.ValueOf(dst)
	if !rv.IsValid() || rv.Kind() != reflect.Pointer || rv.IsNil() || rv.Elem().Kind() != reflect.Struct {
		return fmt.Errorf("schemas: decode: dst must be a non-nil pointer to a struct, got %T", dst)
	}
	inst, fe := parseArgs(args)
	if fe != nil {
		return FieldErrors{fe}
	}
	if refused := refusedArgs(dst, inst); len(refused) > 0 {
		if err := v.validate(inst); err != nil {
			refused = append(refused, AsFieldErrors(err)...)
		}
		sortFieldErrors(refused)
		return refused
	}
	if err := v.validate(inst); err != nil {
		return err
	}
	var errs FieldErrors
	walk(&errs, "", inst, rv.Elem().Type())
	if len(errs) > 0 {
		sortFieldErrors(errs)
		return errs
	}
	raw := bytes.TrimSpace(args)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return FieldErrors{newFieldError("arguments", "invalid", "", err.Error(), "check the arguments against the tool's input schema")}
	}
	return nil
}

// validate checks a parsed argument object against the schema.
func (v *Validator) validate(inst any) error {
	err := v.schema.Validate(inst)
	if err == nil {
		return nil
	}
	var ve *santhosh.ValidationError
	if !errors.As(err, &ve) {
		return FieldErrors{newFieldError("arguments", "invalid", "", err.Error(), "check the arguments against the tool's input schema")}
	}
	var errs FieldErrors
	for _, leaf := range leaves(ve, nil) {
		errs = append(errs, v.convert(leaf, inst)...)
	}
	sortFieldErrors(errs)
	return errs.Err()
}

// parseArgs parses tool arguments, reading empty or null as {}.
func parseArgs(args json.RawMessage) (any, *FieldError) {
	trimmed := bytes.TrimSpace(args)
	if len(trimmed) == 0 || bytes.Equal(trimmed, []byte("null")) {
		return map[string]any{}, nil
	}
	inst, err := santhosh.UnmarshalJSON(bytes.NewReader(trimmed))
	if err != nil {
		return nil, newFieldError("arguments", "invalid JSON", truncate(string(trimmed)), fmt.Sprintf("the arguments are not valid JSON (%v)", err), "send the arguments as one JSON object")
	}
	if _, ok := inst.(map[string]any); !ok {
		return nil, newFieldError("arguments", "wrong type", truncate(string(trimmed)), fmt.Sprintf("the arguments are a JSON %s, not an object", jsonKind(inst)), "send the arguments as one JSON object, e.g. {\"text\": \"Hello\"}")
	}
	return inst, nil
}

// leaves returns the innermost validation errors.
func leaves(e *santhosh.ValidationError, out []*santhosh.ValidationError) []*santhosh.ValidationError {
	if len(e.Causes) == 0 {
		return append(out, e)
	}
	for _, c := range e.Causes {
		out = leaves(c, out)
	}
	return out
}

// sortFieldErrors orders errors by field then rule, for stable messages.
func sortFieldErrors(errs FieldErrors) {
	sort.SliceStable(errs, func(i, j int) bool {
		if errs[i].Field != errs[j].Field {
			return errs[i].Field < errs[j].Field
		}
		return errs[i].Rule < errs[j].Rule
	})
}

// fieldPath turns JSON pointer tokens into "items[3].url".
func fieldPath(tokens []string) string {
	var b strings.Builder
	for _, t := range tokens {
		if isIndex(t) && b.Len() > 0 {
			b.WriteString("[" + t + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(t)
	}
	return b.String()
}

// joinField appends a property name to a field path.
func joinField(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// isIndex reports whether t is a non-empty string of digits.
func isIndex(t string) bool {
	if t == "" {
		return false
	}
	for i := 0; i < len(t); i++ {
		if t[i] < '0' || t[i] > '9' {
			return false
		}
	}
	return true
}

// at returns the instance value at tokens.
func at(inst any, tokens []string) any {
	for _, t := range tokens {
		switch x := inst.(type) {
		case map[string]any:
			inst = x[t]
		case []any:
			i, err := strconv.Atoi(t)
			if err != nil || i < 0 || i >= len(x) {
				return nil
			}
			inst = x[i]
		default:
			return nil
		}
	}
	return inst
}

// schemaAt returns the schema object describing the instance at tokens.
func (v *Validator) schemaAt(tokens []string) map[string]any {
	s, _ := v.doc.(map[string]any)
	for _, t := range tokens {
		if s == nil {
			return nil
		}
		if props, ok := s["properties"].(map[string]any); ok && !isIndex(t) {
			s, _ = props[t].(map[string]any)
			continue
		}
		s, _ = s["items"].(map[string]any)
	}
	return s
}

// required reports whether the property at tokens is listed as required by
// the object schema that holds it.
func (v *Validator) required(tokens []string) bool {
	if len(tokens) == 0 {
		return true
	}
	parent := v.schemaAt(tokens[:len(tokens)-1])
	req, _ := parent["required"].([]any)
	return slices.Contains(req, any(tokens[len(tokens)-1]))
}

// propertyNames lists the properties a schema object declares, sorted.
func propertyNames(s map[string]any) []string {
	props, _ := s["properties"].(map[string]any)
	names := make([]string, 0, len(props))
	for n := range props {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// description returns the description of schema s.
func description(s map[string]any) string {
	d, _ := s["description"].(string)
	return d
}

// render formats an instance value for a message.
func render(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// showValue formats an instance value for a message: strings quoted, other
// values as compact JSON, both truncated.
func showValue(v any) string {
	if s, ok := v.(string); ok {
		return quote(truncate(s))
	}
	return truncate(render(v))
}

// ratString formats a big.Rat as an integer when it is one.
func ratString(r *big.Rat) string {
	if r == nil {
		return "?"
	}
	if r.IsInt() {
		return r.Num().String()
	}
	return r.FloatString(3)
}

// convert turns one leaf validation error into FieldErrors.
func (v *Validator) convert(leaf *santhosh.ValidationError, inst any) FieldErrors {
	path := fieldPath(leaf.InstanceLocation)
	field := path
	if field == "" {
		field = "arguments"
	}
	val := at(inst, leaf.InstanceLocation)
	value := truncate(render(val))
	sch := v.schemaAt(leaf.InstanceLocation)
	switch k := leaf.ErrorKind.(type) {
	case *kind.Required:
		var out FieldErrors
		for _, m := range k.Missing {
			fix := fmt.Sprintf("add %q", m)
			d := description(v.schemaAt(append(slices.Clone(leaf.InstanceLocation), m)))
			if d == "" && len(leaf.InstanceLocation) == 0 {
				d = SharedArgDoc(m) // said once, not in the schema
			}
			if d != "" {
				fix += ": " + d
			}
			out = append(out, newFieldError(joinField(path, m), "required", "", fmt.Sprintf("%q is missing", m), fix))
		}
		return out
	case *kind.AdditionalProperties:
		var out FieldErrors
		allowed := strings.Join(propertyNames(sch), ", ")
		for _, p := range k.Properties {
			out = append(out, unknownFieldError(joinField(path, p), p, fmt.Sprintf("%q is not a parameter here", p), allowed))
		}
		return out
	case *kind.Type:
		want := strings.Join(k.Want, " or ")
		if val == nil {
			fix := fmt.Sprintf("send %s as a JSON %s", field, want)
			if !v.required(leaf.InstanceLocation) {
				fix = fmt.Sprintf("omit %s to leave it unset, or send it as a JSON %s", field, want)
			}
			return FieldErrors{newFieldError(field, "wrong type", "", "got null, want "+want, fix)}
		}
		return FieldErrors{newFieldError(field, "wrong type", value, fmt.Sprintf("got %s %s, want %s", k.Got, showValue(val), want),
			fmt.Sprintf("send %s as a JSON %s", field, want))}
	case *kind.Enum:
		want := make([]string, len(k.Want))
		for i, w := range k.Want {
			want[i] = render(w)
		}
		return FieldErrors{newFieldError(field, "not an allowed value", value, fmt.Sprintf("got %s; allowed: %s", quote(value), strings.Join(want, ", ")), "use one of the allowed values exactly as written")}
	case *kind.Const:
		return FieldErrors{newFieldError(field, "not the required value", value, fmt.Sprintf("got %s, want %s", quote(value), render(k.Want)), "use "+render(k.Want))}
	case *kind.MaxLength:
		if len(leaf.InstanceLocation) == 1 && leaf.InstanceLocation[0] == "text" {
			// The schema's maxLength on text is MaxTextBytes (in code
			// points, so never stricter than the byte bound).
			s, _ := val.(string)
			return FieldErrors{textBytesError(field, s)}
		}
		return FieldErrors{newFieldError(field, "too long", value, fmt.Sprintf("%d characters, limit %d", k.Got, k.Want), fmt.Sprintf("shorten it by at least %d characters", k.Got-k.Want))}
	case *kind.MinLength:
		return FieldErrors{newFieldError(field, "too short", value, fmt.Sprintf("%d characters, minimum %d", k.Got, k.Want), "give a non-empty value, or omit the field if it is optional")}
	case *kind.Pattern:
		fix := "match the pattern " + k.Want
		if k.Want == IDPattern {
			fix = fmt.Sprintf("give the numeric Threads id as a string of 1 to %d digits, e.g. \"17889615691921648\"", MaxIDLength)
		}
		return FieldErrors{newFieldError(field, "invalid format", value, fmt.Sprintf("%s does not match %s", quote(value), k.Want), fix)}
	case *kind.Format:
		fix := "give a valid " + k.Want
		if k.Want == "uri" {
			fix = "give an absolute URL such as https://example.com/photo.jpg"
		}
		return FieldErrors{newFieldError(field, "invalid "+k.Want, value, fmt.Sprintf("%s is not a valid %s (%v)", quote(value), k.Want, k.Err), fix)}
	case *kind.MinItems:
		if len(leaf.InstanceLocation) == 1 && leaf.InstanceLocation[0] == "items" && k.Want == MinCarouselItems {
			return FieldErrors{tooFewItemsError(k.Got)}
		}
		return FieldErrors{newFieldError(field, "too few items", "", fmt.Sprintf("got %d, minimum %d", k.Got, k.Want), fmt.Sprintf("add at least %d item(s)", k.Want-k.Got))}
	case *kind.MaxItems:
		return FieldErrors{newFieldError(field, "too many items", "", fmt.Sprintf("got %d, maximum %d", k.Got, k.Want), fmt.Sprintf("remove at least %d item(s)", k.Got-k.Want))}
	case *kind.UniqueItems:
		return FieldErrors{newFieldError(field, "duplicate items", "", fmt.Sprintf("items %d and %d are equal", k.Duplicates[0], k.Duplicates[1]), "remove the duplicate")}
	case *kind.Minimum:
		return FieldErrors{newFieldError(field, "out of range", value, fmt.Sprintf("got %s, minimum %s", ratString(k.Got), ratString(k.Want)), "use a value of at least "+ratString(k.Want))}
	case *kind.Maximum:
		return FieldErrors{newFieldError(field, "out of range", value, fmt.Sprintf("got %s, maximum %s", ratString(k.Got), ratString(k.Want)), "use a value of at most "+ratString(k.Want))}
	case *kind.ExclusiveMinimum:
		return FieldErrors{newFieldError(field, "out of range", value, fmt.Sprintf("got %s, must be above %s", ratString(k.Got), ratString(k.Want)), "use a larger value")}
	case *kind.ExclusiveMaximum:
		return FieldErrors{newFieldError(field, "out of range", value, fmt.Sprintf("got %s, must be below %s", ratString(k.Got), ratString(k.Want)), "use a smaller value")}
	}
	msg := leaf.Error()
	if i := strings.Index(msg, "': "); i >= 0 {
		msg = msg[i+3:]
	}
	return FieldErrors{newFieldError(field, strings.Join(leaf.ErrorKind.KeywordPath(), "/"), value, msg, "check "+field+" against the tool's input schema")}
}

// refuser is an Args type refusing, with a named rule, arguments that
// another tool takes (reply refuses ghost): Refused returns the FieldError
// for argument name with value, or nil for a name it does not know.
type refuser interface {
	Refused(name, value string) *FieldError
}

// refusedArgs returns the FieldErrors of the top-level arguments of inst
// that dst refuses (refuser), and deletes them from inst, so that the
// schema check reports only the other problems instead of "unknown field".
func refusedArgs(dst any, inst any) FieldErrors {
	r, ok := dst.(refuser)
	obj, isObj := inst.(map[string]any)
	if !ok || !isObj {
		return nil
	}
	var out FieldErrors
	for k, val := range obj {
		if fe := r.Refused(k, truncate(render(val))); fe != nil {
			out = append(out, fe)
			delete(obj, k)
		}
	}
	return out
}

// Decode decodes tool arguments (a JSON object; empty or null means {}) into
// dst, a pointer to an Args struct, strictly: an unknown field (names are
// case-sensitive) is a FieldError naming it and listing the allowed ones; a
// value of the wrong JSON type is a FieldError naming the field and the
// expected type. JSON null for a field means "not given". Every rejection is
// FieldErrors; a dst that is not a pointer to a struct is a plain error.
func Decode(args json.RawMessage, dst any) error {
	rv := reflect.ValueOf(dst)
	if !rv.IsValid() || rv.Kind() != reflect.Pointer || rv.IsNil() || rv.Elem().Kind() != reflect.Struct {
		return fmt.Errorf("schemas: decode: dst must be a non-nil pointer to a struct, got %T", dst)
	}
	inst, fe := parseArgs(args)
	if fe != nil {
		return FieldErrors{fe}
	}
	errs := refusedArgs(dst, inst)
	walk(&errs, "", inst, rv.Elem().Type())
	if len(errs) > 0 {
		sortFieldErrors(errs)
		return errs
	}
	raw, err := json.Marshal(inst)
	if err != nil {
		return FieldErrors{newFieldError("arguments", "invalid", "", err.Error(), "send the arguments as one JSON object")}
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return FieldErrors{newFieldError("arguments", "invalid", "", err.Error(), "check the arguments against the tool's input schema")}
	}
	return nil
}

// walk checks value v against Go type t at path, recording FieldErrors.
func walk(errs *FieldErrors, path string, v any, t reflect.Type) {
	if v == nil {
		return // null: not given
	}
	field := path
	if field == "" {
		field = "arguments"
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	mismatch := func(want string) {
		value := truncate(render(v))
		errs.add(newFieldError(field, "wrong type", value, fmt.Sprintf("got %s %s, want %s", jsonKind(v), showValue(v), want),
			fmt.Sprintf("send %s as a JSON %s", field, want)))
	}
	switch t.Kind() {
	case reflect.Struct:
		obj, ok := v.(map[string]any)
		if !ok {
			mismatch("object")
			return
		}
		fields := jsonFields(t)
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			ft, ok := fieldType(fields, k)
			if !ok {
				names := make([]string, len(fields))
				for i, f := range fields {
					names[i] = f.name
				}
				errs.add(unknownFieldError(joinField(path, k), k, fmt.Sprintf("%q is not a parameter here (names are case-sensitive)", k), strings.Join(names, ", ")))
				continue
			}
			walk(errs, joinField(path, k), obj[k], ft)
		}
	case reflect.String:
		if _, ok := v.(string); !ok {
			mismatch("string")
		}
	case reflect.Bool:
		if _, ok := v.(bool); !ok {
			mismatch("boolean")
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, ok := v.(json.Number)
		if !ok {
			mismatch("integer")
			return
		}
		if _, err := strconv.ParseInt(n.String(), 10, t.Bits()); err != nil {
			mismatch(fmt.Sprintf("integer (whole number that fits %d bits)", t.Bits()))
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		n, ok := v.(json.Number)
		if !ok {
			mismatch("integer")
			return
		}
		if _, err := strconv.ParseUint(n.String(), 10, t.Bits()); err != nil {
			mismatch("non-negative integer")
		}
	case reflect.Float32, reflect.Float64:
		n, ok := v.(json.Number)
		if !ok {
			mismatch("number")
			return
		}
		if _, err := strconv.ParseFloat(n.String(), t.Bits()); err != nil {
			mismatch("number")
		}
	case reflect.Slice, reflect.Array:
		arr, ok := v.([]any)
		if !ok {
			mismatch("array")
			return
		}
		for i, e := range arr {
			walk(errs, fmt.Sprintf("%s[%d]", path, i), e, t.Elem())
		}
	case reflect.Map:
		obj, ok := v.(map[string]any)
		if !ok {
			mismatch("object")
			return
		}
		for k, e := range obj {
			walk(errs, joinField(path, k), e, t.Elem())
		}
	}
}

// SchedulingAdvice is the fix for an argument that asks for a later publish
// time. No tool of this server schedules posts yet; when one does
// (schedule_post), this constant points to it and every message follows.
const SchedulingAdvice = "this server cannot schedule posts yet, and its publishing tools publish immediately: " +
	"if the user asked for a later time, do not publish now; tell the user that scheduling is not available here"

// unknownFieldError reports an argument the tool does not take. A name that
// asks for scheduling (scheduled_publish_time, publish_at, schedule…) gets
// SchedulingAdvice, because "remove it" would publish now what the user
// wanted later.
func unknownFieldError(field, name, detail, allowed string) *FieldError {
	if looksLikeScheduling(name) {
		return newFieldError(field, "scheduling not supported", name, detail,
			SchedulingAdvice+"; only to publish now, remove it (allowed fields: "+allowed+")")
	}
	return newFieldError(field, "unknown field", name, detail, "remove it; allowed fields: "+allowed)
}

// looksLikeScheduling reports whether an argument name asks for a publish
// time: it holds "schedul" (schedule, scheduled_publish_time, scheduleAt) or
// is publish_at, publish_time, publish_date, post_at, send_at or their camel
// case forms.
func looksLikeScheduling(name string) bool {
	n := strings.NewReplacer("_", "", "-", "", " ", "").Replace(strings.ToLower(name))
	if strings.Contains(n, "schedul") {
		return true
	}
	switch n {
	case "publishat", "publishtime", "publishdate", "publishon", "postat", "posttime", "sendat", "publishlater":
		return true
	}
	return false
}

// jsonField is one JSON-visible field of a struct.
type jsonField struct {
	name string
	typ  reflect.Type
}

// jsonFields lists the JSON fields of struct t in declaration order, with
// embedded structs without a json name flattened, as encoding/json does.
func jsonFields(t reflect.Type) []jsonField {
	var out []jsonField
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		ft := f.Type
		if f.Anonymous && name == "" {
			et := ft
			if et.Kind() == reflect.Pointer {
				et = et.Elem()
			}
			if et.Kind() == reflect.Struct {
				out = append(out, jsonFields(et)...)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out = append(out, jsonField{name: name, typ: ft})
	}
	return out
}

// fieldType finds the type of the JSON field named name (case-sensitive).
func fieldType(fields []jsonField, name string) (reflect.Type, bool) {
	for _, f := range fields {
		if f.name == name {
			return f.typ, true
		}
	}
	return nil, false
}

// jsonKind names the JSON type of a parsed value.
func jsonKind(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case bool:
		return "boolean"
	case json.Number:
		if _, err := strconv.ParseInt(x.String(), 10, 64); err == nil {
			return "integer"
		}
		return "number"
	case float64:
		return "number"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}
