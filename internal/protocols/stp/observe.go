package stp

import (
	"github.com/zonewarden/zonewarden/internal/observe"
	"github.com/zonewarden/zonewarden/internal/protocols"
)

// App is the spanning tree protocol: bridges (switches) send its BPDUs, so a MAC that
// sends them is a network device.
var App = observe.Register(observe.Protocol{
	Name: "stp",
	LLC: func(dst *[6]byte, payload []byte) bool {
		return *dst == [6]byte{0x01, 0x80, 0xc2, 0, 0, 0} && len(payload) >= 3 &&
			payload[0] == 0x42 && payload[1] == 0x42 && payload[2] == 0x03
	},
	New:    func() observe.Handler { return stpHandler{} },
	OpName: func(uint32) string { return "bpdu" },
})

type stpHandler struct{}

func (stpHandler) Handle(c *observe.Conn, b []byte) {
	c.Op(0, protocols.OpNone)
	if c.Once(0) {
		c.IdentityString(observe.Sender, observe.FieldDeviceRole, observe.RoleHintBridge, observe.Medium)
	}
}
