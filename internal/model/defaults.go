package model

// DefaultCategories are the consequence categories used when a model names none.
var DefaultCategories = []string{"safety", "environment", "production", "financial", "reputation"}

// DefaultRiskMethod returns the 5×5 method used when a model states none: likelihood and
// consequence 1–5, risk levels low, medium, high, critical, tolerable "medium".
func DefaultRiskMethod() RiskMethod {
	return RiskMethod{
		Likelihood: []ScaleLevel{
			{1, "Rare", "not expected in the system's lifetime"},
			{2, "Unlikely", "could happen once in the system's lifetime"},
			{3, "Possible", "could happen within a few years"},
			{4, "Likely", "expected within a year"},
			{5, "Almost certain", "expected several times a year"},
		},
		Consequence: []ScaleLevel{
			{1, "Negligible", "no lasting effect"},
			{2, "Minor", "short disruption, no injury"},
			{3, "Moderate", "production loss, minor injury or local release"},
			{4, "Major", "serious injury, reportable release, extended outage"},
			{5, "Catastrophic", "fatality, major environmental damage, loss of the plant"},
		},
		Categories: append([]string(nil), DefaultCategories...),
		Levels:     []string{"low", "medium", "high", "critical"},
		Matrix: [][]string{
			{"low", "low", "low", "medium", "medium"},
			{"low", "low", "medium", "medium", "high"},
			{"low", "medium", "medium", "high", "high"},
			{"medium", "medium", "high", "high", "critical"},
			{"medium", "high", "high", "critical", "critical"},
		},
		Tolerable: "medium",
	}
}

// applyRiskDefaults fills what the model left out. A model that changes a scale must also
// give the matrix that fits it; validation says so when it does not.
func applyRiskDefaults(r *RiskMethod) {
	d := DefaultRiskMethod()
	if len(r.Likelihood) == 0 {
		r.Likelihood = d.Likelihood
	}
	if len(r.Consequence) == 0 {
		r.Consequence = d.Consequence
	}
	if len(r.Categories) == 0 {
		r.Categories = d.Categories
	}
	if len(r.Levels) == 0 {
		r.Levels = d.Levels
	}
	if len(r.Matrix) == 0 && len(r.Likelihood) == 5 && len(r.Consequence) == 5 {
		r.Matrix = d.Matrix
	}
	if r.Tolerable == "" {
		r.Tolerable = d.Tolerable
	}
}

// RiskLevel returns the index in Levels of likelihood l and consequence c (both 1-based,
// clamped to the scales).
func (r *RiskMethod) RiskLevel(l, c int) int {
	l = min(max(l, 1), len(r.Matrix))
	c = min(max(c, 1), len(r.Matrix[l-1]))
	name := r.Matrix[l-1][c-1]
	return indexOf(r.Levels, name)
}

// TolerableIndex returns the index in Levels of the tolerable risk.
func (r *RiskMethod) TolerableIndex() int { return indexOf(r.Levels, r.Tolerable) }
