package assess

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"time"

	"github.com/zonewarden/zonewarden/internal/model"
	"github.com/zonewarden/zonewarden/internal/readfile"
)

// maxEvidenceFile bounds the evidence file read to check its SHA-256: larger files are
// not checked, and the record does not count.
const maxEvidenceFile = 256 << 20

// support is what the evidence records of one countermeasure (or one component
// certificate) amount to on the assessment day.
type support struct {
	// current: at least one record counts.
	current bool
	// stale are records that expired, are dated after the assessment day, or whose file
	// is missing or does not match its SHA-256; incomplete are records that lack a date
	// or a reviewer (or are plain strings). Each reads "record 2 (ref): why".
	stale, incomplete []string
}

// evidenceChecker judges evidence records on the assessment day, reading each file named
// with a SHA-256 once.
type evidenceChecker struct {
	asOf   time.Time
	months int
	// fallback is the folder of the root model file, for records whose position names
	// no file.
	fallback string
	hashes   map[string]hashed
}

type hashed struct {
	sum string
	err error
}

func newEvidenceChecker(m *model.Model, asOf time.Time) *evidenceChecker {
	months := m.System.EvidenceMonths
	if months <= 0 {
		months = model.DefaultEvidenceMonths
	}
	c := &evidenceChecker{asOf: asOf, months: months, fallback: ".", hashes: map[string]hashed{}}
	if len(m.Files) > 0 {
		c.fallback = filepath.Dir(m.Files[0])
	}
	return c
}

// check judges records written in file (the model file that holds them; "" for the
// root).
func (c *evidenceChecker) check(file string, records []model.Evidence) support {
	var s support
	for i := range records {
		e := &records[i]
		label := fmt.Sprintf("record %d (%s)", i+1, e.Ref)
		cur, why := c.record(file, e)
		switch cur {
		case model.EvidenceCurrent:
			s.current = true
		case model.EvidenceIncomplete:
			s.incomplete = append(s.incomplete, label+": "+why)
		default:
			s.stale = append(s.stale, label+": "+why)
		}
	}
	return s
}

// record says whether one record counts on the assessment day and, when not, why. A
// record that names a file with a SHA-256 counts only when the file is there and
// matches: the digest is what ties the record to what the auditor is shown.
func (c *evidenceChecker) record(file string, e *model.Evidence) (model.Currency, string) {
	cur, why := e.Currency(c.asOf, c.months)
	if cur != model.EvidenceCurrent || e.SHA256 == "" || isURL(e.Ref) {
		return cur, why
	}
	dir := c.fallback
	if file != "" {
		dir = filepath.Dir(file)
	}
	path := e.Ref
	if !filepath.IsAbs(path) {
		path = filepath.Join(dir, path)
	}
	h, ok := c.hashes[path]
	if !ok {
		b, err := readfile.Read(path, maxEvidenceFile)
		if err == nil {
			sum := sha256.Sum256(b)
			h.sum = hex.EncodeToString(sum[:])
		}
		h.err = err
		c.hashes[path] = h
	}
	switch {
	case errors.Is(h.err, fs.ErrNotExist):
		return model.EvidenceExpired, fmt.Sprintf("its file %s is not there", path)
	case h.err != nil:
		return model.EvidenceExpired, fmt.Sprintf("its file cannot be checked: %v", h.err)
	case !strings.EqualFold(h.sum, e.SHA256):
		return model.EvidenceExpired, fmt.Sprintf("its file %s has SHA-256 %s, not the %s the record states: the file changed since it was reviewed", path, h.sum, strings.ToLower(e.SHA256))
	}
	return model.EvidenceCurrent, ""
}

// isURL reports whether ref is a URL rather than a file path.
func isURL(ref string) bool {
	i := strings.Index(ref, "://")
	if i <= 0 {
		return strings.HasPrefix(ref, "urn:") || strings.HasPrefix(ref, "mailto:")
	}
	for _, r := range ref[:i] {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '+' || r == '-' || r == '.') {
			return false
		}
	}
	return true
}
