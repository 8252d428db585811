package dhcp

import (
	"net/netip"
	"slices"
	"testing"

	"github.com/zonewarden/zonewarden/internal/testutil/observetest"
)

// TestDHCP runs the real exchanges of the dhcp package's fixtures: busybox udhcpc
// naming itself rtu-07 with a vendor class against dnsmasq (discover, offer, request,
// ack), and ISC dhclient's DHCPv6 solicit with a client FQDN and a vendor class.
func TestDHCP(t *testing.T) {
	v4 := observetest.Fixtures(t, "testdata/udhcpc-dnsmasq.txt")
	v6 := observetest.Fixtures(t, "testdata/dhclient6-dnsmasq.txt")
	client, server := observetest.MAC("00:1b:1b:8a:22:01"), observetest.MAC("52:54:00:12:34:56")
	bcast := observetest.MAC("ff:ff:ff:ff:ff:ff")
	any68, all67 := netip.MustParseAddrPort("0.0.0.0:68"), netip.MustParseAddrPort("255.255.255.255:67")
	srv67, yi68 := netip.MustParseAddrPort("10.20.0.1:67"), netip.MustParseAddrPort("10.20.0.141:68")
	ll546, all547 := netip.MustParseAddrPort("[fe80::21b:1bff:fe8a:2201]:546"), netip.MustParseAddrPort("[ff02::1:2]:547")
	r := observetest.RunFrames(t,
		observetest.UDPFrame(t, any68, all67, client, bcast, v4["udhcpc-dnsmasq-discover"]),
		observetest.UDPFrame(t, srv67, yi68, server, client, v4["udhcpc-dnsmasq-offer"]),
		observetest.UDPFrame(t, any68, all67, client, bcast, v4["udhcpc-dnsmasq-request"]),
		observetest.UDPFrame(t, srv67, yi68, server, client, v4["udhcpc-dnsmasq-ack"]),
		observetest.UDPFrame(t, ll546, all547, client, observetest.MAC("33:33:00:01:00:02"), v6["dhclient6-dnsmasq-solicit"]),
	)
	observetest.WantFacts(t, r, []string{
		"00:1b:1b:8a:22:01 hostname=rtu-07 (high, dhcp)",
		"00:1b:1b:8a:22:01 vendor_class=udhcp SIMATIC RTU3030C (high, dhcp)",
		"00:1b:1b:8a:22:01 client_id=01:00:1b:1b:8a:22:01 (high, dhcp)",
		"fe80::21b:1bff:fe8a:2201 dns_name=rtu-07.plant.example (high, dhcp)",
		"fe80::21b:1bff:fe8a:2201 vendor_class=SIMATIC RTU3030C V5.0 (high, dhcp)",
	}, "52:54:00:12:34:56", "10.20.0.1 ")
	// The acknowledged address is the client's; the offer alone does not bind it.
	if !observetest.Bound(r, client, "10.20.0.141") {
		t.Errorf("acknowledged address not bound: %+v", r.Hosts)
	}
	var ops []string
	for _, f := range r.Flows {
		if f.App == App {
			ops = append(ops, observetest.OpsOf(f)...)
		}
	}
	for _, want := range []string{"discover=1/0", "request=1/0", "offer=1/0", "ack=1/0", "solicit=1/0"} {
		if !slices.Contains(ops, want) {
			t.Errorf("operation %s not in %v", want, ops)
		}
	}
}
