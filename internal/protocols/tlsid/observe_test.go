package tlsid

import (
	"crypto/tls"
	"net/netip"
	"slices"
	"testing"

	"github.com/zonewarden/zonewarden/internal/observe"
	"github.com/zonewarden/zonewarden/internal/testutil/observetest"
)

func TestTLS(t *testing.T) {
	client := netip.MustParseAddrPort("10.0.0.10:40000")
	for _, tc := range []struct {
		name    string
		version uint16
		server  netip.AddrPort
	}{{"tls12", tls.VersionTLS12, netip.MustParseAddrPort("10.0.0.20:443")},
		{"tls13", tls.VersionTLS13, netip.MustParseAddrPort("10.0.0.20:443")},
		{"tls12 on a port of its own", tls.VersionTLS12, netip.MustParseAddrPort("10.0.0.20:9443")}} {
		t.Run(tc.name, func(t *testing.T) {
			r := observetest.RunFrames(t, observetest.Exchange(t, client, tc.server, observetest.TLSTranscript(t, tc.version))...)
			want := []string{"10.0.0.20 server_name=plc-cell2.plant.example (low, tls)"}
			var not []string
			if tc.version == tls.VersionTLS12 {
				want = append(want, "10.0.0.20 certificate_subject=CN=plc-cell2.plant.example, OU=CPU 1516-3 PN/DP, O=Example Automation, C=DE, serialNumber=S C-C2UR28922012 (high, tls)",
					"10.0.0.20 certificate_issuer=CN=Plant Issuing CA, O=Example Plant (high, tls)")
			} else {
				not = append(not, "10.0.0.20 certificate") // encrypted in TLS 1.3
			}
			observetest.WantFacts(t, r, want, append(not, "10.0.0.10 ")...)
			f := observetest.FlowOf(t, r, App)
			ops := observetest.OpsOf(f)
			if !slices.Contains(ops, "client_hello=1/0") || !slices.Contains(ops, "server_hello=0/1") {
				t.Errorf("ops %v", ops)
			}
			// Encrypted handshake messages after ChangeCipherSpec are not taken for
			// malformed ones.
			if f.Anomalies[observe.AnomalyMalformed] != 0 || f.Anomalies[observe.AnomalyFraming] != 0 {
				t.Errorf("anomalies %v", f.Anomalies)
			}
		})
	}
}
