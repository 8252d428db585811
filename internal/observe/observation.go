package observe

import (
	"net/netip"

	"github.com/zonewarden/zonewarden/internal/capture"
	"github.com/zonewarden/zonewarden/internal/decode"
	"github.com/zonewarden/zonewarden/internal/protocols"
)

// Sink receives observations. The pointers and every byte slice they hold are valid only
// during the call: a Sink copies what it keeps. A Sink is called from one goroutine at a
// time (each worker has its own).
type Sink interface {
	// Host reports that a MAC address and an IP address were seen together.
	Host(h *Host)
	// Identity reports one fact a device revealed about itself (or a peer about it).
	Identity(id *Identity)
	// Flow reports a conversation that ended (idle timeout, a full table, or the end
	// of its capture).
	Flow(f *Flow)
	// Source reports what was read from one capture and the anomalies found in it. A
	// file read by several workers gives one Source per worker; the counts add up.
	Source(s *Source)
}

// Provenance says where an observation came from: the capture (an index into the list
// of sources the run was given) and the packet number in it, as Wireshark numbers frames.
type Provenance struct {
	File   int
	Packet uint64
	Time   int64 // Unix nanoseconds
}

// Binding says how a MAC address and an IP address were seen together.
type Binding uint8

const (
	// BindSource: the MAC sent a packet with the IP as its source address.
	BindSource Binding = iota + 1
	// BindDestination: a packet to the IP was sent to the MAC.
	BindDestination
	// BindARP: the MAC claimed the IP in an ARP message.
	BindARP
	// BindAnnounced: a protocol's payload named the MAC with the IP (PROFINET DCP's IP
	// block, say).
	BindAnnounced
	// BindL2: the MAC sent a frame that is not IP (no address).
	BindL2
)

var bindingNames = [...]string{"", "ip_source", "ip_destination", "arp", "announced", "layer2"}

func (b Binding) String() string {
	if int(b) < len(bindingNames) && b != 0 {
		return bindingNames[b]
	}
	return "unknown"
}

// Host is a MAC address seen with an IP address.
type Host struct {
	MAC    [6]byte
	HasMAC bool
	IP     netip.Addr // invalid for BindL2
	How    Binding
	// TTL of the packet for BindSource: how many routers the packet crossed can be told
	// from it (initial TTLs are 32, 64, 128 or 255).
	TTL     uint8
	VLAN    uint16
	HasVLAN bool
	// App is the protocol of the frame for BindL2 (0 when none is registered for it).
	App App
	At  Provenance
}

// Endpoint names a device by what the packet shows of it: its MAC address (when the link
// layer has one) and its IP address (when the packet is IP). The MAC of a packet that
// crossed a router is the router's; the IP is then what names the device.
type Endpoint struct {
	MAC    [6]byte
	HasMAC bool
	IP     netip.Addr
}

// Confidence says how sure an identity fact is.
type Confidence uint8

const (
	// Low: inferred from indirect evidence (a port number, a naming convention).
	Low Confidence = iota + 1
	// Medium: looked up from something the device said (a vendor id in a table), or said
	// by a peer about the device.
	Medium
	// High: the device's own answer to an identity request (ListIdentity, SZL, 43/14,
	// I-Am, DCP, ...).
	High
)

var confidenceNames = [...]string{"", "low", "medium", "high"}

func (c Confidence) String() string {
	if int(c) < len(confidenceNames) && c != 0 {
		return confidenceNames[c]
	}
	return "unknown"
}

// Identity is one identity fact: Field of Subject is Value, learnt from App's message in
// packet At.
type Identity struct {
	Subject Endpoint
	// Component names a part of the subject the fact is about (a module in a backplane
	// slot, a device on a network behind it); nil: the subject itself.
	Component  []byte
	App        App
	Field      Field
	Value      []byte // aliases the packet or a scratch buffer
	Confidence Confidence
	At         Provenance
}

// OpCount counts one kind of operation in a flow, by who sent it.
type OpCount struct {
	Code  uint32 // the protocol's operation code; Protocol.OpName names it
	Class protocols.OpClass
	// Count[0] is sent by the client (the flow's originator), Count[1] by the server.
	Count [2]uint32
}

// FlowAnomaly is a kind of trouble found in one flow.
type FlowAnomaly uint8

const (
	// AnomalyFraming: bytes the flow's protocol framing did not recognise (the rest of
	// the segment was dropped).
	AnomalyFraming FlowAnomaly = iota
	// AnomalyMalformed: a PDU the dissector rejected.
	AnomalyMalformed
	// AnomalyGap: bytes of the stream never seen (lost, or captured mid-way).
	AnomalyGap
	// AnomalyRetransmission: segments whose bytes had been seen already.
	AnomalyRetransmission
	// AnomalySnapCut: segments the capture's snap length cut short.
	AnomalySnapCut
	// AnomalyOversized: a PDU longer than the stream buffer bound (skipped).
	AnomalyOversized
	// AnomalyChecksum: a protocol checksum that failed (DNP3 CRCs).
	AnomalyChecksum
	// AnomalyUnexpectedPayload: the port names a protocol but the payload is not it.
	AnomalyUnexpectedPayload
	// AnomalyErrorResponse: exception or error answers (Modbus exceptions, CIP error
	// statuses, S7 error classes, BACnet errors and rejects).
	AnomalyErrorResponse
	numFlowAnomalies
)

var flowAnomalyNames = [numFlowAnomalies]string{"framing_error", "malformed_pdu", "stream_gap", "retransmission",
	"snap_length_cut", "oversized_pdu", "bad_checksum", "unexpected_payload", "error_response"}

func (a FlowAnomaly) String() string {
	if a < numFlowAnomalies {
		return flowAnomalyNames[a]
	}
	return "unknown"
}

// NumFlowAnomalies is the number of kinds of FlowAnomaly.
const NumFlowAnomalies = int(numFlowAnomalies)

// MaxAddresses is how many protocol station addresses (Modbus unit ids, DNP3 and IEC 104
// addresses) a flow records.
const MaxAddresses = 8

// Flow is one conversation, reported when it ends. Index 0 of the two-element arrays is
// the client (the side that opened the conversation), 1 the server.
type Flow struct {
	Key            decode.FlowKey
	Client, Server netip.AddrPort
	Proto          uint8 // IP protocol; 0 for a conversation of a non-IP protocol
	// EtherType of a non-IP conversation, which has no Key, Client or Server: its ends
	// are MAC[0] and MAC[1].
	EtherType    uint16
	App          App   // 0: not recognised
	First, Last  int64 // Unix nanoseconds
	Packets      [2]uint64
	IPBytes      [2]uint64
	PayloadBytes [2]uint64
	TCPFlags     [2]decode.TCPFlags
	// MAC is the link-layer source address of each side's packets (a router's when the
	// side is beyond one); HasMAC is false for captures without MACs.
	MAC      [2][6]byte
	HasMAC   [2]bool
	VLAN     uint16
	HasVLAN  bool
	PDUs     uint64 // PDUs and datagrams handed to the dissector
	Ops      []OpCount
	OpsOver  uint32 // operations of kinds beyond the flow's capacity (counted, not named)
	Addrs    []uint16
	AddrOver bool
	// Anomalies counts each FlowAnomaly.
	Anomalies [numFlowAnomalies]uint32
	At        Provenance // the flow's first packet
}

// Source is what one worker read of one capture.
type Source struct {
	File int
	Name string
	// Capture counts are reported by the reader of the file (the worker itself in
	// file-parallel mode): packets and bytes read, and the error that ended the read
	// early (nil at a proper end).
	Capture  capture.Stats
	ReadErr  error
	First    int64 // time of the first and last packet (Unix nanoseconds; 0 if none)
	Last     int64
	Decode   decode.Stats
	Table    decode.TableStats
	Pipeline PipelineStats
}

// PipelineStats counts what the pipeline did beyond decoding and the flow table.
type PipelineStats struct {
	Datagrams       uint64 // UDP datagrams handed to dissectors
	Frames          uint64 // non-IP frames handed to dissectors
	Malformed       uint64 // PDUs, datagrams and frames dissectors rejected
	Detected        uint64 // flows recognised from their payload rather than their port
	Unexpected      uint64 // flows whose port named a protocol that the payload was not
	Reoriented      uint64 // flows whose client and server their protocol's PDUs swapped (Protocol.Role)
	NonIP           uint64 // non-IP frames seen
	Identities      uint64 // identity facts reported
	FlowsReported   uint64
	HostsReported   uint64
	UnknownAppFlows uint64 // flows reported without a recognised protocol
}
