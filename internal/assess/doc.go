// Package assess carries out the IEC 62443-3-3 gap analysis of a plant model: the
// achieved security level (SL-A) of every zone and conduit per foundational requirement,
// twice — claimed (every plausible claim of an implemented countermeasure) and evidenced
// (only claims with a current evidence record, or this run's traffic) — each against the
// requirements that apply to a zone or to a conduit and capped by the SL-C of the
// components that must provide the capability (from sl_capability, a component's
// certificate or its 62443-4-2 answers), unless a compensating countermeasure stands in;
// the gap to the target level (SL-T) from package risk; and a remediation plan ordered by
// the risk it reduces.
//
// It reads a loaded model, the requirement catalog (with its scope and plausibility
// tables), the risk result, and evidence files named with a SHA-256. It knows nothing of
// traffic beyond the supports and refutations it is handed, nor of output formats
// (package report renders its Result).
package assess
