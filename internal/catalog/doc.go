// Package catalog owns the IEC 62443 requirement catalogs: the system requirements of
// 62443-3-3 (SR and RE) and the component requirements of 62443-4-2 (CR, their REs and
// the SAR/EDR/HDR/NDR requirements per component type), kept as CSV files embedded in
// the binary and loaded once into an immutable Catalog. It knows identifiers, short
// titles, foundational requirements, the lowest security level of each requirement and
// where that level comes from, and descriptions written in this project's own words.
//
// Beside the requirements it keeps three tables of facts and judgements about them:
// the clause 4 constraints of both standards (kind "constraint", never counted toward
// SL-A), where each 62443-3-3 requirement applies (zones, conduits or both: Scope,
// AppliesTo), and which kinds of countermeasure can plausibly satisfy each requirement
// (Plausible, CountermeasureKinds).
//
// It must not know about plants, zones, assets, packets or output formats other than
// its own CSV: assessments (internal/assess) ask it questions, and the cli renders.
package catalog
