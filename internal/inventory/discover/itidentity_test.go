package discover

import (
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/zonewarden/zonewarden/internal/inventory"
	"github.com/zonewarden/zonewarden/internal/observe"
	"github.com/zonewarden/zonewarden/internal/protocols/cdp"
	"github.com/zonewarden/zonewarden/internal/protocols/dns"
	"github.com/zonewarden/zonewarden/internal/protocols/lldp"
	"github.com/zonewarden/zonewarden/internal/protocols/sshid"
)

var (
	macSwitch = [6]byte{0x00, 0x1b, 0x54, 0x00, 0x00, 0x05} // known only by its MAC
	macServer = [6]byte{0x00, 0x50, 0x56, 0x00, 0x00, 0x06}
)

func l2Identity(b *Builder, mac [6]byte, app observe.App, field observe.Field, value string, sec int64) {
	b.Identity(&observe.Identity{Subject: observe.Endpoint{MAC: mac, HasMAC: true}, App: app, Field: field, Value: []byte(value),
		Confidence: observe.High, At: at(sec)})
}

func hasFact(a *inventory.Asset, protocol, field, value string) bool {
	return slices.ContainsFunc(a.Facts, func(f inventory.Fact) bool {
		return f.Protocol == protocol && f.Field == field && f.Value == value
	})
}

// TestITIdentity: a switch known only by its MAC gets its name, management address and
// the role of a network device from LLDP and CDP; names a DNS server gives go to the
// assets that hold the addresses and make none of their own; an SSH server without an
// industrial protocol is an IT host; a PLC that also bridges stays a controller.
func TestITIdentity(t *testing.T) {
	b := plant()
	b.Host(&observe.Host{MAC: macSwitch, HasMAC: true, How: observe.BindL2, App: lldp.App, At: at(20)})
	host(b, macSwitch, "10.0.1.2", observe.BindAnnounced, 0, 20)
	l2Identity(b, macSwitch, lldp.App, observe.FieldSystemName, "sw-cell-1", 20)
	l2Identity(b, macSwitch, lldp.App, observe.FieldCapabilities, "bridge,router", 20)
	l2Identity(b, macSwitch, lldp.App, observe.FieldManagementAddress, "10.0.1.2", 20)
	l2Identity(b, macSwitch, cdp.App, observe.FieldCapabilities, "switch,igmp", 21)
	l2Identity(b, macSwitch, cdp.App, observe.FieldPlatform, "cisco IE-3400-8T2S", 21)
	// The PLC bridges between its two ports and says so.
	l2Identity(b, macPLC, lldp.App, observe.FieldCapabilities, "bridge,station", 22)
	// A DNS server's answers: one about the PLC, one about an address no device holds.
	for _, a := range []struct{ ip, name string }{{"10.0.1.10", "plc-1.plant.example"}, {"10.0.7.7", "ghost.plant.example"}} {
		b.Identity(&observe.Identity{Subject: observe.Endpoint{IP: netip.MustParseAddr(a.ip)}, App: dns.App,
			Field: observe.FieldDNSName, Value: []byte(a.name), Confidence: observe.Low, At: at(23)})
	}
	// A Linux server serves SSH to the EWS.
	host(b, macServer, "10.0.1.40", observe.BindSource, 64, 24)
	flow(b, sshid.App, "10.0.1.30:50022", "10.0.1.40:22", macEWS, macServer, 24)
	identity(b, macServer, "10.0.1.40", sshid.App, observe.FieldSSHBanner, "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3", 24)
	inv := b.Build([]string{"capture.pcap"})

	sw := assetByIP(t, inv, "10.0.1.2")
	if sw.ID != "mac-00:1b:54:00:00:05" || sw.Name != "sw-cell-1" || sw.Role.Name != inventory.RoleNetworkDevice || sw.Role.Confidence != "high" ||
		!slices.Equal(sw.IPs[0].Seen, []string{"announced"}) || sw.Identity["platform"] != "cisco IE-3400-8T2S" {
		t.Errorf("switch %s %q %+v %+v %v", sw.ID, sw.Name, sw.Role, sw.IPs, sw.Identity)
	}
	if ev := strings.Join(sw.Role.Evidence, "; "); !strings.Contains(ev, "announces bridge, router capability over lldp") ||
		!strings.Contains(ev, "announces switch capability over cdp") {
		t.Errorf("switch evidence %q", ev)
	}
	plc := assetByIP(t, inv, "10.0.1.10")
	if plc.Role.Name != inventory.RoleController || !hasFact(plc, "dns", "dns_name", "plc-1.plant.example") {
		t.Errorf("plc %+v %+v", plc.Role, plc.Facts)
	}
	for _, a := range inv.Assets {
		for _, ip := range a.IPs {
			if ip.Address == "10.0.7.7" {
				t.Errorf("a DNS answer made asset %s", a.ID)
			}
		}
	}
	srv := assetByIP(t, inv, "10.0.1.40")
	if srv.Role.Name != inventory.RoleITHost || !slices.Contains(srv.Role.Evidence, "serves SSH on tcp/22 to 1 client") || *srv.Purdue.Level != 4 {
		t.Errorf("ssh server %+v %+v", srv.Role, srv.Purdue)
	}
}
