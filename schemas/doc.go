// Package schemas holds the tool contract of threads-mcp: the argument and
// result types of every tool, the JSON Schemas reflected from them, and every
// Threads rule the server enforces before it calls Meta (counted text length,
// one topic tag, at most five links, carousel size, media and link URL
// safety, id shapes, insight metric combinations).
//
// The package sits below both the Threads client (package threads) and the
// MCP layer (package tools): it imports neither. The Threads emulator uses
// CountText so that the fake and the server count text the same way.
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
