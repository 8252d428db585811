// Package cli holds zonewarden's subcommands: one file per subcommand, flag parsing and
// the choice of output, nothing else. It is the only package that knows about flags;
// the work itself lives in the domain packages (model, catalog, risk, assess, report, ...).
package cli
