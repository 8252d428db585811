package simulate

import (
	"strings"

	"github.com/zonewarden/zonewarden/internal/model"
	"github.com/zonewarden/zonewarden/internal/protocols"
	"github.com/zonewarden/zonewarden/internal/simulate/encode"
	"github.com/zonewarden/zonewarden/internal/simulate/wire"
)

type encodeFiller = encode.Filler

func newFiller(seed uint64) encode.Filler { return encode.NewFiller(seed) }

// scheduleServices starts what runs inside zones without a conduit: switches' LLDP and
// CDP, DHCP of workstations and laptops, name resolution and time from a server in the
// same zone. External zones' own networks are outside the plant and not captured.
func (s *sim) scheduleServices() {
	for _, h := range s.p.hosts {
		if h.zone.external {
			continue
		}
		if infrastructureKinds[h.kind] || (model.IsControlKind(h.kind) && profinetVendor(vendorOf(h)) != 0) {
			s.at(s.between(1e6, 3e9), &lldpActor{h: h, fl: s.flow(h, nil, "lldp", "l2", 0, wire.MAC(encode.LLDPMulticast).String(), "", false)})
		}
		if infrastructureKinds[h.kind] && strings.HasPrefix(normVendor(vendorOf(h)), "cisco") {
			s.at(s.between(1e6, 3e9), &cdpActor{h: h, fl: s.flow(h, nil, "cdp", "l2", 0, wire.MAC(encode.CDPMulticast).String(), "", false)})
		}
		if (h.kind == "workstation" || h.kind == "engineering-laptop") && h.hasIP {
			s.at(s.between(1e6, 2e9), s.newDHCP(h))
		}
	}
	for _, z := range s.p.zones {
		if z.external {
			continue
		}
		s.zoneProfinet(z)
		var dc, clock *host
		for _, h := range z.hosts {
			if h.kind == "domain-controller" && h.hasIP && dc == nil {
				dc = h
			}
			if isTimeServer(h) && clock == nil {
				clock = h
			}
		}
		for _, h := range z.hosts {
			if !h.hasIP {
				continue
			}
			if dc != nil && h != dc && h.windows {
				s.startIT(pair{cli: h, srv: dc, proto: mustProtocol("dns"), port: 53})
			}
			if clock != nil && h != clock {
				s.startIT(pair{cli: h, srv: clock, proto: mustProtocol("ntp"), port: 123})
			}
		}
	}
}

func mustProtocol(name string) model.Protocol {
	p, _ := model.LookupProtocol(name)
	return p
}

func vendorOf(h *host) string {
	if h.asset == nil {
		return ""
	}
	return h.asset.Vendor
}

// isTimeServer recognises a plant's time server by its vendor or name.
func isTimeServer(h *host) bool {
	if !h.hasIP || model.IsControlKind(h.kind) {
		return false
	}
	v := normVendor(vendorOf(h) + " " + h.name)
	return strings.Contains(v, "meinberg") || strings.Contains(v, "clock") || strings.Contains(v, "time server") || strings.Contains(v, "ntp")
}

// l2 sends a frame from h to dst with etherType, counted in fl.
func (s *sim) l2(h *host, dst wire.MAC, etherType uint16, payload []byte, o *origin) {
	e := wire.Eth{Dst: dst, Src: h.mac, VLAN: h.zone.vlan}
	s.frame = wire.AppendEthernet(s.frame[:0], &e, etherType, payload)
	s.emit(o, protocols.OpNone, false)
}

// lldpActor announces a device with LLDP every 30 seconds.
type lldpActor struct {
	h  *host
	fl *flowStat
}

func (a *lldpActor) step(s *sim) int64 {
	h := a.h
	in := encode.LLDPInfo{ChassisMAC: h.mac, PortID: "port-1", PortDesc: "uplink", SysName: h.id, SysDesc: h.ident.sysDescr,
		Caps: 0x0080, MgmtIP: h.ip, HasIP: h.hasIP, TTL: 120}
	if infrastructureKinds[h.kind] {
		in.Caps, in.PortID, in.PortDesc = 0x0004, "Gi1/1", "GigabitEthernet1/1"
	}
	s.aux = encode.LLDP(s.aux[:0], &in)
	s.l2(h, encode.LLDPMulticast, wire.EtherTypeLLDP, s.aux, &origin{fl: a.fl})
	h.reveal(revLLDP)
	return s.jitter(30e9, 0.02)
}

// cdpActor announces a Cisco device with CDP every 60 seconds.
type cdpActor struct {
	h  *host
	fl *flowStat
}

func (a *cdpActor) step(s *sim) int64 {
	h := a.h
	in := encode.CDPInfo{DeviceID: h.id, SoftwareVersion: h.ident.sysDescr, Platform: h.ident.platform, PortID: "GigabitEthernet1/1",
		IP: h.ip, Caps: 0x28, NativeVLAN: h.zone.vlan}
	s.aux = encode.CDP(s.aux[:0], &in)
	e := wire.Eth{Dst: encode.CDPMulticast, Src: h.mac}
	s.frame = wire.AppendSNAP(s.frame[:0], &e, [3]byte{0, 0, 0x0c}, 0x2000, s.aux)
	s.emit(&origin{fl: a.fl}, protocols.OpNone, false)
	h.reveal(revCDP)
	return s.jitter(60e9, 0.02)
}

// dhcpActor renews a workstation's address: a broadcast DHCPREQUEST naming the host and
// its vendor class, answered by a DHCP server on the same network when there is one.
type dhcpActor struct {
	h      *host
	server *host
	fl     *flowStat
	ackFl  *flowStat
	xid    uint32
	ack    bool
}

func (s *sim) newDHCP(h *host) *dhcpActor {
	a := &dhcpActor{h: h, fl: s.flow(h, nil, "dhcp", "udp", 67, "255.255.255.255", "", false)}
	for _, o := range h.zone.hosts {
		if o.kind == "domain-controller" && o.hasIP {
			a.server = o
			a.ackFl = s.flow(o, h, "dhcp", "udp", 68, "", "", false)
			break
		}
	}
	return a
}

func (a *dhcpActor) step(s *sim) int64 {
	h := a.h
	if a.ack {
		a.ack = false
		srv := a.server
		m := encode.DHCPMsg{Op: 2, Type: encode.DHCPAck, XID: a.xid, YIAddr: h.ip, CHAddr: h.mac, ServerID: srv.ip, Lease: 28800,
			Mask: maskOf(h), DNS: srv.ip, Domain: domainOf(s)}
		s.aux = encode.DHCP(s.aux[:0], &m)
		e := wire.Eth{Dst: h.mac, Src: srv.mac, VLAN: h.zone.vlan}
		ip := wire.IPv4{Src: srv.ip, Dst: h.ip, ID: srv.nextIPID(), TTL: srv.ttl}
		s.frame = wire.AppendUDP(s.frame[:0], &e, &ip, 67, 68, s.aux)
		s.emit(&origin{fl: a.ackFl}, protocols.OpNone, false)
		return s.jitter(4*3600e9, 0.1) // renew at half the lease
	}
	a.xid = s.rng.Uint32()
	m := encode.DHCPMsg{Op: 1, Type: encode.DHCPRequest, XID: a.xid, Broadcast: true, CHAddr: h.mac, RequestedIP: h.ip,
		Hostname: h.ident.hostname, VendorClass: dhcpVendorClass(h)}
	s.aux = encode.DHCP(s.aux[:0], &m)
	e := wire.Eth{Dst: wire.Broadcast, Src: h.mac, VLAN: h.zone.vlan}
	ip := wire.IPv4{Dst: [4]byte{255, 255, 255, 255}, ID: h.nextIPID(), TTL: 128}
	s.frame = wire.AppendUDP(s.frame[:0], &e, &ip, 68, 67, s.aux)
	s.emit(&origin{fl: a.fl}, protocols.OpNone, false)
	h.reveal(revDHCP)
	if a.server != nil {
		a.ack = true
		return s.between(1e6, 20e6)
	}
	return s.jitter(4*3600e9, 0.1)
}

// dcpActor is a PROFINET controller or engineering station identifying the devices on
// its network with DCP every ten minutes; each device answers.
type dcpActor struct {
	h       *host
	devices []*host
	fl      *flowStat
	resp    []*flowStat
	xid     uint32
	next    int // device to answer next, -1 for the request
}

// profinetCapable reports whether h speaks PROFINET: a controller or field device of a
// vendor with a PROFINET vendor id.
func profinetCapable(h *host) bool {
	return (model.IsControlKind(h.kind) || h.kind == "gateway") && profinetVendor(vendorOf(h)) != 0
}

// zoneProfinet lets a PROFINET controller identify the PROFINET devices of its own
// network, as controllers do when they start and engineers do when they look for nodes.
func (s *sim) zoneProfinet(z *zone) {
	for _, c := range z.hosts {
		if c.kind != "plc" && c.kind != "dcs-controller" || !profinetCapable(c) {
			continue
		}
		for _, d := range z.hosts {
			if d != c && profinetCapable(d) {
				s.startDCP(pair{cli: c, srv: d})
			}
		}
		return
	}
}

// startDCP registers a PROFINET controller and device: DCP runs on Ethernet, so only
// devices on the controller's own network answer.
func (s *sim) startDCP(p pair) bool {
	if p.cli.zone != p.srv.zone {
		s.p.skipped = append(s.p.skipped, Skipped{What: "profinet from " + p.cli.id + " to " + p.srv.id,
			Reason: "PROFINET DCP is layer 2 and the two are in different zones"})
		return true
	}
	for _, a := range s.dcp {
		if a.h == p.cli {
			a.devices = append(a.devices, p.srv)
			a.resp = append(a.resp, s.flow(p.srv, p.cli, "profinet_dcp", "l2", 0, "", p.conduit, false))
			return true
		}
	}
	a := &dcpActor{h: p.cli, devices: []*host{p.srv}, next: -1,
		fl: s.flow(p.cli, nil, "profinet_dcp", "l2", 0, wire.MAC(encode.DCPMulticast).String(), p.conduit, false)}
	a.resp = append(a.resp, s.flow(p.srv, p.cli, "profinet_dcp", "l2", 0, "", p.conduit, false))
	s.dcp = append(s.dcp, a)
	s.at(s.between(5e6, 3e9), a)
	return true
}

func (a *dcpActor) step(s *sim) int64 {
	if a.next < 0 {
		a.xid++
		s.aux = encode.DCPIdentifyRequest(s.aux[:0], a.xid)
		s.l2(a.h, encode.DCPMulticast, wire.EtherTypeProfinet, s.aux, &origin{fl: a.fl})
		a.next = 0
		return s.between(1e6, 10e6)
	}
	d := a.devices[a.next]
	s.aux = encode.DCPIdentifyResponse(s.aux[:0], a.xid, &d.ident.dcp)
	s.l2(d, a.h.mac, wire.EtherTypeProfinet, s.aux, &origin{fl: a.resp[a.next]})
	d.reveal(revDCP)
	a.next++
	if a.next < len(a.devices) {
		return s.between(500e3, 8e6)
	}
	a.next = -1
	return s.jitter(600e9, 0.05)
}

// gooseActor publishes a protection device's GOOSE dataset: a heartbeat whose interval
// grows to the maximum, and a burst of fast repeats after each state change.
type gooseActor struct {
	h     *host
	fl    *flowStat
	msg   encode.GOOSEMessage
	dst   wire.MAC
	gap   int64
	state [2]bool
}

func (s *sim) startGOOSE(h *host, conduit string) {
	for _, g := range s.goose {
		if g.h == h {
			return
		}
	}
	n := len(s.goose) + 1
	dst := wire.MAC{0x01, 0x0c, 0xcd, 0x01, 0x00, byte(n)}
	ld := strings.ToUpper(strings.ReplaceAll(h.id, "-", "_"))
	g := &gooseActor{h: h, dst: dst, gap: 1e9, fl: s.flow(h, nil, "goose", "l2", 0, dst.String(), conduit, false),
		msg: encode.GOOSEMessage{AppID: uint16(n), GoCBRef: ld + "LD0/LLN0$GO$gcbStatus", DatSet: ld + "LD0/LLN0$dsStatus",
			GoID: ld + "_Status", TTL: 2000, StNum: 1, ConfRev: 1}}
	s.goose = append(s.goose, g)
	s.at(s.between(1e6, 1e9), g)
}

func (g *gooseActor) step(s *sim) int64 {
	t := s.start + s.now
	g.msg.T = uint64(t/1e9)<<32 | uint64(t%1e9)<<32/1e9&0xffffff00 | 0x0a
	g.msg.Booleans = g.state[:]
	g.msg.TTL = uint32(2 * g.gap / 1e6)
	if g.msg.TTL < 20 {
		g.msg.TTL = 20
	}
	s.aux = encode.GOOSE(s.aux[:0], &g.msg)
	e := wire.Eth{Dst: g.dst, Src: g.h.mac, VLAN: g.h.zone.vlan, Priority: 4}
	s.frame = wire.AppendEthernet(s.frame[:0], &e, wire.EtherTypeGOOSE, s.aux)
	s.emit(&origin{fl: g.fl}, protocols.OpNone, false)
	g.msg.SqNum++
	if s.rng.IntN(3000) == 0 {
		// A state change: new state number, sequence restarts, fast repeats.
		g.state[s.rng.IntN(2)] = s.rng.IntN(2) == 0
		g.msg.StNum++
		g.msg.SqNum = 0
		g.gap = 2e6
		return g.gap
	}
	if g.gap < 1e9 {
		g.gap *= 2
		if g.gap > 1e9 {
			g.gap = 1e9
		}
	}
	return g.gap
}
