// Package risk carries out the IEC 62443-3-2 risk assessment of a plant model: the
// initial risk of each zone and conduit and whether it needs the detailed assessment
// (ZCR 2, 4), the unmitigated risk of each threat on the model's risk matrix, its
// vulnerabilities (ZCR 5.2: declared, observed by verify and passed in as Options, or from
// an advisory hook), its re-rating step by step by the stated effects of the
// countermeasures that address it (ZCR 5.8-5.11), their roll-up per zone and conduit, the
// target security level vector (SL-T) of every zone and conduit with each step of its
// derivation, and the partitioning checks of ZCR 3.
//
// It reads a loaded model and writes results; it knows nothing of the requirement
// catalog (package assess does the SL-A gap analysis), of traffic (verify's findings come
// in as Options.Observed weaknesses), or of report formats.
// docs/risk.md describes the method in words a reviewer can check.
package risk
