package fox

import (
	"bytes"
	"testing"
)

// The hello a Niagara station sent in the real capture fox__fox_info.pcap (packet 6, as
// tshark shows its TCP payload; the sysInfo value is length-prefixed and spans lines).
const stationHello = "fox a 0 -1 fox hello\n{\nfox.version=s:1.0\nid=i:2\nhostName=s:192.168.2.15\nhostAddress=s:192.168.2.15\n" +
	"app.name=s:Station\napp.version=s:3.5.41.1\nvm.name=s:J9\nvm.version=s:2.3\nos.name=s:QNX\nos.version=s:6.3.2\n" +
	"station.name=s:Legion_HQ_V4\nlang=s:en\nhostId=s:Qnx-NPM6-0000-1490-C30C\nbrandId=s:vykon\n" +
	"sysInfo=o:bog 61[<bog version=\"1.0\">\n<p m=\"b=baja\" t=\"b:Facets\" v=\"\"/>\n</bog>\n]\n};;\n"

func TestParseHello(t *testing.T) {
	var m Message
	if err := Parse([]byte(stationHello), &m); err != nil {
		t.Fatal(err)
	}
	if m.Kind != 'a' || m.ID != 0 || m.ReplyTo != -1 || string(m.Channel) != "fox" || string(m.Command) != "hello" {
		t.Errorf("header: %c %d %d %s %s", m.Kind, m.ID, m.ReplyTo, m.Channel, m.Command)
	}
	for k, want := range map[string]string{"app.name": "Station", "app.version": "3.5.41.1", "os.name": "QNX",
		"station.name": "Legion_HQ_V4", "hostId": "Qnx-NPM6-0000-1490-C30C", "brandId": "vykon"} {
		if v, ok := m.Get(k); !ok || string(v) != want {
			t.Errorf("%s = %q, want %q", k, v, want)
		}
	}
	if v, _ := m.Get("sysInfo"); len(v) != 61 || !bytes.HasPrefix(v, []byte("<bog")) {
		t.Errorf("the length-prefixed value: %q", v)
	}
	if n, err := PDULen([]byte(stationHello + "fox a 1 -1 fox x\n")); n != len(stationHello) || err != nil {
		t.Errorf("PDULen = %d, %v; want %d", n, err, len(stationHello))
	}
}

// TestPDULenEveryCut: a message is framed the same however TCP cut it: 0 (wait) before
// its end, its length once whole.
func TestPDULenEveryCut(t *testing.T) {
	b := []byte(stationHello)
	for i := 0; i < len(b); i++ {
		if n, err := PDULen(b[:i]); n != 0 || err != nil {
			t.Fatalf("cut at %d: %d, %v", i, n, err)
		}
	}
}

func TestRejects(t *testing.T) {
	for _, tc := range []string{
		"GET / HTTP/1.1\r\n\r\n",
		"fox a x -1 fox hello\n",
		"fox a 1 -1 fox\n",
		"fox a 1 -1 fox hello\n{\nbroken line\n};;\n",
		"fox a 1 -1 fox hello\n{\nk=s:v\n}\n",
		"fox a 1 -1 fox hello\n{\nk=b:5[abc]\n};;\n",
	} {
		if n, err := PDULen([]byte(tc)); err == nil && n > 0 {
			var m Message
			if Parse([]byte(tc)[:n], &m) == nil {
				t.Errorf("%q accepted", tc)
			}
		}
	}
	// Bounded: a body that never ends is refused once past MaxMessage.
	big := append([]byte("fox a 1 -1 fox hello\n{\n"), bytes.Repeat([]byte("k=s:v\n"), MaxMessage/6+10)...)
	if _, err := PDULen(big); err == nil {
		t.Error("an endless body is not refused")
	}
}

func TestParseAllocs(t *testing.T) {
	b := []byte(stationHello)
	var m Message
	if n := testing.AllocsPerRun(100, func() { _ = Parse(b, &m) }); n != 0 {
		t.Errorf("%v allocations", n)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(stationHello))
	f.Add([]byte("fox a 1 -1 fox challenge\n{\nmethod=s:digest-md5\nnonce=b:3[a\nb]\n};;\n"))
	f.Add([]byte("fox a 2 1 fox x\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		n, err := PDULen(b)
		if err != nil || n == 0 {
			return
		}
		if n > len(b) || n > MaxMessage+MaxLine {
			t.Fatalf("PDULen %d of %d bytes", n, len(b))
		}
		var m Message
		if err := Parse(b[:n], &m); err != nil {
			t.Fatalf("framed %d bytes that Parse refuses: %v", n, err)
		}
		if len(m.Fields) > MaxFields {
			t.Fatal("fields beyond the bound")
		}
	})
}
