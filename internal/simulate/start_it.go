package simulate

// startIT starts the conversations of IT protocols; it returns false for protocols the
// simulator does not speak.
func (s *sim) startIT(p pair) bool {
	var (
		proto              stepProto
		udp                bool
		pauseMin, pauseMax int64 = 5e9, 180e9
		fixed              uint16
	)
	switch p.proto.Name {
	case "https", "ldaps", "mqtts", "syslog-tls":
		var alpn []string
		if p.proto.Name == "https" {
			alpn = []string{"h2", "http/1.1"}
		}
		proto = newTLS(s, p.srv, alpn, false)
	case "rdp":
		proto = newTLS(s, p.srv, nil, true)
		pauseMin, pauseMax = 60e9, 1800e9
	case "ssh":
		proto = &sshProto{fresh: true, fill: s.filler()}
		pauseMin, pauseMax = 60e9, 1800e9
	case "smb":
		proto = &smbProto{fill: s.filler()}
		pauseMin, pauseMax = 30e9, 900e9
	case "ldap":
		proto = &ldapProto{}
		pauseMin, pauseMax = 60e9, 900e9
	case "telnet":
		proto = newTelnet(p.srv)
		pauseMin, pauseMax = 300e9, 3600e9
	case "http":
		proto = &httpProto{host: p.srv.ipString()}
	case "dns":
		proto, udp = s.newDNS(p.cli, p.srv), true
		pauseMin, pauseMax = 20e9, 300e9
	case "ntp":
		proto, udp, fixed = &ntpProto{}, true, 123
		pauseMin, pauseMax = 60e9, 70e9
	case "syslog":
		proto, udp, fixed = &syslogProto{}, true, p.cli.ephemeral()
		pauseMin, pauseMax = 2e9, 120e9
	case "ipsec":
		proto, udp, fixed = &ikeProto{fresh: true, fill: s.filler()}, true, 500
		pauseMin, pauseMax = 30e9, 300e9
	case "goose":
		s.startGOOSE(p.cli, p.conduit)
		return true
	case "profinet":
		return s.startDCP(p)
	default:
		return false
	}
	transport := "tcp"
	if udp {
		transport = "udp"
	}
	fl := s.flow(p.cli, p.srv, p.proto.Name, transport, p.port, "", p.conduit, false)
	a := newStepApp(s, proto)
	c := s.newConv(p.cli, p.srv, p.port, udp, fl, a)
	c.persistent, c.pauseMin, c.pauseMax, c.fixedPort = true, pauseMin, pauseMax, fixed
	s.at(s.startDelay(), c)
	return true
}

// filler returns a byte filler seeded from the run's generator.
func (s *sim) filler() encodeFiller { return newFiller(s.rng.Uint64()) }

// newDNS resolves the names of the hosts client talks to (and the server's own).
func (s *sim) newDNS(client, server *host) *dnsProto {
	p := &dnsProto{}
	d := domainOf(s)
	add := func(h *host) {
		p.names = append(p.names, h.id+"."+d)
		p.ips = append(p.ips, h.ip)
	}
	add(server)
	for _, f := range s.flows {
		if f.src == client && f.dst != nil && f.dst != server && f.dst.hasIP && f.key.proto != "arp" {
			add(f.dst)
		}
	}
	return p
}
