package opcua

import (
	"bufio"
	"encoding/hex"
	"os"
	"strings"
	"testing"

	"github.com/zonewarden/zonewarden/internal/protocols"
)

// chunks reads testdata/chunks.txt: real chunks from the public open62541 and
// python-opcua captures, one "name hex" per line.
func chunks(tb testing.TB) map[string][]byte {
	tb.Helper()
	f, err := os.Open("testdata/chunks.txt")
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	out := map[string][]byte{}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		name, h, ok := strings.Cut(sc.Text(), " ")
		if !ok {
			continue
		}
		b, err := hex.DecodeString(h)
		if err != nil {
			tb.Fatalf("%s: %v", name, err)
		}
		out[name] = b
	}
	return out
}

func TestParse(t *testing.T) {
	c := chunks(t)
	tests := []struct {
		name  string
		check func(t *testing.T, m *Message)
	}{
		{"hello", func(t *testing.T, m *Message) {
			if m.Type != TypeHello || m.Chunk != 'F' || string(m.EndpointURL) != "opc.tcp://localhost:4840" || m.ReceiveBufferSize != 0xFFFF {
				t.Errorf("%v %q %d", m.Type, m.EndpointURL, m.ReceiveBufferSize)
			}
		}},
		{"ack", func(t *testing.T, m *Message) {
			if m.Type != TypeAcknowledge || m.OpClass() != protocols.OpNone {
				t.Errorf("%v", m.Type)
			}
		}},
		{"opn_request", func(t *testing.T, m *Message) {
			if m.Type != TypeOpenSecureChannel || string(m.SecurityPolicyURI) != SecurityPolicyNone || m.Service != ServiceOpenSecureChannel || m.Response {
				t.Fatalf("%v %q %v", m.Type, m.SecurityPolicyURI, m.Service)
			}
			if !m.HasSecurityMode || m.SecurityMode != SecurityModeNone || m.RequestType != 0 {
				t.Errorf("mode %v %d", m.HasSecurityMode, m.SecurityMode)
			}
		}},
		{"opn_response", func(t *testing.T, m *Message) {
			if m.Service != ServiceOpenSecureChannel || !m.Response || m.ServiceResult != 0 || m.SecureChannelID != 5 {
				t.Errorf("%v %v %x", m.Service, m.Response, m.ServiceResult)
			}
		}},
		{"get_endpoints_request", func(t *testing.T, m *Message) {
			if m.Type != TypeMessage || m.Service != ServiceGetEndpoints || m.Response || m.ServiceID != IDGetEndpointsRequest {
				t.Errorf("%v %v", m.Service, m.Response)
			}
		}},
		{"get_endpoints_response", func(t *testing.T, m *Message) {
			if !m.Response || !m.HasApplication || string(m.Application.URI) != "urn:open62541.server.application" || string(m.Application.Name) != "open62541-based OPC UA Application" || m.Application.Type != 0 {
				t.Errorf("%+v", m.Application)
			}
			if string(m.EndpointURL) != "opc.tcp://localhost:4840" || m.SecurityMode != SecurityModeNone || string(m.SecurityPolicyURI) != SecurityPolicyNone {
				t.Errorf("endpoint %q mode %d policy %q", m.EndpointURL, m.SecurityMode, m.SecurityPolicyURI)
			}
		}},
		{"create_session_request", func(t *testing.T, m *Message) {
			if m.Service != ServiceCreateSession || m.Response || string(m.Application.URI) != "urn:unconfigured:application" || m.Application.Type != 1 || string(m.EndpointURL) != "opc.tcp://localhost:4840" {
				t.Errorf("%v %+v %q", m.Service, m.Application, m.EndpointURL)
			}
		}},
		{"create_session_response", func(t *testing.T, m *Message) {
			if m.Service != ServiceCreateSession || !m.Response || string(m.Application.URI) != "urn:open62541.server.application" {
				t.Errorf("%v %+v", m.Service, m.Application)
			}
		}},
		{"activate_session_request", func(t *testing.T, m *Message) {
			if m.Service != ServiceActivateSession || m.OpClass() != protocols.OpNone {
				t.Errorf("%v", m.Service)
			}
		}},
		{"clo", func(t *testing.T, m *Message) {
			if m.Type != TypeCloseSecureChannel || m.Service != ServiceCloseSecureChannel {
				t.Errorf("%v %v", m.Type, m.Service)
			}
		}},
		{"opn_encrypted", func(t *testing.T, m *Message) {
			if !m.Opaque || m.HasService || string(m.SecurityPolicyURI) != "http://opcfoundation.org/UA/SecurityPolicy#Basic128Rsa15" {
				t.Errorf("opaque %v policy %q", m.Opaque, m.SecurityPolicyURI)
			}
		}},
		{"msg_encrypted", func(t *testing.T, m *Message) {
			if !m.Opaque || m.HasService || m.Type != TypeMessage {
				t.Errorf("opaque %v service %v", m.Opaque, m.Service)
			}
		}},
		{"browse_request", func(t *testing.T, m *Message) {
			if m.Service != ServiceBrowse || m.ItemCount < 1 || m.OpClass() != protocols.OpRead {
				t.Errorf("%v items %d", m.Service, m.ItemCount)
			}
		}},
		{"translate_request", func(t *testing.T, m *Message) {
			if m.Service != ServiceTranslateBrowsePaths || m.OpClass() != protocols.OpRead {
				t.Errorf("%v", m.Service)
			}
		}},
		{"read_request", func(t *testing.T, m *Message) {
			if m.Service != ServiceRead || m.ItemCount != 1 || m.OpClass() != protocols.OpRead {
				t.Errorf("%v items %d", m.Service, m.ItemCount)
			}
		}},
		{"write_request", func(t *testing.T, m *Message) {
			if m.Service != ServiceWrite || m.ItemCount != 1 || m.OpClass() != protocols.OpWrite {
				t.Errorf("%v items %d", m.Service, m.ItemCount)
			}
		}},
		{"call_request", func(t *testing.T, m *Message) {
			if m.Service != ServiceCall || m.ItemCount != 1 || m.OpClass() != protocols.OpControl {
				t.Errorf("%v items %d", m.Service, m.ItemCount)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, ok := c[tt.name]
			if !ok {
				t.Fatalf("no chunk %s in testdata", tt.name)
			}
			var m Message
			if err := Parse(b, &m); err != nil {
				t.Fatal(err)
			}
			tt.check(t, &m)
		})
	}
}

func TestErrors(t *testing.T) {
	for _, tt := range []struct{ name, hex, err string }{
		{"not opc ua", "474554202f20485454", "message type"},
		{"chunk type", "48454c5808000000", "chunk type"},
		{"size small", "48454c4604000000", "size"},
		{"size huge", "4d534746ffffffff", "size"},
		{"truncated", "48454c4620000000000000", "shorter"},
		{"hello body", "48454c460c00000000000000", "body"},
	} {
		b, _ := hex.DecodeString(tt.hex)
		var m Message
		if err := Parse(b, &m); err == nil || !strings.Contains(err.Error(), tt.err) {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
}

func TestServiceIDs(t *testing.T) {
	for id, want := range map[uint32]struct {
		s    Service
		resp bool
	}{631: {ServiceRead, false}, 634: {ServiceRead, true}, 673: {ServiceWrite, false}, 715: {ServiceCall, true},
		397: {ServiceFault, true}, 12209: {ServiceFindServersOnNetwork, true}, 464: {ServiceCreateSession, true}} {
		s, resp, ok := serviceOf(id)
		if !ok || s != want.s || resp != want.resp {
			t.Errorf("%d: %v %v %v", id, s, resp, ok)
		}
	}
	if _, _, ok := serviceOf(1); ok {
		t.Error("id 1 is no service")
	}
}

func TestParseAllocs(t *testing.T) {
	c := chunks(t)
	var m Message
	for _, name := range []string{"create_session_response", "write_request", "msg_encrypted", "hello"} {
		b := c[name]
		if n := testing.AllocsPerRun(100, func() { _ = Parse(b, &m) }); n != 0 {
			t.Errorf("%s: Parse allocates %v times", name, n)
		}
	}
}

func BenchmarkParse(b *testing.B) {
	c := chunks(b)
	pdus := [][]byte{c["read_request"], c["write_request"], c["create_session_response"], c["msg_encrypted"]}
	var m Message
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if err := Parse(pdus[i%len(pdus)], &m); err != nil {
			b.Fatal(err)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, b := range chunks(f) {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var m Message
		if err := Parse(b, &m); err != nil {
			return
		}
		if int(m.Size) > len(b) {
			t.Fatalf("size %d of %d", m.Size, len(b))
		}
		_ = m.OpClass()
	})
}

func FuzzPDULen(f *testing.F) {
	for _, b := range chunks(f) {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		n, err := PDULen(b)
		if err == nil && n != 0 && (n < headerLen || n > MaxChunkSize) {
			t.Fatalf("PDULen = %d", n)
		}
	})
}
