package model

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"

	yaml "go.yaml.in/yaml/v3"
)

// checkKeys reports keys of mapping node n that the struct type t does not take, and keys
// given twice, recursing into nested structs and lists of structs. The YAML library
// ignores unknown keys when decoding a node; refusing them catches typos such as
// "sl_taget" that would otherwise silently fall back to a default.
func (l *loader) checkKeys(file string, n *yaml.Node, t reflect.Type, where string) {
	l.checkKeysDepth(file, n, t, where, 0)
}

func (l *loader) checkKeysDepth(file string, n *yaml.Node, t reflect.Type, where string, depth int) {
	if n.Kind != yaml.MappingNode || depth > 8 {
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
			l.add(nodePos(file, k), fmt.Sprintf("%q is given twice", k.Value), "keep one of them")
			continue
		}
		seen[k.Value] = true
		f, ok := fields.byName[k.Value]
		if !ok {
			in := where
			if in == "" {
				in = "a " + strings.ToLower(t.Name())
			}
			l.add(nodePos(file, k), fmt.Sprintf("unknown field %q in %s", k.Value, in),
				"fields here: "+strings.Join(fields.names, ", ")+"; see docs/model.md")
			continue
		}
		// Aliases are not followed: the anchored node is checked where it is written, and
		// following them would let a few lines of aliases expand into millions of checks.
		switch {
		case v.Kind == yaml.AliasNode:
		case f.Kind() == reflect.Struct:
			l.checkKeysDepth(file, v, f, k.Value, depth+1)
		case f.Kind() == reflect.Slice && f.Elem().Kind() == reflect.Struct && v.Kind == yaml.SequenceNode:
			for _, item := range v.Content {
				l.checkKeysDepth(file, item, f.Elem(), k.Value+" entry", depth+1)
			}
		}
	}
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
