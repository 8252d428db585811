// Package textsafe makes text safe to write into each output format, and keeps the
// first error of a writer so that a renderer can check it once at the end.
//
// Names reach the outputs from the network (device names, LLDP system names, DHCP host
// names, capture file names) and from plant models; either may hold terminal escape
// sequences, control characters, bidirectional overrides or markup. Every renderer passes
// the strings it did not write itself through the function for its format:
//
//   - Terminal: tables printed on a terminal. Control characters (C0, DEL, C1), invalid
//     UTF-8 bytes, the Unicode line and paragraph separators and the bidirectional
//     controls are written visibly, as \xNN (ASCII controls and invalid bytes) or
//     \u{NNNN} (the others), so that no escape sequence reaches the terminal and nothing
//     is lost from sight.
//   - CSV: as Terminal, and a text cell that a spreadsheet would take for a formula
//     (starting with = + - or @, and not a plain number) is prefixed with a quote (').
//   - Markdown: table cells and inline text. Markdown punctuation is backslash-escaped,
//     < > & written as entities, line breaks and tabs become spaces, other controls are
//     written as in Terminal.
//   - Markup (and MarkupWriter for a whole page): HTML and SVG. The markup itself is
//     escaped by html/template or by the SVG writer; Markup replaces what a page must not
//     carry raw (controls other than tab, CR and LF, invalid UTF-8, noncharacters and
//     the bidirectional controls) with U+FFFD.
//
// JSON needs none of these: encoding/json escapes controls itself.
//
// Writer remembers the first write error, so that a renderer writing many pieces checks
// once, at the end, and never reports success for a truncated output.
//
// CheckTerminal, CheckLines and CheckMarkup report what an output must not carry raw;
// the renderers' tests hold their output against them, with the hostile names and the
// failing writer of internal/testutil. docs/outputs.md describes the rules for users.
//
// The package knows no model, inventory or report type: only strings and io.Writer.
package textsafe
