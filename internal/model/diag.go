package model

import (
	"fmt"
	"sort"
	"strings"

	yaml "go.yaml.in/yaml/v3"
)

// Diagnostic is one problem in a model: where, what, and what to do about it.
type Diagnostic struct {
	Pos     Pos    `json:"pos"`
	Message string `json:"message"`
	Fix     string `json:"fix,omitempty"`
}

func (d Diagnostic) String() string {
	var b strings.Builder
	if d.Pos.File != "" {
		b.WriteString(d.Pos.File)
		if d.Pos.Line > 0 {
			b.WriteString(posString(d.Pos)[len(d.Pos.File):])
		}
		b.WriteString(": ")
	}
	b.WriteString(d.Message)
	if d.Fix != "" {
		b.WriteString("\n    fix: ")
		b.WriteString(d.Fix)
	}
	return b.String()
}

// Errors is every problem found in a model; it is the error Load returns.
type Errors []Diagnostic

func (e Errors) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d problem", len(e))
	if len(e) != 1 {
		b.WriteByte('s')
	}
	b.WriteString(" in the model:")
	for _, d := range e {
		b.WriteString("\n")
		b.WriteString(d.String())
	}
	return b.String()
}

// sortDiagnostics orders by file, line, column so that a person reads them top down.
func sortDiagnostics(ds []Diagnostic) {
	sort.SliceStable(ds, func(i, j int) bool {
		a, b := ds[i].Pos, ds[j].Pos
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
}

// nodeErr is an error raised while decoding a node, with the node's position.
type nodeErr struct {
	line, col int
	msg, fix  string
}

func (e *nodeErr) Error() string { return e.msg }

func nodeError(n *yaml.Node, msg, fix string) error {
	if n == nil {
		return &nodeErr{msg: msg, fix: fix}
	}
	return &nodeErr{line: n.Line, col: n.Column, msg: msg, fix: fix}
}

func nodePos(file string, n *yaml.Node) Pos {
	if n == nil {
		return Pos{File: file}
	}
	return Pos{File: file, Line: n.Line, Col: n.Column}
}

// String writes the position as file:line:col.
func (p Pos) String() string {
	if p.File == "" {
		return ""
	}
	if p.Line == 0 {
		return p.File
	}
	return posString(p)
}
