package sink

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/zonewarden/zonewarden/internal/alert"
)

// Format renders one alert, appending to dst without a newline; the renderers of
// package alert have this shape.
type Format func(dst []byte, a *alert.Alert) []byte

// Formats a Writer can use.
var (
	JSONLines Format = alert.AppendJSON
	Table     Format = alert.AppendTable
)

// CEF returns the CEF format with the given header options.
func CEF(o alert.CEFOptions) Format {
	return func(dst []byte, a *alert.Alert) []byte { return alert.AppendCEF(dst, a, o) }
}

// Syslog returns the RFC 5424 format (without transport framing), for writing syslog
// lines to a file.
func Syslog(o alert.SyslogOptions) Format {
	return func(dst []byte, a *alert.Alert) []byte { return alert.AppendSyslog(dst, a, o) }
}

// Writer writes one line per alert to an io.Writer: standard output, or a file.
type Writer struct {
	w      io.Writer
	format Format
	header []byte // written before the first line, then nil
	closer io.Closer
	buf    []byte
}

// NewWriter writes alerts in format f to w, which it does not close. When header is not
// empty (the table's column titles), it is written as a line before the first alert.
func NewWriter(w io.Writer, f Format, header []byte) *Writer {
	return &Writer{w: w, format: f, header: header, buf: make([]byte, 0, 1024)}
}

// OpenFile appends alerts in format f to the file at path, creating it (mode 0640 less
// the umask: alerts describe the plant) when it does not exist; Close closes the file.
// Lines are written as the alerts come, so the file can be followed while it grows. A
// file replaced whole at the end is the caller's (package outfile under NewWriter).
func OpenFile(path string, f Format) (*Writer, error) {
	file, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o640)
	if err != nil {
		return nil, fmt.Errorf("alert file: %w", err)
	}
	w := NewWriter(file, f, nil)
	w.closer = file
	return w, nil
}

// Deliver writes a's line with a single Write, so that lines from several processes
// appending to one file do not interleave. A write error is permanent: the line may be
// half written, and writing it again would leave a broken line before a whole one (a
// full disk does not free itself in the seconds a retry waits). The alert counts as
// Failed, and so does every later one the writer cannot take.
func (w *Writer) Deliver(_ context.Context, a *alert.Alert) error {
	w.buf = w.buf[:0]
	if len(w.header) > 0 {
		w.buf = append(w.buf, w.header...)
		w.buf = append(w.buf, '\n')
	}
	w.buf = w.format(w.buf, a)
	w.buf = append(w.buf, '\n')
	if _, err := w.w.Write(w.buf); err != nil {
		return Permanent(fmt.Errorf("writing alert: %w", err))
	}
	w.header = nil
	return nil
}

// Close closes the file opened by OpenFile; for NewWriter it does nothing.
func (w *Writer) Close() error {
	if w.closer != nil {
		return w.closer.Close()
	}
	return nil
}
