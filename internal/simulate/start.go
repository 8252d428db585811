package simulate

// startPair starts the conversations of one client and server pair of the normal
// traffic. It returns false when the simulator does not speak the protocol.
func (s *sim) startPair(p pair) bool {
	var a app
	udp := false
	switch p.proto.Name {
	case "modbus":
		a = newModbusApp(s, p.ops)
	case "enip":
		a = newENIPApp(s, p.ops)
	case "s7comm":
		a = newStepApp(s, newS7(s, p.ops))
	case "dnp3":
		a = newStepApp(s, newDNP3(s, p.ops, uint16(1+fnv32(p.cli.id)%50), uint16(100+fnv32(p.srv.id)%900)))
	case "iec104":
		a = newStepApp(s, newIEC104(s, p.ops, uint16(1+fnv32(p.srv.id)%1000)))
	case "bacnet":
		a, udp = newStepApp(s, newBACnet(s, p.cli.zone == p.srv.zone)), true
	case "opcua":
		a = newStepApp(s, newOPCUA(s, p.cli, p.srv, p.port))
	case "iec61850-mms":
		a = newStepApp(s, newMMS(s, p.srv))
	default:
		return s.startIT(p)
	}
	transport := "tcp"
	if udp {
		transport = "udp"
	}
	fl := s.flow(p.cli, p.srv, p.proto.Name, transport, p.port, "", p.conduit, false)
	c := s.newConv(p.cli, p.srv, p.port, udp, fl, a)
	c.persistent, c.pauseMin, c.pauseMax = true, 1e9, 10e9
	if udp {
		c.fixedPort = p.port // BACnet devices talk from and to 47808
	}
	s.at(s.startDelay(), c)
	return true
}

// startDelay staggers the first session of each pair over the first seconds, so that
// even a short capture holds every conversation from its start.
func (s *sim) startDelay() int64 { return s.between(1e6, 2500e6) }
