// Package finding defines a finding — something an assessment, verification or detection
// wants a person to act on — and its severity scale, so that every analysis reports in
// the same shape and --fail-on means the same thing everywhere. It knows nothing of how
// findings are found.
package finding
