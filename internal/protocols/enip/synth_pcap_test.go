package enip_test

import (
	"encoding/binary"
	"testing"
	"time"

	"github.com/gopacket/gopacket/layers"

	"github.com/zonewarden/zonewarden/internal/testutil"
)

// tcpConversation lays PDUs out as one TCP conversation between a client
// (10.0.0.9:50000) and an EtherNet/IP server (10.0.0.1:44818), one PDU per segment,
// requests from the client when fromClient[i].
type tcpConversation struct {
	frames     []testutil.Frame
	seqC, seqS uint32
	t          time.Time
}

func newConversation() *tcpConversation {
	return &tcpConversation{seqC: 1000, seqS: 5000, t: time.Unix(1700000000, 0)}
}

func (c *tcpConversation) add(fromClient bool, payload []byte) {
	src, dst := []byte{10, 0, 0, 9}, []byte{10, 0, 0, 1}
	sp, dp := uint16(50000), uint16(44818)
	seq, ack := &c.seqC, c.seqS
	if !fromClient {
		src, dst, sp, dp = dst, src, dp, sp
		seq, ack = &c.seqS, c.seqC
	}
	ip := make([]byte, 20)
	ip[0], ip[8], ip[9] = 0x45, 64, 6
	binary.BigEndian.PutUint16(ip[2:], uint16(40+len(payload)))
	copy(ip[12:], src)
	copy(ip[16:], dst)
	tcp := make([]byte, 20)
	binary.BigEndian.PutUint16(tcp[0:], sp)
	binary.BigEndian.PutUint16(tcp[2:], dp)
	binary.BigEndian.PutUint32(tcp[4:], *seq)
	binary.BigEndian.PutUint32(tcp[8:], ack)
	tcp[12], tcp[13] = 0x50, 0x18
	binary.BigEndian.PutUint16(tcp[14:], 8192)
	eth := h("0200000000010200000000020800")
	c.frames = append(c.frames, testutil.Frame{Data: cat(eth, ip, tcp, payload), Time: c.t})
	c.t = c.t.Add(time.Millisecond)
	*seq += uint32(len(payload))
}

func (c *tcpConversation) pcap(t testing.TB) []byte {
	return testutil.Pcap(t, layers.LinkTypeEthernet, c.frames...)
}
