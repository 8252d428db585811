package model

import (
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"

	yaml "go.yaml.in/yaml/v3"

	"github.com/zonewarden/zonewarden/internal/readfile"
)

// Options tune Load.
type Options struct {
	// Requirement, when set, checks a requirement id of a countermeasure and returns its
	// canonical spelling ("sr1.1" → "SR 1.1"). Without it ids are kept as written.
	Requirement func(id string) (canonical string, ok bool)
	// ReadFile reads a model file; nil means ReadModelFile. Tests and fuzzing use it.
	ReadFile func(path string) ([]byte, error)
	// Glob expands an include pattern; nil means filepath.Glob.
	Glob func(pattern string) ([]string, error)
	// AllowIncludeOutside lets include: name files outside the root model's folder
	// (absolute paths, ../, symbolic links that lead out). Without it such includes are
	// refused, so that a model cannot pull in /etc/shadow or a device.
	AllowIncludeOutside bool
}

// maxIncludeDepth bounds include chains so that a hostile model cannot exhaust the stack.
const maxIncludeDepth = 32

// MaxFileSize bounds one model file; real plants stay far below it.
const MaxFileSize = 64 << 20

// ReadModelFile reads a model file the way Load does by default: a regular file of at
// most MaxFileSize bytes (a directory, named pipe or device is refused).
func ReadModelFile(path string) ([]byte, error) { return readfile.Read(path, MaxFileSize) }

// Load reads the model at path and every file it includes, validates it and returns it.
// On any problem it returns Errors holding every problem found, each with file:line:col.
func Load(path string, opts Options) (*Model, error) {
	if opts.ReadFile == nil {
		opts.ReadFile = ReadModelFile
	}
	if opts.Glob == nil {
		opts.Glob = filepath.Glob
	}
	l := &loader{opts: opts, m: &Model{}, seen: map[string]string{}, rootDir: resolve(filepath.Dir(filepath.Clean(path)))}
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
		read = ReadModelFile
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
	// rootDir is the root model's folder, symbolic links resolved: includes stay in it
	// unless Options.AllowIncludeOutside.
	rootDir string
	// unparsable: a file could not be read or parsed, so validating what was read would
	// only add noise (missing version, unknown ids) to the real problem.
	unparsable bool
}

func (l *loader) add(p Pos, msg, fix string) {
	l.diags = append(l.diags, Diagnostic{Pos: p, Message: msg, Fix: fix})
}

// syntaxErr turns a YAML syntax error ("yaml: line 12: did not find expected key") into a
// diagnostic. Type errors are reported by typeErrors, with the field's path.
func (l *loader) syntaxErr(file string, err error) {
	line, msg := splitLine(strings.TrimPrefix(err.Error(), "yaml: "))
	l.add(Pos{File: file, Line: line}, clip(msg), "")
}

var quotedRE = regexp.MustCompile(`'[^']{25,}'`)

// clip shortens a message of the YAML library so that it cannot carry much of the file:
// a quoted name ("unknown anchor '...' referenced") longer than a few words is cut, and
// so is the whole message past 200 bytes.
func clip(msg string) string {
	msg = quotedRE.ReplaceAllStringFunc(msg, func(q string) string {
		return q[:17] + "…'"
	})
	if len(msg) > 200 {
		msg = strings.ToValidUTF8(msg[:200], "") + "…"
	}
	return msg
}

var lineRE = regexp.MustCompile(`^line (\d+): `)

// splitLine takes "line 12: message" apart.
func splitLine(s string) (int, string) {
	m := lineRE.FindStringSubmatch(s)
	if m == nil {
		return 0, s
	}
	n, _ := strconv.Atoi(m[1])
	return n, s[len(m[0]):]
}

// columnAt returns the column of the first node on line under n, or 0.
func columnAt(n *yaml.Node, line int) int {
	if n == nil || line == 0 {
		return 0
	}
	col := 0
	var walk func(*yaml.Node, int)
	walk = func(n *yaml.Node, depth int) {
		if n == nil || depth > 64 {
			return
		}
		if n.Line == line && (col == 0 || n.Column < col) {
			col = n.Column
		}
		for _, c := range n.Content {
			walk(c, depth+1)
		}
	}
	walk(n, 0)
	return col
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
	if err == nil && len(data) > MaxFileSize {
		err = &readfile.Error{Path: clean, What: "larger than " + readfile.Size(MaxFileSize), Err: readfile.ErrTooLarge}
	}
	if err != nil {
		l.unparsable = true
		fix := "check the path"
		switch {
		case errors.Is(err, readfile.ErrTooLarge):
			fix = "split the model into files of less than " + readfile.Size(MaxFileSize) + " with include:"
		case errors.Is(err, readfile.ErrNotRegular):
			fix = "a model is a regular YAML file"
		case from != "":
			fix = "fix the include path; it is relative to the including file"
		}
		var fe *readfile.Error
		switch {
		case errors.As(err, &fe) && from == "":
			l.add(Pos{File: clean}, fmt.Sprintf("cannot read the model: %v", err), fix)
		case errors.As(err, &fe):
			l.add(fromPos, fmt.Sprintf("cannot read the included file: %v", err), fix)
		case from == "":
			l.add(Pos{File: clean}, fmt.Sprintf("cannot read the model: %v", err), fix)
		default:
			l.add(fromPos, fmt.Sprintf("cannot read included file %s: %v", clean, err), fix)
		}
		return
	}
	l.m.Files = append(l.m.Files, clean)
	l.stack = append(l.stack, clean)
	defer func() { l.stack = l.stack[:len(l.stack)-1] }()

	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		l.syntaxErr(clean, err)
		l.unparsable = true
		return
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		if root {
			l.add(Pos{File: clean, Line: 1, Col: 1}, "the model is empty", "start from `zonewarden init`")
		}
		return
	}
	body := unwrap(doc.Content[0])
	if body.Kind != yaml.MappingNode {
		l.add(nodePos(clean, body), "the top level of a model file must be a mapping (version, system, zones, ...)", "see docs/model.md")
		return
	}
	if !l.checkTopKeys(clean, body) {
		l.unparsable = true
		return
	}
	var includes []*yaml.Node
	for i := 0; i+1 < len(body.Content); i += 2 {
		key, value := body.Content[i], body.Content[i+1]
		switch key.Value {
		case "version":
			if !root {
				l.add(nodePos(clean, key), "version belongs in the root model file only", "remove it from the included file")
				continue
			}
			l.decodeAt(clean, value, &l.m.Version, "version")
		case "system":
			if !root {
				l.add(nodePos(clean, key), "system belongs in the root model file only", "move it to the root file")
				continue
			}
			// Read what can be read even after an error, so that threats are checked
			// against this model's categories and scales rather than the defaults.
			l.checkKeys(clean, unwrap(value), reflect.TypeFor[System](), "system")
			l.decodeAt(clean, value, &l.m.System, "system")
			l.m.System.Pos = nodePos(clean, key)
			l.m.System.node = unwrap(value)
		case "include":
			seq := unwrap(value)
			if seq.Kind != yaml.SequenceNode {
				l.add(nodePos(clean, value), "include: expected a list of file paths, found "+kindText(seq), "write include: [zones.yaml, assets/*.yaml]")
				continue
			}
			includes = append(includes, seq.Content...)
		case "zones":
			decodeList(l, clean, "zones", value, &l.m.Zones, func(z *Zone, p Pos, n *yaml.Node) { z.Pos, z.node = p, n })
		case "conduits":
			decodeList(l, clean, "conduits", value, &l.m.Conduits, func(c *Conduit, p Pos, n *yaml.Node) {
				c.Pos, c.node = p, n
				if seq := unwrap(mappingValue(n, "allow")); seq.Kind == yaml.SequenceNode {
					for i := range c.Allow {
						if i < len(seq.Content) {
							c.Allow[i].node = unwrap(seq.Content[i])
							c.Allow[i].Pos = nodePos(clean, c.Allow[i].node)
						}
					}
				}
			})
		case "assets":
			decodeList(l, clean, "assets", value, &l.m.Assets, func(a *Asset, p Pos, n *yaml.Node) { a.Pos, a.node = p, n })
		case "threats":
			decodeList(l, clean, "threats", value, &l.m.Threats, func(t *Threat, p Pos, n *yaml.Node) { t.Pos, t.node = p, n })
		case "countermeasures":
			decodeList(l, clean, "countermeasures", value, &l.m.Countermeasures, func(c *Countermeasure, p Pos, n *yaml.Node) { c.Pos, c.node = p, n })
		case "components":
			decodeList(l, clean, "components", value, &l.m.Components, func(c *Component, p Pos, n *yaml.Node) { c.Pos, c.node = p, n })
		}
	}
	dir := filepath.Dir(clean)
	for _, n := range includes {
		s := unwrap(n)
		if s.Kind != yaml.ScalarNode || s.Value == "" {
			l.add(nodePos(clean, n), "an include entry must be a file path", "")
			continue
		}
		pattern := s.Value
		if !filepath.IsAbs(pattern) {
			pattern = filepath.Join(dir, pattern)
		}
		at := nodePos(clean, n)
		if strings.ContainsAny(s.Value, "*?[") {
			matches, err := l.opts.Glob(pattern)
			if err != nil || len(matches) == 0 {
				l.add(at, fmt.Sprintf("include pattern %q matches no file", s.Value), "fix the pattern; it is relative to this file")
				continue
			}
			for _, m := range matches {
				if l.inside(at, s.Value, m) {
					l.file(m, posString(at), depth+1, false)
				}
			}
			continue
		}
		if l.inside(at, s.Value, pattern) {
			l.file(pattern, posString(at), depth+1, false)
		}
	}
}

// inside reports whether path, included as written at at, lies in the root model's
// folder once symbolic links are resolved, and reports it when not. An include that
// leads out (an absolute path, ../, a link) could otherwise read any file the user can.
func (l *loader) inside(at Pos, written, path string) bool {
	if l.opts.AllowIncludeOutside {
		return true
	}
	rel, err := filepath.Rel(l.rootDir, resolve(path))
	if err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel) {
		return true
	}
	l.unparsable = true
	l.add(at, fmt.Sprintf("include %q leads outside the model's folder %s", written, l.rootDir),
		"keep included files in the root model's folder or below it; to include this one anyway, run with --allow-include-outside")
	return false
}

// resolve returns path absolute with its symbolic links resolved, as far as it exists
// (a missing file is reported when it is read).
func resolve(path string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		return filepath.Clean(path)
	}
	for dir, rest := abs, ""; ; {
		if r, err := filepath.EvalSymlinks(dir); err == nil {
			return filepath.Join(r, rest)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return abs
		}
		rest = filepath.Join(filepath.Base(dir), rest)
		dir = parent
	}
}

// posString writes file:line:col, or file:line when the column is not known.
func posString(p Pos) string {
	if p.Col == 0 {
		return fmt.Sprintf("%s:%d", p.File, p.Line)
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

// decodeList decodes a YAML sequence item by item, so that one bad item does not hide
// the problems of the others, and records each item's position.
func decodeList[T any](l *loader, file, name string, n *yaml.Node, dst *[]T, setPos func(*T, Pos, *yaml.Node)) {
	n = unwrap(n)
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" {
		return
	}
	if n.Kind != yaml.SequenceNode {
		l.add(nodePos(file, n), fmt.Sprintf("%s: expected a list (items starting with \"- \"), found %s", name, kindText(n)), "see docs/model.md")
		return
	}
	typ := reflect.TypeFor[T]()
	*dst = slices.Grow(*dst, len(n.Content))
	for i, item := range n.Content {
		path := fmt.Sprintf("%s[%d]", name, i)
		mn := unwrap(item)
		if mn.Kind != yaml.MappingNode {
			l.add(nodePos(file, item), fmt.Sprintf("%s: expected a mapping with an id, found %s", path, kindText(item)), "")
			continue
		}
		if item.Kind != yaml.AliasNode {
			l.checkKeys(file, mn, typ, path)
		}
		var v T
		if !l.decodeAt(file, mn, &v, path) {
			// Keep the item's id, so that validation does not add a cascade of
			// "unknown id" errors about an item already reported.
			if id := mappingValue(mn, "id"); id != nil {
				l.m.unreadable = append(l.m.unreadable, unwrap(id).Value)
			}
			continue
		}
		setPos(&v, nodePos(file, mn), mn)
		*dst = append(*dst, v)
	}
}
