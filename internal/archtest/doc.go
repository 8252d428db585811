// Package archtest holds no code: its test keeps zonewarden's layering, failing when a
// package imports, directly or through others, what its place in the pipeline forbids
// (dissectors know no zones, the model knows no packets, only the CLI knows cobra, ...).
// The rules are one table in imports_test.go; docs/architecture.md ("Import rules")
// explains them. It must not be imported by anything.
package archtest
