package model

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzLoad feeds arbitrary bytes to the loader: it must return a model or Errors, never
// panic, and never read files other than the ones given (includes resolve to nothing).
func FuzzLoad(f *testing.F) {
	f.Add([]byte(minimal))
	f.Add([]byte("version: 1\nsystem: {name: x}\nzones: [{id: a, sl_target: {FR1: 9}}]\n"))
	f.Add([]byte("include: [a.yaml, b.yaml]\n"))
	f.Add([]byte("zones:\n  - &a {id: x}\n  - *a\n"))
	f.Add([]byte("- just\n- a list\n"))
	f.Add([]byte("{version: 1, system: {risk: {matrix: [[x]]}}}"))
	for _, p := range []string{"../../examples/water-treatment/plant.yaml", "../../examples/substation/plant.yaml"} {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	noFiles := func(string) ([]byte, error) { return nil, os.ErrNotExist }
	noGlob := func(string) ([]string, error) { return nil, nil }
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Parse("fuzz.yaml", data, Options{ReadFile: noFiles, Glob: noGlob})
		if err != nil {
			var errs Errors
			if !errors.As(err, &errs) || len(errs) == 0 {
				t.Fatalf("error is not model.Errors: %v", err)
			}
			return
		}
		// A model that loads must be usable by the analyses' lookups.
		for _, z := range m.Zones {
			m.ZoneAssets(z.ID)
		}
		_ = filepath.Base(m.Files[0])
	})
}
