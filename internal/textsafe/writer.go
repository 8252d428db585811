package textsafe

import (
	"fmt"
	"io"
	"unicode/utf8"
)

// Writer passes writes on to another writer until one fails, and then refuses every
// later write with that first error. A renderer writes freely through it (fmt.Fprintf,
// tabwriter, csv) and returns Err once at the end: a full disk or a closed pipe is never
// reported as a complete output.
type Writer struct {
	w   io.Writer
	err error
}

// NewWriter returns a Writer on w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: w} }

// Write writes p unless an earlier write failed. A short write without an error counts
// as io.ErrShortWrite.
func (w *Writer) Write(p []byte) (int, error) {
	if w.err != nil {
		return 0, w.err
	}
	n, err := w.w.Write(p)
	if err == nil && n < len(p) {
		err = io.ErrShortWrite
	}
	w.err = err
	return n, err
}

// WriteString writes s as Write does.
func (w *Writer) WriteString(s string) (int, error) {
	if w.err != nil {
		return 0, w.err
	}
	return io.WriteString(onlyWriter{w}, s)
}

// onlyWriter hides Writer's WriteString from io.WriteString, which would call it again.
type onlyWriter struct{ w *Writer }

func (o onlyWriter) Write(p []byte) (int, error) { return o.w.Write(p) }

// Printf formats as fmt.Fprintf does; after an error it does nothing.
func (w *Writer) Printf(format string, args ...any) {
	if w.err == nil {
		fmt.Fprintf(w, format, args...)
	}
}

// Println writes its arguments as fmt.Fprintln does; after an error it does nothing.
func (w *Writer) Println(args ...any) {
	if w.err == nil {
		fmt.Fprintln(w, args...)
	}
}

// Err is the first write error, or nil.
func (w *Writer) Err() error { return w.err }

// MarkupWriter writes an HTML or SVG page through Markup as it streams: whatever a
// template puts in the page, no control character, invalid byte or bidirectional control
// reaches the file. A character split across two writes is joined before it is judged;
// Close judges what is left and must be called at the end. Errors are sticky, as Writer's.
type MarkupWriter struct {
	w     io.Writer
	carry [utf8.UTFMax]byte
	nc    int
	buf   []byte
	err   error
}

// NewMarkupWriter returns a MarkupWriter on w.
func NewMarkupWriter(w io.Writer) *MarkupWriter { return &MarkupWriter{w: w} }

// Write cleans p and writes it; it reports len(p) written on success.
func (m *MarkupWriter) Write(p []byte) (int, error) {
	if m.err != nil {
		return 0, m.err
	}
	n := len(p)
	m.buf = m.buf[:0]
	// Finish a character the last write began.
	for m.nc > 0 && len(p) > 0 {
		m.carry[m.nc] = p[0]
		m.nc++
		p = p[1:]
		if utf8.FullRune(m.carry[:m.nc]) || m.nc == len(m.carry) {
			m.buf = appendMarkup(m.buf, m.carry[:m.nc])
			m.nc = 0
		}
	}
	if m.nc > 0 { // p is used up and the character still unfinished
		if err := m.flush(); err != nil {
			return 0, err
		}
		return n, nil
	}
	// Keep back a character this write does not finish.
	cut := len(p)
	for k := 1; k < utf8.UTFMax && k <= len(p); k++ {
		if utf8.RuneStart(p[len(p)-k]) {
			if !utf8.FullRune(p[len(p)-k:]) {
				cut = len(p) - k
			}
			break
		}
	}
	m.buf = appendMarkup(m.buf, p[:cut])
	m.nc = copy(m.carry[:], p[cut:])
	if err := m.flush(); err != nil {
		return 0, err
	}
	return n, nil
}

// Close writes what is left of a character cut off at the end (as U+FFFD) and returns
// the first write error. It does not close the underlying writer.
func (m *MarkupWriter) Close() error {
	if m.err == nil && m.nc > 0 {
		m.buf = appendMarkup(m.buf[:0], m.carry[:m.nc])
		m.nc = 0
		m.flush()
	}
	return m.err
}

func (m *MarkupWriter) flush() error {
	if len(m.buf) == 0 {
		return nil
	}
	k, err := m.w.Write(m.buf)
	if err == nil && k < len(m.buf) {
		err = io.ErrShortWrite
	}
	m.err = err
	return err
}
