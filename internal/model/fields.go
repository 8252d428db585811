package model

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	yaml "go.yaml.in/yaml/v3"
)

// checkKeys reports keys of mapping node n that the struct type t does not take, and keys
// given twice, recursing into nested structs and lists of structs. path names n in
// messages ("zones[2]", "system.risk"). The YAML library ignores unknown keys when
// decoding a node; refusing them catches typos such as "sl_taget" that would otherwise
// silently fall back to a default.
func (l *loader) checkKeys(file string, n *yaml.Node, t reflect.Type, path string) {
	l.checkKeysDepth(file, n, t, path, 0)
}

// maxCheckDepth bounds the recursion of checkKeys and typeErrors; models nest five deep.
const maxCheckDepth = 16

func (l *loader) checkKeysDepth(file string, n *yaml.Node, t reflect.Type, path string, depth int) {
	if n.Kind != yaml.MappingNode || depth > maxCheckDepth {
		return
	}
	fields := fieldsOf(t)
	if fields == nil {
		return // the type decodes itself
	}
	seen := make(map[string]bool, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Value == "<<" { // merge key
			continue
		}
		if seen[k.Value] {
			l.add(nodePos(file, k), fmt.Sprintf("%s: %s is given twice", path, keyText(k)), "keep one of them")
			continue
		}
		seen[k.Value] = true
		f, ok := fields.byName[k.Value]
		if !ok {
			l.add(nodePos(file, k), fmt.Sprintf("unknown field %s in %s", keyText(k), path),
				"fields here: "+strings.Join(fields.names, ", ")+"; see docs/model.md")
			continue
		}
		// Aliases are not followed: the anchored node is checked where it is written, and
		// following them would let a few lines of aliases expand into millions of checks.
		switch {
		case v.Kind == yaml.AliasNode:
		case f.Kind() == reflect.Struct:
			l.checkKeysDepth(file, v, f, path+"."+k.Value, depth+1)
		case f.Kind() == reflect.Slice && f.Elem().Kind() == reflect.Struct && v.Kind == yaml.SequenceNode:
			for j, item := range v.Content {
				l.checkKeysDepth(file, item, f.Elem(), fmt.Sprintf("%s.%s[%d]", path, k.Value, j), depth+1)
			}
		}
	}
}

// checkTopKeys reports the unknown and repeated keys of a file's top-level mapping. The
// lists below it are checked item by item as they are decoded. A file none of whose keys
// is a model field is not a model file: it gets one diagnostic that shows none of its
// keys, since such a file (a password file, a key) would otherwise be echoed line by
// line. It reports whether the file looks like a model file.
func (l *loader) checkTopKeys(file string, n *yaml.Node) bool {
	fields := fieldsOf(reflect.TypeFor[Model]())
	known := 0
	for i := 0; i+1 < len(n.Content); i += 2 {
		if _, ok := fields.byName[n.Content[i].Value]; ok {
			known++
		}
	}
	if known == 0 && len(n.Content) > 0 {
		l.add(Pos{File: file, Line: 1, Col: 1},
			fmt.Sprintf("not a model file: none of its %d top-level keys is a model field", len(n.Content)/2),
			"a model file's top level holds "+strings.Join(fields.names, ", ")+"; include only model files")
		return false
	}
	seen := make(map[string]bool, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		switch {
		case seen[k.Value]:
			l.add(nodePos(file, k), fmt.Sprintf("%s is given twice", keyText(k)), "keep one of them")
		case fields.byName[k.Value] == nil:
			l.add(nodePos(file, k), fmt.Sprintf("unknown field %s at the model's top level", keyText(k)),
				"fields here: "+strings.Join(fields.names, ", ")+"; see docs/model.md")
		}
		seen[k.Value] = true
	}
	return true
}

var fieldNameRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]{0,47}$`)

// keyText quotes a mapping key for a message. A key that could be a field name is shown
// whole; any other (a line of a file that is not a model: "root:$6$...:19000::") is
// shown by its leading letters only, so that a diagnostic never carries a file's content.
func keyText(k *yaml.Node) string {
	if k.Kind != yaml.ScalarNode {
		return "(" + kindText(k) + " used as a key)"
	}
	if fieldNameRE.MatchString(k.Value) {
		return fmt.Sprintf("%q", k.Value)
	}
	end := strings.IndexFunc(k.Value, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-')
	})
	if end < 0 || end > 16 {
		end = min(len(k.Value), 16)
	}
	return fmt.Sprintf("%q (a key of %d characters, not shown whole)", k.Value[:end]+"…", utf8.RuneCountInString(k.Value))
}

// decodeAt decodes node n into v, the element at path; on failure it reports each value
// of the wrong type with its path, the type expected and what was written instead.
func (l *loader) decodeAt(file string, n *yaml.Node, v any, path string) bool {
	err := n.Decode(v)
	if err == nil {
		return true
	}
	l.typeErrors(file, n, reflect.TypeOf(v), path, err, 0)
	return false
}

// typeErrors reports why node n does not decode into type t (err is the library's
// answer). It descends into the fields, items and values of n to name the innermost
// values at fault, and returns how many problems it reported.
func (l *loader) typeErrors(file string, n *yaml.Node, t reflect.Type, path string, err error, depth int) int {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	found := 0
	if n.Kind != yaml.AliasNode && depth < maxCheckDepth && kindFits(t, n) {
		child := func(c *yaml.Node, ct reflect.Type, cpath string) {
			v := reflect.New(ct)
			if cerr := c.Decode(v.Interface()); cerr != nil {
				found += l.typeErrors(file, c, ct, cpath, cerr, depth+1)
			}
		}
		switch t.Kind() {
		case reflect.Struct:
			if fs := fieldsOf(t); fs != nil {
				for i := 0; i+1 < len(n.Content); i += 2 {
					if f, ok := fs.byName[n.Content[i].Value]; ok {
						child(n.Content[i+1], f, path+"."+n.Content[i].Value)
					}
				}
			}
		case reflect.Slice:
			for i, c := range n.Content {
				child(c, t.Elem(), fmt.Sprintf("%s[%d]", path, i))
			}
		case reflect.Map:
			for i := 0; i+1 < len(n.Content); i += 2 {
				k := n.Content[i]
				name := k.Value
				if k.Kind != yaml.ScalarNode || !fieldNameRE.MatchString(name) {
					name = fmt.Sprint(i / 2)
				}
				child(n.Content[i+1], t.Elem(), path+"."+name)
			}
		}
	}
	if found > 0 {
		return found
	}
	var ne *nodeErr
	switch {
	case errors.As(err, &ne):
		l.add(Pos{File: file, Line: ne.line, Col: ne.col}, path+": "+ne.msg, ne.fix)
	case isTypeError(err) && !kindFits(t, n):
		msg := fmt.Sprintf("%s: expected %s, found %s", path, typeText(t, false), kindText(n))
		if n.Kind == yaml.AliasNode && n.Alias != nil {
			msg += fmt.Sprintf(" (through the alias *%s of line %d)", n.Value, n.Alias.Line)
		}
		l.add(nodePos(file, n), msg, "see docs/model.md for what "+lastName(path)+" takes")
	case isTypeError(err):
		// The value has the right shape but does not fit (a number too large, say). The
		// library's message would quote the value: say what was expected instead.
		l.add(nodePos(file, n), fmt.Sprintf("%s: expected %s; the value written does not fit it", path, typeText(t, false)),
			"see docs/model.md for what "+lastName(path)+" takes")
	default:
		line, msg := splitLine(strings.TrimPrefix(err.Error(), "yaml: "))
		p := nodePos(file, n)
		if line > 0 {
			p = Pos{File: file, Line: line, Col: columnAt(n, line)}
		}
		l.add(p, path+": "+clip(msg), "")
	}
	return 1
}

func isTypeError(err error) bool {
	var te *yaml.TypeError
	return errors.As(err, &te)
}

// kindFits reports whether node n has the shape type t decodes from (a mapping for a
// struct or map, a list for a slice, a scalar otherwise). A null fits everything.
func kindFits(t reflect.Type, n *yaml.Node) bool {
	n = unwrap(n)
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" {
		return true
	}
	if reflect.PointerTo(t).Implements(unmarshalerType) {
		return true // it checks its own input
	}
	switch t.Kind() {
	case reflect.Struct, reflect.Map:
		return n.Kind == yaml.MappingNode
	case reflect.Slice:
		return n.Kind == yaml.SequenceNode
	case reflect.String:
		return n.Kind == yaml.ScalarNode
	case reflect.Bool:
		return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!bool"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!int"
	case reflect.Float32, reflect.Float64:
		return n.Kind == yaml.ScalarNode && (n.ShortTag() == "!!int" || n.ShortTag() == "!!float")
	}
	return true
}

// typeText describes what a Go type takes in YAML, for people.
func typeText(t reflect.Type, plural bool) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	one := func(a, many string) string {
		if plural {
			return many
		}
		return a
	}
	switch {
	case t == reflect.TypeFor[Purdue]():
		return one("a Purdue level (0, 1, 2, 3, 3.5, 4 or 5)", "Purdue levels")
	case t == reflect.TypeFor[SLTarget](), t == reflect.TypeFor[SLVector]():
		return one("a security level (0–4, or per FR such as {FR1: 2})", "security levels")
	}
	switch t.Kind() {
	case reflect.String:
		return "text"
	case reflect.Bool:
		return one("true or false", "true or false values")
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return one("a whole number", "whole numbers")
	case reflect.Float32, reflect.Float64:
		return one("a number", "numbers")
	case reflect.Slice:
		return one("a list of ", "lists of ") + typeText(t.Elem(), true)
	case reflect.Map:
		return one("a mapping of names to ", "mappings of names to ") + typeText(t.Elem(), true)
	case reflect.Struct:
		return one("a mapping", "mappings")
	}
	return t.String()
}

// kindText describes what a node holds, without its text: messages never echo values,
// which may come from a file that should not have been read.
func kindText(n *yaml.Node) string {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!str":
			return "text"
		case "!!int":
			return "a whole number"
		case "!!float":
			return "a number with a fraction"
		case "!!bool":
			return "true or false"
		case "!!null":
			return "nothing"
		case "!!timestamp":
			return "a date"
		case "!!binary":
			return "binary data"
		}
		return "a value tagged " + n.ShortTag()
	}
	return "nothing"
}

func lastName(path string) string {
	path = strings.TrimRightFunc(path, func(r rune) bool { return r == ']' || r >= '0' && r <= '9' || r == '[' })
	if i := strings.LastIndexByte(path, '.'); i >= 0 {
		return path[i+1:]
	}
	return path
}

type fieldSet struct {
	byName map[string]reflect.Type
	names  []string
}

var fieldCache sync.Map // reflect.Type → *fieldSet

var unmarshalerType = reflect.TypeFor[yaml.Unmarshaler]()

// fieldsOf returns the YAML keys a struct type takes, or nil for types that decode
// themselves (they check their own keys).
func fieldsOf(t reflect.Type) *fieldSet {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || reflect.PointerTo(t).Implements(unmarshalerType) {
		return nil
	}
	if fs, ok := fieldCache.Load(t); ok {
		return fs.(*fieldSet)
	}
	fs := &fieldSet{byName: map[string]reflect.Type{}}
	for i := range t.NumField() {
		sf := t.Field(i)
		name, _, _ := strings.Cut(sf.Tag.Get("yaml"), ",")
		if name == "-" || name == "" || !sf.IsExported() {
			continue
		}
		ft := sf.Type
		for ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		fs.byName[name] = ft
		fs.names = append(fs.names, name)
	}
	slices.Sort(fs.names)
	fieldCache.Store(t, fs)
	return fs
}
