package simulate

// startPair starts the conversations of one client and server pair of the normal
// traffic. It returns false when the simulator does not speak the protocol.
func (s *sim) startPair(p pair) bool {
	switch p.proto.Name {
	case "modbus":
		fl := s.flow(p.cli, p.srv, "modbus", "tcp", p.port, "", p.conduit, false)
		c := s.newConv(p.cli, p.srv, p.port, false, fl, newModbusApp(s, p.ops))
		c.persistent, c.pauseMin, c.pauseMax = true, 1e9, 10e9
		s.at(s.startDelay(), c)
		return true
	}
	return false
}

// startDelay staggers the first session of each pair over the first seconds, so that
// even a short capture holds every conversation from its start.
func (s *sim) startDelay() int64 { return s.between(1e6, 2500e6) }

// scheduleServices starts what runs inside zones regardless of conduits: switches'
// LLDP and CDP, DHCP of workstations and laptops.
func (s *sim) scheduleServices() {}
