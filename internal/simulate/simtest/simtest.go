package simtest

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/zonewarden/zonewarden/internal/model"
	"github.com/zonewarden/zonewarden/internal/simulate"
)

// Capture simulates m with opts into a file in the test's temporary directory and
// returns the file's path and the simulator's truth. It fails the test on any error.
func Capture(t testing.TB, m *model.Model, opts simulate.Options) (string, *simulate.Truth) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "plant."+opts.Format.String())
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	truth, err := simulate.Run(context.Background(), m, opts, f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
	return path, truth
}

// Plant loads the model file at modelPath and simulates it as Capture does.
func Plant(t testing.TB, modelPath string, opts simulate.Options) (*model.Model, string, *simulate.Truth) {
	t.Helper()
	m, err := model.Load(modelPath, model.Options{})
	if err != nil {
		t.Fatal(err)
	}
	path, truth := Capture(t, m, opts)
	return m, path, truth
}
