// Package assess carries out the IEC 62443-3-3 gap analysis of a plant model: the
// achieved security level (SL-A) of every zone and conduit per foundational requirement,
// from the countermeasures implemented in its scope; the gap to the target level (SL-T)
// from package risk; the component capability (SL-C) that bounds what a zone can reach;
// and a remediation plan ordered by the risk it reduces.
//
// It reads a loaded model, the requirement catalog and the risk result. It knows nothing
// of traffic or of output formats (package report renders its Result).
package assess
