// Package render writes a verification in the formats people and tools read: a terminal
// table, JSON (the result as documented by docs/schemas/verification.schema.json) and
// Markdown.
//
// It only lays out what package verify decided: it must not judge anything, and it knows
// nothing of packets, protocols or the model's rules.
package render
