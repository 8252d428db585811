package render

import (
	"bytes"
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/zonewarden/zonewarden/internal/testutil"
	"github.com/zonewarden/zonewarden/internal/textsafe"
	"github.com/zonewarden/zonewarden/internal/verify"
)

// TestWriteReturnsWriteErrors renders every format into a writer that fails after n
// bytes, for n from the start to the last byte: each must return the error.
func TestWriteReturnsWriteErrors(t *testing.T) {
	res := hostile()
	for _, f := range Formats {
		var full bytes.Buffer
		if err := Write(&full, res, f); err != nil {
			t.Fatal(err)
		}
		for _, n := range testutil.Cuts(full.Len()) {
			if err := Write(&testutil.FailAfter{N: n}, res, f); !errors.Is(err, testutil.ErrFull) {
				t.Errorf("%s cut at byte %d of %d: returned %v", f, n, full.Len(), err)
			}
		}
	}
}

// hostileNamed puts name wherever the network or the model can put one.
func hostileNamed(name string) *verify.Result {
	res := hostile()
	res.System = name
	res.Devices[0].Name = name
	res.Devices[0].Zone = name
	res.Conversations[0].Client.ModelAsset = name
	res.Conversations[0].Client.Zone = name
	res.Conversations[0].Detail = name
	res.Conversations[0].Operations = []string{name}
	res.Conversations[0].Evidence.File = name
	res.Findings[0].Message = name
	res.Findings[0].Subject = name
	res.NotSeen = []string{name}
	return res
}

// TestHostileNames renders every hostile name in the table and in Markdown: nothing a
// terminal acts on gets through, and no name splits a Markdown row or forms markup.
func TestHostileNames(t *testing.T) {
	pipe := regexp.MustCompile(`(^|[^\\])(\\\\)*\|`) // an unescaped pipe
	for i, name := range testutil.Hostile {
		res := hostileNamed(name)
		var table, md bytes.Buffer
		if err := Table(&table, res); err != nil {
			t.Fatal(err)
		}
		if err := Markdown(&md, res); err != nil {
			t.Fatal(err)
		}
		if err := textsafe.CheckLines(table.String()); err != nil {
			t.Errorf("name %d, table: %v", i, err)
		}
		if err := textsafe.CheckLines(md.String()); err != nil {
			t.Errorf("name %d, md: %v", i, err)
		}
		for _, line := range strings.Split(md.String(), "\n") {
			if strings.HasPrefix(line, "| ") {
				if n := len(pipe.FindAllString(line, -1)); n != 8 && n != 11 {
					t.Errorf("name %d, md: a row with %d cell borders: %q", i, n, line)
				}
			}
		}
		if strings.Contains(md.String(), "<") || regexp.MustCompile(`(^|[^\\])\]\(`).MatchString(md.String()) {
			t.Errorf("name %d, md: markup reaches the document:\n%s", i, md.String())
		}
	}
}
