// Package schemas holds the tool contract of threads-mcp: the argument and
// result types of every tool, the JSON Schemas reflected from them, and every
// Threads rule the server enforces before it calls Meta (counted text length,
// one topic tag, at most five links, carousel size, media and link URL
// safety, id shapes, insight metric combinations).
//
// Every rule is defined once and the rest is generated from it: the schema
// keywords that state a rule (enums, maxLength, minItems, ...) and the
// descriptions that quote it are set in the JSONSchemaExtend methods from the
// Go constants and lists, never written into struct tags. Rules that the
// Threads client itself applies or sends (the reply_control values, the
// carousel bounds, the default insight metrics) are defined in package
// threads, which this package imports; threads never imports schemas. The
// MCP layer (package tools) imports both.
//
// A tool call is handled in this order:
//
//	v.Validate(raw)          // JSON Schema check (Validator), readable FieldErrors
//	Decode(raw, &args)       // strict decode: unknown fields and wrong types are FieldErrors
//	args.Normalize()         // trim, strip a leading '#' from topic_tag, ...
//	args.Defaults()          // where a default applies
//	args.Validate()          // every Threads rule; the Go side alone is sufficient
//
// Every rejection is a *FieldError (or FieldErrors) whose message names the
// JSON field (for example items[3].url), the rule broken, the value seen and
// how to fix it, so that a model can act on it.
package schemas
