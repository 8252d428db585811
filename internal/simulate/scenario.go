package simulate

import (
	"fmt"
	"math"
	"net/netip"

	"github.com/zonewarden/zonewarden/internal/model"
	"github.com/zonewarden/zonewarden/internal/protocols"
	"github.com/zonewarden/zonewarden/internal/simulate/encode"
	"github.com/zonewarden/zonewarden/internal/simulate/wire"
)

// injection is one event of the attack scenario, started when the run reaches its
// point (a fraction of the duration or of the size).
type injection struct {
	rec   *eventRec
	at    float64
	start func(s *sim)
}

// scenario holds the attack's injections in firing order.
type scenario struct {
	list []*injection
	next int
	tAt  int64 // virtual time at which the next injection fires
	bAt  int64 // capture size at which it fires
}

// arm works out when the next injection fires.
func (sc *scenario) arm(s *sim) {
	sc.tAt, sc.bAt = math.MaxInt64, math.MaxInt64
	if sc.next >= len(sc.list) {
		return
	}
	f := sc.list[sc.next].at
	if s.opts.Duration > 0 {
		sc.tAt = int64(f * float64(s.opts.Duration))
	}
	if s.opts.Size > 0 {
		sc.bAt = int64(f * float64(s.opts.Size))
	}
}

// poll starts the injections that are due.
func (sc *scenario) poll(s *sim) {
	for sc.next < len(sc.list) && (s.now >= sc.tAt || s.w.Written() >= sc.bAt) {
		in := sc.list[sc.next]
		sc.next++
		in.start(s)
		sc.arm(s)
	}
}

// Techniques of MITRE ATT&CK for ICS the scenario's events represent.
var techniques = map[string]string{
	"T0801": "Monitor Process State",
	"T0816": "Device Restart/Shutdown",
	"T0836": "Modify Parameter",
	"T0843": "Program Download",
	"T0846": "Remote System Discovery",
	"T0855": "Unauthorized Command Message",
	"T0858": "Change Operating Mode",
	"T0864": "Transient Cyber Asset",
	"T0888": "Remote System Information Discovery",
}

// planAttack works out which events this plant allows and when they happen. Events
// whose protocol or device the plant lacks are listed as not simulated.
func (s *sim) planAttack() {
	a := &attack{s: s}
	a.chooseTargets()
	steps := []func() (*injection, string){
		a.unknownDevice, a.portScan, a.listIdentitySweep, a.enterpriseModbus, a.unauthorizedWrite,
		a.s7Stop, a.s7Download, a.cipDownload, a.cipReset, a.dnp3ColdRestart, a.iec104Command, a.dcpSetIP,
	}
	sc := &scenario{}
	for _, plan := range steps {
		in, why := plan()
		if in == nil {
			s.p.skipped = append(s.p.skipped, Skipped{What: "attack event " + why, Reason: "the plant has no device this event needs"})
			continue
		}
		sc.list = append(sc.list, in)
	}
	// Spread the events over the run, after a stretch of normal traffic and leaving time
	// for the last one to finish.
	for i, in := range sc.list {
		in.at = 0.05 + 0.65*float64(i)/float64(max(1, len(sc.list)))
	}
	s.sc = sc
	sc.arm(s)
}

// attack picks the scenario's actors from the plant.
type attack struct {
	s        *sim
	zone     *zone // where the unknown device appears
	intruder *host
}

// serversOf lists the hosts that serve proto in the normal traffic, in model order.
func (a *attack) serversOf(proto string) []*host {
	var out []*host
	seen := map[*host]bool{}
	for _, p := range a.s.pairs {
		if p.proto.Name == proto && !seen[p.srv] {
			seen[p.srv] = true
			out = append(out, p.srv)
		}
	}
	return out
}

// clientOf reports whether h is a client of srv for proto with ops including op.
func (a *attack) clientOf(h, srv *host, proto string) (bool, opSet) {
	for _, p := range a.s.pairs {
		if p.cli == h && p.srv == srv && p.proto.Name == proto {
			return true, p.ops
		}
	}
	return false, 0
}

func first(hs []*host) *host {
	if len(hs) == 0 {
		return nil
	}
	return hs[0]
}

// chooseTargets picks the network where the unknown device appears: one with a
// PROFINET device if there is one (DCP works on Ethernet only), else the network of
// the first controller the plant's OT protocols reach.
func (a *attack) chooseTargets() {
	for _, d := range a.s.dcp {
		if d.h.zone.prefix.IsValid() {
			a.zone = d.h.zone
			return
		}
	}
	for _, proto := range []string{"profinet", "s7comm", "enip", "modbus", "dnp3", "iec104", "bacnet", "opcua"} {
		if h := first(a.serversOf(proto)); h != nil && h.zone.prefix.IsValid() {
			a.zone = h.zone
			return
		}
	}
	for _, h := range a.s.p.hosts {
		if model.IsControlKind(h.kind) && h.zone.prefix.IsValid() {
			a.zone = h.zone
			return
		}
	}
}

// newEvent registers an event record.
func (a *attack) newEvent(kind, technique, description, proto string, op protocols.OpClass, src, dst *host) *eventRec {
	e := &eventRec{Event: Event{Kind: kind, TechniqueID: technique, TechniqueName: techniques[technique], Description: description,
		Src: src.id, SrcIP: src.ipString(), Protocol: proto, Packets: []uint64{}, KeyPackets: []uint64{}}}
	if op != protocols.OpNone {
		e.Operation = op.String()
	}
	if dst != nil {
		e.Dst, e.DstIP = dst.id, dst.ipString()
	}
	e.comment = fmt.Sprintf("zonewarden simulate: injected %s (%s %s)", kind, technique, e.TechniqueName)
	a.s.events = append(a.s.events, e)
	return e
}

// unknown returns the unknown device, creating it on first use.
func (a *attack) unknown() *host {
	if a.intruder != nil || a.zone == nil {
		return a.intruder
	}
	used := map[[4]byte]bool{}
	for _, h := range a.s.p.hosts {
		used[h.ip] = true
	}
	h := &host{id: "unknown-device-1", name: "Unknown device", kind: "other", zone: a.zone}
	ip, ok := a.zone.freeAddr(used)
	if !ok {
		return nil
	}
	h.ip, h.hasIP = ip, true
	sum := fnv32("unknown-device-1")
	h.mac = wire.MAC{0xb8, 0x27, 0xeb, byte(sum >> 16), byte(sum >> 8), byte(sum)} // Raspberry Pi Foundation
	h.configureStack()
	a.s.p.addHost(h)
	deriveIdentity(h)
	h.ident.hostname = "raspberrypi"
	h.ident.entry[revDHCP] = &Identity{Protocol: "dhcp", Hostname: "raspberrypi", VendorClass: "dhcpcd-9.4.1:Linux-6.1.21-v8+:aarch64:BCM2835"}
	a.intruder = h
	return h
}

// injectConv starts a scripted conversation of an event.
func (a *attack) injectConv(ev *eventRec, cl, sv *host, proto, transport string, port uint16, ap app) func(s *sim) {
	return func(s *sim) {
		fl := s.flow(cl, sv, proto, transport, port, "", "", true)
		c := s.newConv(cl, sv, port, transport == "udp", fl, ap)
		c.ev = ev
		s.at(s.between(1e6, 20e6), c)
	}
}

func (a *attack) unknownDevice() (*injection, string) {
	h := a.unknown()
	if h == nil {
		return nil, "unknown_device"
	}
	ev := a.newEvent("unknown_device", "T0864",
		"A device that is not in the model (a single-board computer) joins the "+h.zone.id+" network: it asks for an address with DHCP and announces itself with ARP.",
		"dhcp", protocols.OpNone, h, nil)
	return &injection{rec: ev, start: func(s *sim) {
		s.at(0, &appearActor{h: h, ev: ev, dhcp: s.flow(h, nil, "dhcp", "udp", 67, "255.255.255.255", "", true),
			arp: s.flow(h, nil, "arp", "l2", 0, "ff:ff:ff:ff:ff:ff", "", true)})
	}}, ""
}

// appearActor is the unknown device joining the network: DHCP discover, ARP probe and
// gratuitous ARP.
type appearActor struct {
	h     *host
	ev    *eventRec
	state int
	dhcp  *flowStat
	arp   *flowStat
}

func (a *appearActor) step(s *sim) int64 {
	h := a.h
	switch a.state {
	case 0:
		m := encode.DHCPMsg{Op: 1, Type: encode.DHCPDiscover, XID: s.rng.Uint32(), Broadcast: true, CHAddr: h.mac, RequestedIP: h.ip,
			Hostname: h.ident.hostname, VendorClass: h.ident.entry[revDHCP].VendorClass}
		s.aux = encode.DHCP(s.aux[:0], &m)
		e := wire.Eth{Dst: wire.Broadcast, Src: h.mac, VLAN: h.zone.vlan}
		ip := wire.IPv4{Dst: [4]byte{255, 255, 255, 255}, ID: h.nextIPID(), TTL: 64}
		s.frame = wire.AppendUDP(s.frame[:0], &e, &ip, 68, 67, s.aux)
		s.emit(&origin{fl: a.dhcp, ev: a.ev}, protocols.OpNone, true)
		h.reveal(revDHCP)
	case 1, 2:
		// An ARP probe for its address (sender 0.0.0.0), then a gratuitous announcement.
		e := wire.Eth{Dst: wire.Broadcast, Src: h.mac, VLAN: h.zone.vlan}
		spa := h.ip
		if a.state == 1 {
			spa = [4]byte{}
		}
		s.frame = wire.AppendARP(s.frame[:0], &e, wire.ARPRequest, h.mac, spa, wire.MAC{}, h.ip)
		s.emit(&origin{fl: a.arp, ev: a.ev}, protocols.OpNone, true)
	default:
		return -1
	}
	a.state++
	return s.between(100e6, 1e9)
}

// Ports an ICS-aware scanner probes.
var scanPorts = []uint16{21, 22, 23, 25, 53, 80, 102, 110, 135, 139, 161, 443, 445, 502, 771, 789, 1089, 1911, 1962, 2222,
	2404, 3389, 4000, 4840, 5006, 5007, 5094, 5900, 8080, 9600, 18245, 20000, 20547, 34962, 34964, 44818, 47808, 55000}

func (a *attack) portScan() (*injection, string) {
	h := a.unknown()
	target := a.firstController(a.zone)
	if h == nil || target == nil {
		return nil, "port_scan"
	}
	ev := a.newEvent("port_scan", "T0846", fmt.Sprintf("The unknown device probes %d TCP ports of %s (SYN scan) to find its services.", len(scanPorts), target.id),
		"tcp", protocols.OpNone, h, target)
	open := map[uint16]bool{}
	for _, p := range a.s.pairs {
		if p.srv == target && p.proto.Transport != "udp" {
			open[p.port] = true
		}
	}
	return &injection{rec: ev, start: func(s *sim) {
		s.at(s.between(1e6, 20e6), &scanActor{src: h, dst: target, ev: ev, open: open,
			fl: s.flow(h, target, "tcp-scan", "tcp", 0, "", "", true), port: h.ephemeral()})
	}}, ""
}

// firstController is the first controller of a zone that the normal traffic reaches,
// or any controller there.
func (a *attack) firstController(z *zone) *host {
	if z == nil {
		return nil
	}
	for _, p := range a.s.pairs {
		if p.srv.zone == z && p.proto.OT && p.srv.hasIP {
			return p.srv
		}
	}
	for _, h := range z.hosts {
		if model.IsControlKind(h.kind) && h.hasIP {
			return h
		}
	}
	return nil
}

// scanActor is a SYN scan: a SYN per port; open ports answer SYN/ACK and the scanner
// resets, closed ones answer RST/ACK.
type scanActor struct {
	src, dst *host
	ev       *eventRec
	fl       *flowStat
	open     map[uint16]bool
	port     uint16
	i        int
	phase    int
	seq      uint32
}

func (a *scanActor) step(s *sim) int64 {
	if a.i >= len(scanPorts) {
		return -1
	}
	dport := scanPorts[a.i]
	o := &origin{fl: a.fl, ev: a.ev}
	switch a.phase {
	case 0:
		if a.i == 0 && s.needARP(a.src, a.dst) {
			s.sendARP(o, a.src, a.dst, wire.ARPRequest)
			a.phase = 3
			return 200e3
		}
		a.seq = s.rng.Uint32()
		s.tcpRaw(o, a.src, a.dst, a.port, dport, a.seq, 0, wire.SYN, 1024, true)
		a.phase = 1
		return 150e3
	case 1:
		if a.open[dport] {
			s.tcpRaw(o, a.dst, a.src, dport, a.port, s.rng.Uint32(), a.seq+1, wire.SYN|wire.ACK, a.dst.win, false)
			a.phase = 2
			return 150e3
		}
		s.tcpRaw(o, a.dst, a.src, dport, a.port, 0, a.seq+1, wire.RST|wire.ACK, 0, false)
	case 2:
		s.tcpRaw(o, a.src, a.dst, a.port, dport, a.seq+1, 0, wire.RST, 0, false)
	case 3:
		s.sendARP(o, a.dst, a.src, wire.ARPReply)
		a.phase = 0
		return 300e3
	}
	a.phase = 0
	a.i++
	return s.between(500e3, 3e6)
}

// tcpRaw sends one TCP segment outside a conversation (scans).
func (s *sim) tcpRaw(o *origin, src, dst *host, sport, dport uint16, seq, ack uint32, flags uint8, win uint16, key bool) {
	e := wire.Eth{Dst: dst.mac, Src: src.mac, VLAN: src.zone.vlan}
	ip := wire.IPv4{Src: src.ip, Dst: dst.ip, ID: src.nextIPID(), TTL: src.ttl}
	t := wire.TCP{SrcPort: sport, DstPort: dport, Seq: seq, Ack: ack, Flags: flags, Window: win}
	if flags&wire.SYN != 0 && flags&wire.ACK == 0 {
		t.Options = []byte{2, 4, 0x05, 0xb4}
	}
	s.frame = wire.AppendTCP(s.frame[:0], &e, &ip, &t, nil)
	s.emit(o, protocols.OpNone, key)
}

func (a *attack) listIdentitySweep() (*injection, string) {
	h := a.unknown()
	enip := a.serversOf("enip")
	if h == nil || len(enip) == 0 || !enip[0].zone.prefix.IsValid() {
		return nil, "listidentity_sweep"
	}
	z := enip[0].zone
	base := z.prefix.Masked().Addr().As4()
	if z.prefix.Bits() < 24 {
		base = enip[0].ip
		base[3] = 0
	}
	responders := map[[4]byte]*host{}
	for _, d := range enip {
		responders[d.ip] = d
	}
	hosts := map[[4]byte]*host{}
	for _, d := range a.s.p.hosts {
		if d.hasIP {
			hosts[d.ip] = d
		}
	}
	ev := a.newEvent("listidentity_sweep", "T0888",
		fmt.Sprintf("The unknown device sends an EtherNet/IP ListIdentity to every address of %s/24; each EtherNet/IP device answers with its vendor, product, revision and serial.", netip.AddrFrom4(base)),
		"enip", protocols.OpRead, h, nil)
	return &injection{rec: ev, start: func(s *sim) {
		sw := &sweepActor{src: h, base: base, ev: ev, responders: responders, hosts: hosts, port: h.ephemeral(),
			fl:     s.flow(h, nil, "enip", "udp", 44818, netip.AddrFrom4(base).String()+"/24", "", true),
			arpFl:  s.flow(h, nil, "arp", "l2", 0, "ff:ff:ff:ff:ff:ff", "", true),
			respFl: map[*host]*flowStat{}}
		for _, d := range responders {
			sw.respFl[d] = s.flow(d, h, "enip", "udp", sw.port, "", "", true)
		}
		s.at(s.between(1e6, 20e6), sw)
	}}, ""
}

// sweepActor sends ListIdentity to each address of a /24 and lets devices answer. On
// its own network the scanner first resolves each address with ARP (and skips those
// nobody answers for); across networks it sends every probe, unanswered ones toward
// its gateway.
type sweepActor struct {
	src        *host
	base       [4]byte
	ev         *eventRec
	fl         *flowStat
	arpFl      *flowStat
	respFl     map[*host]*flowStat
	responders map[[4]byte]*host
	hosts      map[[4]byte]*host
	port       uint16
	n          int
	phase      int
	target     *host
}

func (a *sweepActor) step(s *sim) int64 {
	o := &origin{fl: a.fl, ev: a.ev}
	local := a.src.zone.prefix.Contains(netip.AddrFrom4(a.base))
	switch a.phase {
	case 0: // next address
		a.n++
		if a.n > 254 {
			return -1
		}
		ip := a.base
		ip[3] = byte(a.n)
		if ip == a.src.ip {
			return 0
		}
		a.target = a.hosts[ip]
		if local {
			e := wire.Eth{Dst: wire.Broadcast, Src: a.src.mac, VLAN: a.src.zone.vlan}
			s.frame = wire.AppendARP(s.frame[:0], &e, wire.ARPRequest, a.src.mac, a.src.ip, wire.MAC{}, ip)
			s.emit(&origin{fl: a.arpFl, ev: a.ev}, protocols.OpNone, false)
			if a.target == nil {
				return s.between(1e6, 3e6)
			}
			a.phase = 1
			return 2 * s.pathDelay(a.src, a.target)
		}
		a.phase = 2
		return 0
	case 1: // the ARP reply
		s.sendARP(o, a.target, a.src, wire.ARPReply)
		a.src.arpSeen[a.target.idx] = s.now
		a.phase = 2
		return 100e3
	case 2: // the probe
		dst := a.target
		if dst == nil {
			ip := a.base
			ip[3] = byte(a.n)
			dst = &host{ip: ip, zone: a.src.zone, mac: gatewayMAC(a.src.zone)}
		}
		s.aux = encode.ENIPListIdentityRequest(s.aux[:0], uint64(a.n))
		s.udpRaw(o, a.src, dst, a.port, 44818, s.aux, true, protocols.OpRead)
		if d, ok := a.responders[dst.ip]; ok && d == a.target {
			a.phase = 3
			return s.procDelay(d)
		}
		a.phase = 0
		return s.between(1e6, 3e6)
	case 3: // a device answers
		d := a.target
		s.aux = encode.ENIPListIdentityResponse(s.aux[:0], uint64(a.n), &d.ident.enip)
		s.udpRaw(&origin{fl: a.respFl[d], ev: a.ev}, d, a.src, 44818, a.port, s.aux, true, protocols.OpRead)
		d.reveal(revENIP)
	}
	a.phase = 0
	return s.between(1e6, 3e6)
}

// gatewayMAC is the MAC toward which a zone's hosts send traffic for addresses nobody on
// the network answers for (a locally administered address derived from the zone).
func gatewayMAC(z *zone) wire.MAC {
	sum := fnv32("gateway:" + z.id)
	return wire.MAC{0x02, 0x00, byte(sum >> 24), byte(sum >> 16), byte(sum >> 8), byte(sum)}
}

// udpRaw sends one UDP datagram outside a conversation.
func (s *sim) udpRaw(o *origin, src, dst *host, sport, dport uint16, payload []byte, key bool, op protocols.OpClass) {
	e := wire.Eth{Dst: dst.mac, Src: src.mac, VLAN: src.zone.vlan}
	ip := wire.IPv4{Src: src.ip, Dst: dst.ip, ID: src.nextIPID(), TTL: src.ttl}
	s.frame = wire.AppendUDP(s.frame[:0], &e, &ip, sport, dport, payload)
	s.emit(o, op, key)
}

// enterpriseHost is a business computer: a workstation or server of the enterprise
// network (Purdue level 4 or 5, not external) or any workstation.
func (a *attack) enterpriseHost() *host {
	for _, h := range a.s.p.hosts {
		if h.asset != nil && h.hasIP && h.zone.m.Purdue != nil && *h.zone.m.Purdue >= 4 && !h.zone.external && !infrastructureKinds[h.kind] {
			return h
		}
	}
	for _, h := range a.s.p.hosts {
		if h.kind == "workstation" && h.hasIP {
			return h
		}
	}
	return nil
}

func (a *attack) enterpriseModbus() (*injection, string) {
	cl, sv := a.enterpriseHost(), first(a.serversOf("modbus"))
	if cl == nil || sv == nil || cl.zone == sv.zone {
		return nil, "enterprise_modbus"
	}
	ev := a.newEvent("enterprise_modbus", "T0801",
		fmt.Sprintf("%s, a business computer in %s, identifies and reads %s over Modbus/TCP, which no conduit allows.", cl.id, cl.zone.id, sv.id),
		"modbus", protocols.OpRead, cl, sv)
	ap := newModbusApp(a.s, 1<<protocols.OpRead)
	ap.scripted = true
	ap.script = []modbusOp{
		{fc: encode.ModbusEncapsulated, code: 1, op: protocols.OpRead, key: true},
		{fc: encode.ModbusReadHoldingRegisters, qty: 20, op: protocols.OpRead, key: true},
		{fc: encode.ModbusReadInputRegisters, qty: 10, op: protocols.OpRead, key: true},
		{fc: encode.ModbusReadCoils, qty: 32, op: protocols.OpRead, key: true},
	}
	return &injection{rec: ev, start: a.injectConv(ev, cl, sv, "modbus", "tcp", 502, ap)}, ""
}

// nonEngineer finds a host that may not write to srv: one in srv's own network that is
// not an engineering machine and not an allowed writer, else an HMI elsewhere.
func (a *attack) nonEngineer(srv *host, proto string) *host {
	ok := func(h *host) bool {
		if h == srv || !h.hasIP || h.asset == nil || h.kind == "ews" || h.kind == "engineering-laptop" || model.IsControlKind(h.kind) || infrastructureKinds[h.kind] {
			return false
		}
		is, ops := a.clientOf(h, srv, proto)
		return !is || !ops.has(protocols.OpWrite)
	}
	for _, h := range srv.zone.hosts {
		if ok(h) {
			return h
		}
	}
	for _, h := range a.s.p.hosts {
		if h.kind == "hmi" && ok(h) {
			return h
		}
	}
	return a.enterpriseHost()
}

func (a *attack) unauthorizedWrite() (*injection, string) {
	if sv := first(a.serversOf("modbus")); sv != nil {
		cl := a.nonEngineer(sv, "modbus")
		if cl == nil {
			return nil, "unauthorized_write"
		}
		ev := a.newEvent("unauthorized_write", "T0836",
			fmt.Sprintf("%s (%s), which is not an engineering workstation, writes holding registers of %s over Modbus/TCP.", cl.id, cl.kind, sv.id),
			"modbus", protocols.OpWrite, cl, sv)
		ap := newModbusApp(a.s, 1<<protocols.OpRead|1<<protocols.OpWrite)
		ap.scripted = true
		ap.script = []modbusOp{
			{fc: encode.ModbusReadHoldingRegisters, qty: 10, op: protocols.OpRead},
			{fc: encode.ModbusWriteSingleRegister, addr: 21, value: 9999, op: protocols.OpWrite, key: true},
			{fc: encode.ModbusWriteMultipleRegs, addr: 30, qty: 2, op: protocols.OpWrite, key: true},
		}
		return &injection{rec: ev, start: a.injectConv(ev, cl, sv, "modbus", "tcp", 502, ap)}, ""
	}
	if sv := first(a.serversOf("enip")); sv != nil {
		cl := a.nonEngineer(sv, "enip")
		if cl == nil {
			return nil, "unauthorized_write"
		}
		ev := a.newEvent("unauthorized_write", "T0836",
			fmt.Sprintf("%s (%s), which is not an engineering workstation, writes a tag of %s over EtherNet/IP.", cl.id, cl.kind, sv.id),
			"enip", protocols.OpWrite, cl, sv)
		ap := newENIPApp(a.s, 1<<protocols.OpWrite)
		ap.scripted = true
		ap.fo = encode.ForwardOpen{TOConnID: a.s.rng.Uint32(), Serial: 7, Vendor: 1, OrigSerial: 0x1234, RPI: 2_000_000}
		ap.script = []enipOp{{kind: enRegister}, {kind: enForwardOpen}, {kind: enWriteTag, tag: "Dosing_Setpoint", op: protocols.OpWrite, key: true}}
		return &injection{rec: ev, start: a.injectConv(ev, cl, sv, "enip", "tcp", 44818, ap)}, ""
	}
	return nil, "unauthorized_write"
}

// s7Target is the first S7 controller.
func (a *attack) s7Target() *host { return first(a.serversOf("s7comm")) }

func (a *attack) s7Attacker(target *host) *host {
	if h := a.unknown(); h != nil {
		return h
	}
	return a.enterpriseHost()
}

func (a *attack) s7Stop() (*injection, string) {
	sv := a.s7Target()
	if sv == nil {
		return nil, "s7_cpu_stop"
	}
	cl := a.s7Attacker(sv)
	if cl == nil {
		return nil, "s7_cpu_stop"
	}
	ev := a.newEvent("s7_cpu_stop", "T0858", fmt.Sprintf("%s puts the CPU of %s into STOP with the S7 PLC stop function (PI service P_PROGRAM).", cl.id, sv.id),
		"s7comm", protocols.OpControl, cl, sv)
	p := newS7(a.s, 0)
	p.scripted = true
	var q stepQueue
	s7Open(&q, false)
	q.add(step{kind: s7Stop, from: cli, op: protocols.OpControl, key: true})
	q.add(step{kind: s7Stop, from: srv, op: protocols.OpControl, key: true})
	p.script = q.list
	return &injection{rec: ev, start: a.injectConv(ev, cl, sv, "s7comm", "tcp", 102, newStepApp(a.s, p))}, ""
}

func (a *attack) s7Download() (*injection, string) {
	sv := a.s7Target()
	if sv == nil {
		return nil, "s7_program_download"
	}
	cl := a.s7Attacker(sv)
	if cl == nil {
		return nil, "s7_program_download"
	}
	ev := a.newEvent("s7_program_download", "T0843", fmt.Sprintf("%s downloads function block FC 17 into %s and activates it (request download, download block, download ended, PI service _INSE).", cl.id, sv.id),
		"s7comm", protocols.OpProgram, cl, sv)
	p := newS7(a.s, 0)
	p.scripted = true
	var q stepQueue
	s7Open(&q, true)
	for _, k := range []int{s7RequestDownload, s7DownloadBlock, s7DownloadEnded, s7Insert} {
		first, second := cli, srv
		if k == s7DownloadBlock || k == s7DownloadEnded {
			first, second = srv, cli // the CPU asks for the block
		}
		q.add(step{kind: k, from: first, op: protocols.OpProgram, key: true, arg: 17})
		q.add(step{kind: k, from: second, op: protocols.OpProgram, key: true, arg: 17})
	}
	p.script = q.list
	return &injection{rec: ev, start: a.injectConv(ev, cl, sv, "s7comm", "tcp", 102, newStepApp(a.s, p))}, ""
}

// cipTarget is the first EtherNet/IP controller (a PLC rather than a drive).
func (a *attack) cipTarget() *host {
	var any *host
	for _, h := range a.serversOf("enip") {
		if h.kind == "plc" || h.kind == "safety-controller" || h.kind == "dcs-controller" {
			return h
		}
		if any == nil {
			any = h
		}
	}
	return any
}

func (a *attack) cipDownload() (*injection, string) {
	sv := a.cipTarget()
	if sv == nil {
		return nil, "cip_program_download"
	}
	var cl *host
	for _, h := range sv.zone.hosts {
		if h.kind == "engineering-laptop" && h.hasIP {
			cl = h // the laptop left connected in the cell
			break
		}
	}
	if cl == nil {
		cl = a.unknown()
	}
	if cl == nil {
		return nil, "cip_program_download"
	}
	ev := a.newEvent("cip_program_download", "T0843",
		fmt.Sprintf("%s writes a program file to %s through the CIP File object (Initiate_Download, then Download_Transfer).", cl.id, sv.id),
		"enip", protocols.OpProgram, cl, sv)
	ap := newENIPApp(a.s, 1<<protocols.OpProgram)
	ap.scripted = true
	script := []enipOp{{kind: enListIdentity, op: protocols.OpRead}, {kind: enRegister}, {kind: enGetAll, op: protocols.OpRead},
		{kind: enFileInit, n: 4 * 240, op: protocols.OpProgram, key: true}}
	for i := 0; i < 4; i++ {
		part := uint8(1)
		switch i {
		case 0:
			part = 0
		case 3:
			part = 2
		}
		script = append(script, enipOp{kind: enFileTransfer, num: uint8(i), part: part, n: 240, op: protocols.OpProgram, key: true})
	}
	ap.script = script
	return &injection{rec: ev, start: a.injectConv(ev, cl, sv, "enip", "tcp", 44818, ap)}, ""
}

func (a *attack) cipReset() (*injection, string) {
	sv := a.cipTarget()
	cl := a.unknown()
	if sv == nil || cl == nil {
		return nil, "cip_reset"
	}
	ev := a.newEvent("cip_reset", "T0816", fmt.Sprintf("%s sends the CIP Reset service to the Identity object of %s, restarting it.", cl.id, sv.id),
		"enip", protocols.OpControl, cl, sv)
	ap := newENIPApp(a.s, 1<<protocols.OpControl)
	ap.scripted = true
	ap.script = []enipOp{{kind: enListIdentity, op: protocols.OpRead}, {kind: enRegister}, {kind: enReset, op: protocols.OpControl, key: true}}
	return &injection{rec: ev, start: a.injectConv(ev, cl, sv, "enip", "tcp", 44818, ap)}, ""
}

func (a *attack) dnp3ColdRestart() (*injection, string) {
	sv := first(a.serversOf("dnp3"))
	if sv == nil {
		return nil, "dnp3_cold_restart"
	}
	var cl *host
	for _, p := range a.s.pairs {
		if p.srv == sv && p.proto.Name == "dnp3" && !p.ops.has(protocols.OpControl) {
			cl = p.cli // a master that may read but not control
			break
		}
	}
	if cl == nil {
		cl = a.unknown()
	}
	if cl == nil {
		return nil, "dnp3_cold_restart"
	}
	ev := a.newEvent("dnp3_cold_restart", "T0816", fmt.Sprintf("%s sends DNP3 COLD_RESTART to %s, which its conduit does not allow.", cl.id, sv.id),
		"dnp3", protocols.OpControl, cl, sv)
	p := newDNP3(a.s, 0, uint16(1+fnv32(cl.id)%50), uint16(100+fnv32(sv.id)%900))
	p.scripted = true
	p.script = []step{{kind: dnColdRestart, from: cli, op: protocols.OpControl, key: true}, {kind: dnColdRestart, from: srv, op: protocols.OpControl, key: true}}
	return &injection{rec: ev, start: a.injectConv(ev, cl, sv, "dnp3", "tcp", 20000, newStepApp(a.s, p))}, ""
}

func (a *attack) iec104Command() (*injection, string) {
	sv := first(a.serversOf("iec104"))
	if sv == nil {
		return nil, "iec104_unexpected_command"
	}
	var cl *host
	for _, h := range sv.zone.hosts {
		if is, _ := a.clientOf(h, sv, "iec104"); !is && h != sv && h.hasIP && h.asset != nil && !infrastructureKinds[h.kind] && !model.IsControlKind(h.kind) {
			cl = h
			break
		}
	}
	if cl == nil {
		cl = a.unknown()
	}
	if cl == nil {
		return nil, "iec104_unexpected_command"
	}
	ev := a.newEvent("iec104_unexpected_command", "T0855",
		fmt.Sprintf("%s, which is not a controlling station of %s, opens an IEC 104 link and sends a single command (select and execute).", cl.id, sv.id),
		"iec104", protocols.OpWrite, cl, sv)
	p := newIEC104(a.s, 0, uint16(1+fnv32(sv.id)%1000))
	p.scripted = true
	var q stepQueue
	p.queueCommand(&q, true, protocols.OpWrite)
	p.script = q.list
	return &injection{rec: ev, start: a.injectConv(ev, cl, sv, "iec104", "tcp", 2404, newStepApp(a.s, p))}, ""
}

func (a *attack) dcpSetIP() (*injection, string) {
	h := a.unknown()
	var dev *host
	for _, d := range a.s.dcp {
		if h != nil && d.h.zone == h.zone {
			dev = d.devices[0]
			break
		}
	}
	if dev == nil || h == nil {
		return nil, "dcp_set_ip"
	}
	newIP := dev.ip
	newIP[3] ^= 0x80
	ev := a.newEvent("dcp_set_ip", "T0855",
		fmt.Sprintf("The unknown device identifies PROFINET devices with DCP and sets the IP address of %s to %s, cutting it off from its controller.", dev.id, netip.AddrFrom4(newIP)),
		"profinet_dcp", protocols.OpControl, h, dev)
	return &injection{rec: ev, start: func(s *sim) {
		s.at(s.between(1e6, 20e6), &dcpSetActor{src: h, dev: dev, ip: newIP, ev: ev,
			req:  s.flow(h, nil, "profinet_dcp", "l2", 0, wire.MAC(encode.DCPMulticast).String(), "", true),
			set:  s.flow(h, dev, "profinet_dcp", "l2", 0, "", "", true),
			resp: s.flow(dev, h, "profinet_dcp", "l2", 0, "", "", true)})
	}}, ""
}

// dcpSetActor identifies PROFINET devices and sets one's IP address.
type dcpSetActor struct {
	src, dev       *host
	ip             [4]byte
	ev             *eventRec
	req, set, resp *flowStat
	state          int
	xid            uint32
}

func (a *dcpSetActor) step(s *sim) int64 {
	a.xid++
	switch a.state {
	case 0:
		s.aux = encode.DCPIdentifyRequest(s.aux[:0], a.xid)
		s.l2(a.src, encode.DCPMulticast, wire.EtherTypeProfinet, s.aux, &origin{fl: a.req, ev: a.ev})
	case 1:
		s.aux = encode.DCPIdentifyResponse(s.aux[:0], a.xid-1, &a.dev.ident.dcp)
		s.l2(a.dev, a.src.mac, wire.EtherTypeProfinet, s.aux, &origin{fl: a.resp, ev: a.ev})
		a.dev.reveal(revDCP)
	case 2:
		s.aux = encode.DCPSetIP(s.aux[:0], a.xid, a.ip, maskOf(a.dev), [4]byte{})
		a.keyL2(s, a.src, a.dev.mac, a.set)
	case 3:
		s.aux = encode.DCPSetResponse(s.aux[:0], a.xid-1)
		a.keyL2(s, a.dev, a.src.mac, a.resp)
	default:
		return -1
	}
	a.state++
	return s.between(2e6, 30e6)
}

func (a *dcpSetActor) keyL2(s *sim, from *host, dst wire.MAC, fl *flowStat) {
	e := wire.Eth{Dst: dst, Src: from.mac, VLAN: from.zone.vlan}
	s.frame = wire.AppendEthernet(s.frame[:0], &e, wire.EtherTypeProfinet, s.aux)
	s.emit(&origin{fl: fl, ev: a.ev}, protocols.OpControl, true)
}
