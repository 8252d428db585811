// Package inventory holds the asset inventory's types: the captures read, the assets
// with their identity, role and Purdue level, the conversations between them, and the
// warnings about the input, with the JSON form documented by
// docs/schemas/inventory.schema.json (field names never change meaning). It is what the
// analyses (verify, propose) and the renderers read.
//
// It knows no packets and no observations: package inventory/discover builds an
// Inventory from them, so that a renderer or an analysis depends on the inventory
// without depending on capture, decode or observe (held by internal/archtest).
package inventory
