// Package report renders analysis results for people and for machines: a terminal table,
// JSON (schemas under docs/schemas/), Markdown, CSV and a self-contained HTML report.
// It decides how results look, never what they are: it holds no analysis logic.
package report
