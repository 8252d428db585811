package bacnet

import (
	"bytes"
	"encoding/binary"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/gopacket/gopacket/layers"

	"github.com/zonewarden/zonewarden/internal/testutil"
	"github.com/zonewarden/zonewarden/internal/testutil/observetest"
)

// TestRealDBCSObjectNames decodes the two IBM/Microsoft DBCS character strings of the
// public capture bacnet_segmented_data.pcap: the I-Have object names of frames 1 and 3,
// for which tshark shows character set 1 and code page 932 (Shift-JIS) but not the text.
// The text is what Python's cp932 codec makes of the same octets.
func TestRealDBCSObjectNames(t *testing.T) {
	path := testutil.Path(t, "bacnet/bacnet_segmented_data.pcap")
	want := map[int]string{1: "温度２", 3: "湿度２"} // temperature 2, humidity 2
	if testutil.HaveTshark() {
		for _, r := range testutil.Tshark(t, path, "frame.number <= 3 && bacapp.string_character_set", []string{"frame.number", "bacapp.string_character_set", "bacapp.code_page"}) {
			if r[1] != "1" || r[2] != "932" {
				t.Errorf("tshark frame %s: character set %s, code page %s", r[0], r[1], r[2])
			}
		}
	}
	got := map[int]string{}
	for _, p := range testutil.Payloads(t, path) {
		if _, ok := want[p.Frame]; !ok {
			continue
		}
		// The object name is the I-Have's last value: an extended-length character
		// string (0x75), its length, then the character set octet and the text.
		i := bytes.LastIndex(p.Payload, []byte{0x75})
		if i < 0 || i+2 > len(p.Payload) || int(p.Payload[i+1]) != len(p.Payload)-i-2 {
			t.Fatalf("frame %d: no character string at the end of % x", p.Frame, p.Payload)
		}
		v := p.Payload[i+2:]
		out, ok := AppendUTF8(make([]byte, 0, 64), v[1:], v[0])
		if !ok {
			t.Errorf("frame %d: % x not decoded", p.Frame, v)
		}
		got[p.Frame] = string(out)
	}
	for f, w := range want {
		if got[f] != w {
			t.Errorf("frame %d: %q, want %q", f, got[f], w)
		}
	}
}

func TestAppendUTF8(t *testing.T) {
	for _, c := range []struct {
		name    string
		charset uint8
		in      []byte
		want    string
		ok      bool
	}{
		{"UTF-8", CharsetUTF8, []byte("Kältemaschine"), "Kältemaschine", true},
		{"UTF-8 invalid", CharsetUTF8, []byte{0xc3}, "", false},
		{"ISO 8859-1", CharsetISO88591, []byte("K\xe4ltemaschine"), "Kältemaschine", true},
		{"UCS-2", CharsetUCS2, []byte{0, 'V', 0, '2', 0x00, 0xb0, 0x30, 0x00}, "V2°　", true},
		{"UCS-2 odd", CharsetUCS2, []byte{0, 'V', 0}, "", false},
		{"UCS-2 lone surrogate", CharsetUCS2, []byte{0xd8, 0x00}, "", false},
		{"UCS-4", CharsetUCS4, []byte{0, 0, 0, 'A', 0, 0, 0x6e, 0x29}, "A温", true},
		{"UCS-4 past Unicode", CharsetUCS4, []byte{0, 0x11, 0, 0}, "", false},
		{"DBCS 932", CharsetDBCS, []byte{0x03, 0xa4, 0x89, 0xb7, 0x93, 0x78, 0x82, 0x51}, "温度２", true},
		{"DBCS unknown code page", CharsetDBCS, []byte{0x04, 0xe4, 0x41}, "", false},
		{"DBCS invalid", CharsetDBCS, []byte{0x03, 0xa4, 0x81}, "", false},
		// Python: "温度".encode("euc_jp") with the high bits cleared.
		{"JIS X 0208", CharsetJISX0208, []byte{0x32, 0x39, 0x45, 0x59}, "温度", true},
		{"JIS X 0208 out of range", CharsetJISX0208, []byte{0x89, 0x37}, "", false},
		{"unknown set", 6, []byte("x"), "", false},
	} {
		got, ok := AppendUTF8(make([]byte, 0, 64), c.in, c.charset)
		if ok != c.ok || ok && string(got) != c.want {
			t.Errorf("%s: %q %v, want %q %v", c.name, got, ok, c.want, c.ok)
		}
	}
	// Cut at the buffer's capacity, on a character boundary.
	got, ok := AppendUTF8(make([]byte, 0, 5), []byte("K\xe4\xe4\xe4"), CharsetISO88591)
	if !ok || string(got) != "Kää" {
		t.Errorf("cut: %q", got)
	}
}

// rpAck lays out a ReadProperty ComplexAck of device 501 after the capture's (the
// package's hexRPAckModel: BVLC original-unicast, NPDU without addresses, invoke id 2)
// with the property's value a character string in the given set.
func rpAck(prop byte, charset byte, text []byte) []byte {
	v := append([]byte{charset}, text...)
	apdu := append([]byte{0x30, 0x02, 0x0c, 0x0c, 0x02, 0x00, 0x01, 0xf5, 0x19, prop, 0x3e, 0x75, byte(len(v))}, v...)
	apdu = append(apdu, 0x3f)
	b := append([]byte{0x81, 0x0a, 0, 0, 0x01, 0x00}, apdu...)
	binary.BigEndian.PutUint16(b[2:], uint16(len(b)))
	return b
}

// TestDevicePropertiesInOtherSets: device properties (model name, firmware revision,
// application software version, object name, location) in UCS-2, ISO 8859-1, UCS-4,
// DBCS and JIS X 0208 are reported as UTF-8. tshark dissects the same datagrams: the
// character set octet, and for UCS-2, ISO 8859-1 and UCS-4 the text it decodes.
func TestDevicePropertiesInOtherSets(t *testing.T) {
	type prop struct {
		id      byte
		charset byte
		text    []byte
		field   string
		want    string
		tshark  bool // tshark decodes the set
	}
	props := []prop{
		{70, CharsetUCS2, []byte{0, 'H', 0, 'I', 0, 'Y', 0, '-', 0, '0', 0, '5', 0, '4'}, "model", "HIY-054", true},
		{44, CharsetISO88591, []byte("V2.1 \xe9d. 3"), "firmware_version", "V2.1 éd. 3", true},
		{12, CharsetUCS4, []byte{0, 0, 0, 'R', 0, 0, 0, '4', 0, 0, 0, '.', 0, 0, 0, '2'}, "application_name", "R4.2", true},
		{77, CharsetDBCS, []byte{0x03, 0xa4, 0x89, 0xb7, 0x93, 0x78, 0x82, 0x51}, "name", "温度２", false},
		{58, CharsetJISX0208, []byte{0x32, 0x39, 0x45, 0x59}, "location", "温度", false},
	}
	client, server := netip.MustParseAddrPort("10.0.0.9:47808"), netip.MustParseAddrPort("10.0.0.5:47808")
	cm, sm := observetest.MAC("00:00:00:00:00:09"), observetest.MAC("00:00:00:00:00:05")
	var frames [][]byte
	for _, p := range props {
		frames = append(frames, observetest.UDPFrame(t, server, client, sm, cm, rpAck(p.id, p.charset, p.text)))
	}
	if testutil.HaveTshark() {
		var fs []testutil.Frame
		for i, f := range frames {
			fs = append(fs, testutil.Frame{Data: f, Time: time.Unix(int64(i), 0)})
		}
		path := filepath.Join(t.TempDir(), "sets.pcap")
		if err := os.WriteFile(path, testutil.Pcap(t, layers.LinkTypeEthernet, fs...), 0o600); err != nil {
			t.Fatal(err)
		}
		rows := testutil.TsharkVerbose(t, path, "bacapp")
		for i, p := range props {
			v := rows[i+1]
			if !strings.Contains(v, "String Character Set: ") {
				t.Errorf("frame %d: tshark shows no character set:\n%s", i+1, v)
			}
			if p.tshark && !strings.Contains(v, "'"+p.want+"'") {
				t.Errorf("frame %d: tshark does not show %q:\n%s", i+1, p.want, v)
			}
		}
	}
	r := observetest.RunFrames(t, frames...)
	got := observetest.FactList(r)
	for _, p := range props {
		w := "10.0.0.5 " + p.field + "=" + p.want + " (high, bacnet)"
		if !slices.Contains(got, w) {
			t.Errorf("missing %q in %q", w, got)
		}
	}
}

// FuzzAppendUTF8: any string in any set gives valid UTF-8 within the buffer, or false.
func FuzzAppendUTF8(f *testing.F) {
	f.Add(CharsetDBCS, []byte{0x03, 0xa4, 0x89, 0xb7, 0x93, 0x78, 0x82, 0x51})
	f.Add(CharsetJISX0208, []byte{0x32, 0x39, 0x45, 0x59})
	f.Add(CharsetUCS2, []byte{0xd8, 0x3d, 0xde, 0x00})
	f.Add(CharsetUCS4, []byte{0, 0, 0x6e, 0x29})
	f.Add(CharsetISO88591, []byte("K\xe4lte"))
	f.Add(CharsetUTF8, []byte("Kältemaschine"))
	f.Fuzz(func(t *testing.T, charset uint8, in []byte) {
		buf := make([]byte, 3, 32)
		out, ok := AppendUTF8(buf, in, charset)
		if len(out) > 32 || len(out) < 3 {
			t.Fatalf("%d bytes out of a 32-byte buffer", len(out))
		}
		if ok && !utf8.Valid(out[3:]) {
			t.Fatalf("invalid UTF-8 %q", out)
		}
	})
}
