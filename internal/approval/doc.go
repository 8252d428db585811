// Package approval records and checks the asset owner's approval of a plant model
// (IEC 62443-3-2 ZCR 7): who approved it, in what role, on which day (UTC), and for
// exactly which content — a SHA-256 over every file the model was loaded from, the root
// and its includes, each named relative to the root model's folder.
//
// Approvals are kept beside the model, never in it (writing one into the model would
// change the content it approves): plant.yaml's history is plant.approvals.json, a JSON
// document (docs/schemas/approvals.schema.json) to which each approval is appended and
// which is rewritten whole or not at all through internal/outfile. Check holds the
// current content against the history: approved (by whom, when), void (the model changed
// since, and which files differ), or none.
//
// It owns the content digest, the history file and the verdict. It does not load or
// validate models (it is handed the bytes the loader read, or the list of files), knows
// nothing of zones, risk or reports, and never decides who may approve: that is the
// organisation's process, which the record only documents.
package approval
