package dnp3

import (
	"strings"

	"github.com/zonewarden/zonewarden/internal/finding"
	"github.com/zonewarden/zonewarden/internal/observe"

	"github.com/zonewarden/zonewarden/internal/protocols"
)

// App is DNP3 over TCP (port 20000).
var App = observe.Register(observe.Protocol{
	Name:      "dnp3",
	TCPPorts:  []uint16{20000},
	UDPPorts:  []uint16{20000},
	PDULen:    PDULen,
	DetectTCP: detectDNP3,
	New:       func() observe.Handler { return new(dnp3Handler) },
	OpName:    func(code uint32) string { return strings.ToLower(FunctionCode(code).String()) },
	Rules:     dnp3Rules,
	Match:     dnp3Match,
})

type dnp3Handler struct{ m Message }

// Once bits of the DNP3 handler.
const (
	dnp3OnceMaster = iota
	dnp3OnceOutstation
)

func (h *dnp3Handler) Handle(c *observe.Conn, b []byte) {
	m := &h.m
	if err := Parse(b, m); err != nil {
		c.Anomaly(observe.AnomalyMalformed)
		return
	}
	if m.BadCRCs > 0 {
		c.Anomaly(observe.AnomalyChecksum)
	}
	// The DIR bit says who is the master, whichever side opened the connection.
	if m.FromMaster() {
		c.Address(m.Dst)
		if c.Once(dnp3OnceMaster) {
			c.IdentityString(observe.Sender, observe.FieldDeviceRole, observe.RoleHintDNP3Master, observe.High)
			c.IdentityString(observe.Receiver, observe.FieldDeviceRole, observe.RoleHintDNP3Outstation, observe.High)
			c.IdentityUint(observe.Receiver, observe.FieldStationAddress, uint64(m.Dst), observe.High)
		}
	} else {
		c.Address(m.Src)
		if c.Once(dnp3OnceOutstation) {
			c.IdentityUint(observe.Sender, observe.FieldStationAddress, uint64(m.Src), observe.High)
		}
	}
	if !m.HasApp {
		return
	}
	switch {
	case m.FromMaster() && !m.Function.IsResponse():
		c.Op(uint32(m.Function), m.OpClass())
	case m.Function == FuncUnsolicitedResponse:
		c.Op(uint32(m.Function), protocols.OpNone)
	}
}

// detectDNP3 recognises a DNP3 link frame: start bytes 0x05 0x64 and a length the
// segment holds.
func detectDNP3(b []byte) bool {
	if len(b) < 10 || b[0] != 0x05 || b[1] != 0x64 {
		return false
	}
	n, err := PDULen(b)
	return err == nil && n > 0 && n <= len(b)
}

// The alerts of DNP3 operations.
var (
	ruleDNP3Restart = observe.NewRule("dnp3/restart", "DNP3 restart", finding.High, "T0816")
	ruleDNP3App     = observe.NewRule("dnp3/application-control", "DNP3 start or stop application", finding.High, "T0858")
	ruleDNP3File    = observe.NewRule("dnp3/file-operation", "DNP3 file operation", finding.Medium, "T0843")
	ruleDNP3Unsol   = observe.NewRule("dnp3/disable-unsolicited", "DNP3 disable unsolicited responses", finding.Medium, "T0815")
	ruleDNP3Operate = observe.NewRule("dnp3/control", "DNP3 control (select/operate, direct operate)", finding.Medium, "T0855")
	ruleDNP3Write   = observe.NewRule("dnp3/write", "DNP3 write", finding.Medium, "T0836")
	dnp3Rules       = []*observe.Rule{ruleDNP3Restart, ruleDNP3App, ruleDNP3File, ruleDNP3Unsol, ruleDNP3Operate, ruleDNP3Write}
)

func dnp3Match(op *observe.Operation) *observe.Rule {
	switch op.Code {
	case 13, 14:
		return ruleDNP3Restart
	case 17, 18:
		return ruleDNP3App
	case 25, 26, 27, 28, 29, 30:
		return ruleDNP3File
	case 21:
		return ruleDNP3Unsol
	case 3, 4, 5, 6:
		return ruleDNP3Operate
	case 2:
		return ruleDNP3Write
	}
	return nil
}

// FillDetail copies the parameters of the DNP3 message just parsed (DetailFiller).
func (h *dnp3Handler) FillDetail(d *observe.OpDetail) {
	d.Station, d.HasStation = h.m.Dst, true
}
