package model

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

// Options tune Load.
type Options struct {
	// Requirement, when set, checks a requirement id of a countermeasure and returns its
	// canonical spelling ("sr1.1" → "SR 1.1"). Without it ids are kept as written.
	Requirement func(id string) (canonical string, ok bool)
	// ReadFile reads a model file; nil means os.ReadFile. Tests and fuzzing use it.
	ReadFile func(path string) ([]byte, error)
}

// maxIncludeDepth bounds include chains so that a hostile model cannot exhaust the stack.
const maxIncludeDepth = 32

// maxFileSize bounds one model file; real plants stay far below it.
const maxFileSize = 64 << 20

// Load reads the model at path and every file it includes, validates it and returns it.
// On any problem it returns Errors holding every problem found, each with file:line:col.
func Load(path string, opts Options) (*Model, error) {
	if opts.ReadFile == nil {
		opts.ReadFile = os.ReadFile
	}
	l := &loader{opts: opts, m: &Model{}, seen: map[string]string{}}
	l.file(path, "", 0, true)
	if !l.unparsable {
		l.diags = append(l.diags, validate(l.m, opts)...)
	}
	if len(l.diags) > 0 {
		sortDiagnostics(l.diags)
		return nil, Errors(l.diags)
	}
	l.m.buildIndex()
	return l.m, nil
}

// Parse loads a model from bytes as if read from a file called name; includes are
// resolved with opts.ReadFile relative to name.
func Parse(name string, data []byte, opts Options) (*Model, error) {
	read := opts.ReadFile
	if read == nil {
		read = os.ReadFile
	}
	opts.ReadFile = func(p string) ([]byte, error) {
		if p == name {
			return data, nil
		}
		return read(p)
	}
	return Load(name, opts)
}

type loader struct {
	opts  Options
	m     *Model
	diags []Diagnostic
	seen  map[string]string // cleaned path → the file that included it
	stack []string
	// unparsable: a file could not be read or parsed, so validating what was read would
	// only add noise (missing version, unknown ids) to the real problem.
	unparsable bool
}

func (l *loader) add(p Pos, msg, fix string) {
	l.diags = append(l.diags, Diagnostic{Pos: p, Message: msg, Fix: fix})
}

// decodeErr turns an error of the YAML library or of an UnmarshalYAML into a diagnostic.
func (l *loader) decodeErr(file string, at ast.Node, err error) {
	var ne *nodeErr
	if errors.As(err, &ne) {
		l.add(tokenPos(file, ne.tok), ne.msg, ne.fix)
		return
	}
	var ye yaml.Error
	if errors.As(err, &ye) {
		msg := ye.GetMessage()
		fix := ""
		var uf *yaml.UnknownFieldError
		if errors.As(err, &uf) {
			fix = "check the spelling against docs/model.md; unknown fields are refused so that typos do not go unnoticed"
		}
		var te *yaml.TypeError
		if errors.As(err, &te) {
			fix = "see docs/model.md for the type this field takes"
		}
		l.add(tokenPos(file, ye.GetToken()), msg, fix)
		return
	}
	l.add(nodePos(file, at), err.Error(), "")
}

func (l *loader) file(path, from string, depth int, root bool) {
	clean := filepath.Clean(path)
	fromPos := Pos{File: from}
	if i := slices.Index(l.stack, clean); i >= 0 {
		cycle := append(append([]string(nil), l.stack[i:]...), clean)
		l.add(fromPos, "include cycle: "+strings.Join(cycle, " → "), "remove one of the includes in the cycle")
		return
	}
	if by, ok := l.seen[clean]; ok {
		l.add(fromPos, fmt.Sprintf("%s is included twice (already by %s)", clean, by), "include each file once")
		return
	}
	if depth > maxIncludeDepth {
		l.add(fromPos, fmt.Sprintf("includes nest deeper than %d files", maxIncludeDepth), "flatten the include chain")
		return
	}
	l.seen[clean] = from
	data, err := l.opts.ReadFile(clean)
	if err != nil {
		l.unparsable = true
		if from == "" {
			l.add(Pos{File: clean}, fmt.Sprintf("cannot read the model: %v", err), "check the path")
		} else {
			l.add(fromPos, fmt.Sprintf("cannot read included file %s: %v", clean, err), "fix the include path; it is relative to the including file")
		}
		return
	}
	if len(data) > maxFileSize {
		l.add(Pos{File: clean}, fmt.Sprintf("model file is %d bytes, more than the %d this tool reads", len(data), maxFileSize), "split it with include:")
		return
	}
	l.m.Files = append(l.m.Files, clean)
	l.stack = append(l.stack, clean)
	defer func() { l.stack = l.stack[:len(l.stack)-1] }()

	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		l.decodeErr(clean, nil, err)
		l.unparsable = true
		return
	}
	if len(f.Docs) == 0 || f.Docs[0].Body == nil {
		if root {
			l.add(Pos{File: clean, Line: 1, Col: 1}, "the model is empty", "start from `zonewarden init`")
		}
		return
	}
	if len(f.Docs) > 1 {
		l.add(nodePos(clean, f.Docs[1]), "a model file holds one YAML document", "move the second document to its own file and include it")
	}
	body, ok := unwrap(f.Docs[0].Body).(*ast.MappingNode)
	if !ok {
		l.add(nodePos(clean, f.Docs[0].Body), "the top level of a model file must be a mapping (version, system, zones, ...)", "see docs/model.md")
		return
	}
	var includes []ast.Node
	for _, mv := range body.Values {
		key := mv.Key.String()
		switch key {
		case "version":
			if !root {
				l.add(nodePos(clean, mv.Key), "version belongs in the root model file only", "remove it from the included file")
				continue
			}
			if err := nodeToValue(mv.Value, &l.m.Version); err != nil {
				l.decodeErr(clean, mv.Value, err)
			}
		case "system":
			if !root {
				l.add(nodePos(clean, mv.Key), "system belongs in the root model file only", "move it to the root file")
				continue
			}
			if err := nodeToValue(mv.Value, &l.m.System, yaml.DisallowUnknownField()); err != nil {
				l.decodeErr(clean, mv.Value, err)
				// Read what can be read, so that threats are checked against this
				// model's categories and scales rather than the defaults.
				l.m.System = System{}
				_ = nodeToValue(mv.Value, &l.m.System)
			}
			l.m.System.Pos = nodePos(clean, mv.Key)
			l.m.System.node, _ = unwrap(mv.Value).(*ast.MappingNode)
		case "include":
			seq, ok := unwrap(mv.Value).(*ast.SequenceNode)
			if !ok {
				l.add(nodePos(clean, mv.Value), "include must be a list of file paths", "write include: [zones.yaml, assets/*.yaml]")
				continue
			}
			includes = append(includes, seq.Values...)
		case "zones":
			decodeList(l, clean, mv.Value, &l.m.Zones, func(z *Zone, p Pos, n *ast.MappingNode) { z.Pos, z.node = p, n })
		case "conduits":
			decodeList(l, clean, mv.Value, &l.m.Conduits, func(c *Conduit, p Pos, n *ast.MappingNode) {
				c.Pos, c.node = p, n
				if seq, ok := unwrap(mappingValue(n, "allow")).(*ast.SequenceNode); ok {
					for i := range c.Allow {
						if i < len(seq.Values) {
							c.Allow[i].Pos = nodePos(clean, seq.Values[i])
							c.Allow[i].node, _ = unwrap(seq.Values[i]).(*ast.MappingNode)
						}
					}
				}
			})
		case "assets":
			decodeList(l, clean, mv.Value, &l.m.Assets, func(a *Asset, p Pos, n *ast.MappingNode) { a.Pos, a.node = p, n })
		case "threats":
			decodeList(l, clean, mv.Value, &l.m.Threats, func(t *Threat, p Pos, n *ast.MappingNode) { t.Pos, t.node = p, n })
		case "countermeasures":
			decodeList(l, clean, mv.Value, &l.m.Countermeasures, func(c *Countermeasure, p Pos, n *ast.MappingNode) { c.Pos, c.node = p, n })
		default:
			l.add(nodePos(clean, mv.Key), fmt.Sprintf("unknown top-level field %q", key),
				"the model's top level takes version, system, include, zones, conduits, assets, threats and countermeasures")
		}
	}
	dir := filepath.Dir(clean)
	for _, n := range includes {
		s, ok := unwrap(n).(*ast.StringNode)
		if !ok || s.Value == "" {
			l.add(nodePos(clean, n), "an include entry must be a file path", "")
			continue
		}
		pattern := s.Value
		if !filepath.IsAbs(pattern) {
			pattern = filepath.Join(dir, pattern)
		}
		if strings.ContainsAny(s.Value, "*?[") {
			matches, err := filepath.Glob(pattern)
			if err != nil || len(matches) == 0 {
				l.add(nodePos(clean, n), fmt.Sprintf("include pattern %q matches no file", s.Value), "fix the pattern; it is relative to this file")
				continue
			}
			for _, m := range matches {
				l.file(m, posString(nodePos(clean, n)), depth+1, false)
			}
			continue
		}
		l.file(pattern, posString(nodePos(clean, n)), depth+1, false)
	}
}

func posString(p Pos) string { return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col) }

// decodeList decodes a YAML sequence item by item, so that one bad item does not hide
// the problems of the others, and records each item's position.
func decodeList[T any](l *loader, file string, n ast.Node, dst *[]T, setPos func(*T, Pos, *ast.MappingNode)) {
	if _, isNull := unwrap(n).(*ast.NullNode); isNull {
		return
	}
	seq, ok := unwrap(n).(*ast.SequenceNode)
	if !ok {
		l.add(nodePos(file, n), "expected a list (items starting with \"- \")", "see docs/model.md")
		return
	}
	for _, item := range seq.Values {
		mn, ok := unwrap(item).(*ast.MappingNode)
		if !ok {
			l.add(nodePos(file, item), "each list item must be a mapping with an id", "")
			continue
		}
		var v T
		if err := nodeToValue(mn, &v, yaml.DisallowUnknownField()); err != nil {
			l.decodeErr(file, mn, err)
			// Keep what can still be read, so that validation can go on to report the
			// other problems without a cascade of "unknown id" errors about this item.
			v = *new(T)
			if nodeToValue(mn, &v) != nil {
				if id, ok := unwrap(mappingValue(mn, "id")).(*ast.StringNode); ok {
					l.m.unreadable = append(l.m.unreadable, id.Value)
				}
				continue
			}
		}
		setPos(&v, nodePos(file, mn), mn)
		*dst = append(*dst, v)
	}
}

func mappingValue(m *ast.MappingNode, key string) ast.Node {
	if m == nil {
		return nil
	}
	for _, mv := range m.Values {
		if mv.Key.String() == key {
			return mv.Value
		}
	}
	return nil
}

// nodeToValue decodes a node like yaml.NodeToValue, but turns a panic inside the YAML
// library (fuzzing found nil dereferences on some malformed tagged nodes) into an error
// at the node, so that hostile input gets a diagnostic instead of a crash.
func nodeToValue(n ast.Node, v any, opts ...yaml.DecodeOption) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = nodeError(n, fmt.Sprintf("this value cannot be decoded (YAML library error: %v)", r),
				"check the YAML syntax around here: tags, indentation and quoting")
		}
	}()
	return yaml.NodeToValue(n, v, opts...)
}
