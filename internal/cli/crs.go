package cli

import (
	"io"
	"slices"

	"github.com/zonewarden/zonewarden/internal/approval"
	"github.com/zonewarden/zonewarden/internal/assess"
	"github.com/zonewarden/zonewarden/internal/catalog"
	"github.com/zonewarden/zonewarden/internal/model"
	"github.com/zonewarden/zonewarden/internal/report"
	"github.com/zonewarden/zonewarden/internal/risk"
)

// assessFormats are assess's formats: the assessment's own and the cybersecurity
// requirements specification's (crs, crs-md), which assess writes from the same run.
var assessFormats = append(slices.Clip(report.AssessmentFormats), report.CRSFormats...)

// writeAssessment writes what assess -f asked for: the assessment in one of its formats,
// or the requirements specification (IEC 62443-3-2 ZCR 6) of the model with its boundary
// findings (ZCR 1); both say the approval verdict st (ZCR 7).
func writeAssessment(w io.Writer, m *model.Model, res *assess.Result, st *approval.Status, f report.Format) error {
	res.Approval = st
	if !report.IsCRS(f) {
		return report.Assessment(w, res, f)
	}
	return report.CRS(w, &report.CRSInput{Model: m, Risk: res.Risk, Catalog: catalog.Default(), Date: res.Date,
		Findings: risk.BoundaryChecks(m), Approval: st}, f)
}
