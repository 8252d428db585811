package pcapw

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/gopacket/gopacket/pcapgo"
)

type packet struct {
	ts      int64
	data    []byte
	comment string
}

var packets = []packet{
	{time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC).UnixNano(), bytes.Repeat([]byte{0xab}, 60), ""},
	{time.Date(2026, 3, 2, 8, 0, 0, 1_234_000, time.UTC).UnixNano(), bytes.Repeat([]byte{0xcd}, 61), "injected: s7 cpu stop"},
	{time.Date(2026, 3, 2, 9, 30, 1, 999_999_000, time.UTC).UnixNano(), bytes.Repeat([]byte{0xef}, 1514), "x"},
}

func write(t *testing.T, f Format) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := NewWriter(&buf, f, Options{Application: "zonewarden test", Interface: "sim0", Description: "simulated"})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range packets {
		if err := w.WritePacketComment(p.ts, p.data, p.comment); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if w.Written() != int64(buf.Len()) {
		t.Errorf("Written() = %d, file has %d bytes", w.Written(), buf.Len())
	}
	return buf.Bytes()
}

func TestRoundTrip(t *testing.T) {
	for _, f := range []Format{Pcap, PcapNG} {
		t.Run(f.String(), func(t *testing.T) {
			data := write(t, f)
			var next func() ([]byte, time.Time, error)
			if f == Pcap {
				r, err := pcapgo.NewReader(bytes.NewReader(data))
				if err != nil {
					t.Fatal(err)
				}
				next = func() ([]byte, time.Time, error) {
					d, ci, err := r.ReadPacketData()
					return d, ci.Timestamp, err
				}
			} else {
				r, err := pcapgo.NewNgReader(bytes.NewReader(data), pcapgo.DefaultNgReaderOptions)
				if err != nil {
					t.Fatal(err)
				}
				next = func() ([]byte, time.Time, error) {
					d, ci, err := r.ReadPacketData()
					return d, ci.Timestamp, err
				}
			}
			for i, p := range packets {
				d, ts, err := next()
				if err != nil {
					t.Fatalf("packet %d: %v", i, err)
				}
				if !bytes.Equal(d, p.data) {
					t.Errorf("packet %d: data differs", i)
				}
				if want := time.Unix(0, p.ts).Truncate(time.Microsecond); !ts.Equal(want) {
					t.Errorf("packet %d: time %v, want %v", i, ts, want)
				}
			}
			if _, _, err := next(); !errors.Is(err, io.EOF) {
				t.Errorf("after the last packet: %v, want EOF", err)
			}
		})
	}
}

func TestFormatOf(t *testing.T) {
	for path, want := range map[string]Format{"a.pcap": Pcap, "b.PCAPNG": PcapNG, "c.cap": Pcap, "x/y.ntar": PcapNG} {
		if got, ok := FormatOf(path); !ok || got != want {
			t.Errorf("FormatOf(%q) = %v, %v", path, got, ok)
		}
	}
	if _, ok := FormatOf("out.bin"); ok {
		t.Error("FormatOf(out.bin) should not know the format")
	}
	if _, err := ParseFormat("erf"); err == nil {
		t.Error("ParseFormat(erf) should fail")
	}
}

func TestTooLong(t *testing.T) {
	w, _ := NewWriter(io.Discard, Pcap, Options{})
	if err := w.WritePacket(0, make([]byte, Snaplen+1)); err == nil {
		t.Error("a packet longer than the snapshot length was accepted")
	}
}

func TestWriteAllocs(t *testing.T) {
	for _, f := range []Format{Pcap, PcapNG} {
		w, _ := NewWriter(io.Discard, f, Options{})
		data := make([]byte, 100)
		if n := testing.AllocsPerRun(1000, func() { w.WritePacket(1, data) }); n != 0 {
			t.Errorf("%v: WritePacket allocates %v times", f, n)
		}
	}
}

func BenchmarkWritePacket(b *testing.B) {
	w, _ := NewWriter(io.Discard, PcapNG, Options{})
	data := make([]byte, 120)
	b.SetBytes(int64(len(data)) + 32)
	b.ReportAllocs()
	for b.Loop() {
		w.WritePacket(1, data)
	}
}
