// Package render writes an inventory in the formats people and tools read: a terminal
// table, JSON (the inventory as documented by docs/schemas/inventory.schema.json), CSV of
// the assets, a CycloneDX 1.6 BOM of the devices with their firmware, and a
// self-contained HTML page with a communication map.
//
// It only lays out what package inventory decided: it must not infer anything, and it
// knows nothing of packets or protocols.
package render
