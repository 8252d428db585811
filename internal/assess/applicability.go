package assess

import "github.com/zonewarden/zonewarden/internal/catalog"

// Two questions the analysis asks of the catalog: which system requirements apply to a
// zone and which to a conduit (a conduit is a communication path, so only the
// requirements about what crosses it), and which kinds of countermeasure can plausibly
// satisfy a requirement. Both tables live in the catalog (catalog.Scope,
// catalog.Plausible); Options can replace them, which tests do.

// Applies reports whether system requirement id applies to a subject of kind "zone" or
// "conduit".
type Applies func(kind, id string) bool

// Plausible reports whether a countermeasure of kind (model.CountermeasureKinds) can
// satisfy system requirement id, and when not, why, in a sentence an auditor reads.
type Plausible func(kind, id string) (ok bool, why string)

// catalogApplies reads the catalog's scope table.
func catalogApplies(c *catalog.Catalog) Applies {
	return func(kind, id string) bool {
		zone, conduit := c.AppliesTo(id)
		if kind == "conduit" {
			return conduit
		}
		return zone
	}
}
