package profinet

import "errors"

// MaxRPCBlocks is how many PNIO block types of a datagram a Message lists.
const MaxRPCBlocks = 12

const rpcHeaderLen = 80

// UUID is a DCE UUID in its canonical (big-endian) octet order.
type UUID [16]byte

// The PNIO interfaces and the DCE endpoint mapper.
var (
	UUIDDevice     = UUID{0xDE, 0xA0, 0x00, 0x01, 0x6C, 0x97, 0x11, 0xD1, 0x82, 0x71, 0x00, 0xA0, 0x24, 0x42, 0xDF, 0x7D}
	UUIDController = UUID{0xDE, 0xA0, 0x00, 0x02, 0x6C, 0x97, 0x11, 0xD1, 0x82, 0x71, 0x00, 0xA0, 0x24, 0x42, 0xDF, 0x7D}
	UUIDSupervisor = UUID{0xDE, 0xA0, 0x00, 0x03, 0x6C, 0x97, 0x11, 0xD1, 0x82, 0x71, 0x00, 0xA0, 0x24, 0x42, 0xDF, 0x7D}
	UUIDParamSrv   = UUID{0xDE, 0xA0, 0x00, 0x04, 0x6C, 0x97, 0x11, 0xD1, 0x82, 0x71, 0x00, 0xA0, 0x24, 0x42, 0xDF, 0x7D}
	UUIDEPM        = UUID{0xE1, 0xAF, 0x83, 0x08, 0x5D, 0x1F, 0x11, 0xC9, 0x91, 0xA4, 0x08, 0x00, 0x2B, 0x14, 0xA0, 0xFA}
	// objectPrefix starts the object UUID of a PNIO device instance; its last six octets
	// hold the instance, device id and vendor id.
	objectPrefix = [10]byte{0xDE, 0xA0, 0x00, 0x00, 0x6C, 0x97, 0x11, 0xD1, 0x82, 0x71}
)

// Interface names the RPC interface of a datagram.
type Interface uint8

const (
	IfaceUnknown Interface = iota
	IfaceDevice
	IfaceController
	IfaceSupervisor
	IfaceParameterServer
	IfaceEPM
)

func (i Interface) String() string {
	switch i {
	case IfaceDevice:
		return "pnio_device"
	case IfaceController:
		return "pnio_controller"
	case IfaceSupervisor:
		return "pnio_supervisor"
	case IfaceParameterServer:
		return "pnio_parameter_server"
	case IfaceEPM:
		return "endpoint_mapper"
	}
	return "unknown"
}

// PNIO operation numbers.
const (
	OpConnect      uint16 = 0
	OpRelease      uint16 = 1
	OpRead         uint16 = 2
	OpWrite        uint16 = 3
	OpControl      uint16 = 4
	OpReadImplicit uint16 = 5
)

var opNames = [...]string{"connect", "release", "read", "write", "control", "read_implicit"}

// DCE/RPC connectionless packet types.
const (
	PktRequest  uint8 = 0
	PktPing     uint8 = 1
	PktResponse uint8 = 2
	PktFault    uint8 = 3
	PktWorking  uint8 = 4
	PktNoCall   uint8 = 5
	PktReject   uint8 = 6
	PktAck      uint8 = 7
)

// PNIO block types read from bodies.
const (
	BlockARReq         uint16 = 0x0101
	BlockIODWriteReq   uint16 = 0x0008
	BlockIODReadReq    uint16 = 0x0009
	BlockIODWriteRes   uint16 = 0x8008
	BlockIODReadRes    uint16 = 0x8009
	BlockIODControlReq uint16 = 0x0110 // parameter end
	BlockIOXControlReq uint16 = 0x0112 // application ready
	BlockReleaseReq    uint16 = 0x0114
	BlockIODControlRes uint16 = 0x8110
	BlockIOXControlRes uint16 = 0x8112
	BlockReleaseRes    uint16 = 0x8114
	BlockPrmBeginReq   uint16 = 0x0118
	BlockSubmodListReq uint16 = 0x0119
)

// indexMultipleWrite is the record index of a write that carries several writes.
const indexMultipleWrite = 0xE040

var (
	errRPCShort   = errors.New("profinet: DCE/RPC header truncated")
	errRPCVersion = errors.New("profinet: not a connectionless DCE/RPC header (version 4)")
	errRPCLength  = errors.New("profinet: DCE/RPC fragment length past the datagram")
)

// RPC is one connectionless DCE/RPC datagram of the PNIO context manager.
type RPC struct {
	PacketType     uint8
	Flags1, Flags2 uint8
	LittleEndian   bool // data representation of the RPC header and NDR fields
	Object         UUID
	InterfaceUUID  UUID
	Activity       UUID
	ServerBoot     uint32
	IfaceVersion   uint32
	SequenceNumber uint32
	Opnum          uint16
	FragmentLength uint16
	FragmentNumber uint16
	Interface      Interface

	// From a PNIO object UUID.
	HasDeviceIdent bool
	InstanceID     uint16
	DeviceID       uint16
	VendorID       uint16

	// Body.
	HasBody     bool
	PNIOStatus  uint32 // responses: error code, decode, code 1, code 2
	ArgsLength  uint32
	NumBlocks   int
	BlockTypes  [MaxRPCBlocks]uint16
	BlocksPart  bool // more blocks than listed, or a block past the body
	HasRecord   bool // read and write: the first record header
	API         uint32
	Slot        uint16
	Subslot     uint16
	Index       uint16
	RecordLen   uint32
	HasControl  bool
	ControlCmd  uint16 // control: bit 0 PrmEnd, 1 ApplicationReady, 2 Release, 3 Done ...
	ARType      uint16 // connect: from the AR block
	StationName []byte // connect: the initiator's station name (aliases the input)
}

// OperationName returns the PNIO operation's name, or "" for other interfaces.
func (r *RPC) OperationName() string {
	if r.Interface >= IfaceDevice && r.Interface <= IfaceParameterServer && int(r.Opnum) < len(opNames) {
		return opNames[r.Opnum]
	}
	return ""
}

// ParseRPC decodes a PNIO CM datagram: b is the UDP payload. Slices in m alias b.
func ParseRPC(b []byte, m *Message) error {
	*m = Message{Kind: KindRPC}
	r := &m.RPC
	if len(b) < rpcHeaderLen {
		return errRPCShort
	}
	if b[0] != 4 {
		return errRPCVersion
	}
	r.PacketType, r.Flags1, r.Flags2 = b[1]&0x1F, b[2], b[3]
	r.LittleEndian = b[4]>>4 == 1
	r.Object = r.uuid(b[8:])
	r.InterfaceUUID = r.uuid(b[24:])
	r.Activity = r.uuid(b[40:])
	r.ServerBoot = r.u32(b[56:])
	r.IfaceVersion = r.u32(b[60:])
	r.SequenceNumber = r.u32(b[64:])
	r.Opnum = r.u16(b[68:])
	r.FragmentLength = r.u16(b[74:])
	r.FragmentNumber = r.u16(b[76:])
	if int(r.FragmentLength) > len(b)-rpcHeaderLen {
		return errRPCLength
	}
	switch r.InterfaceUUID {
	case UUIDDevice:
		r.Interface = IfaceDevice
	case UUIDController:
		r.Interface = IfaceController
	case UUIDSupervisor:
		r.Interface = IfaceSupervisor
	case UUIDParamSrv:
		r.Interface = IfaceParameterServer
	case UUIDEPM:
		r.Interface = IfaceEPM
	}
	if [10]byte(r.Object[:10]) == objectPrefix {
		r.HasDeviceIdent = true
		r.InstanceID, r.DeviceID, r.VendorID = be16(r.Object[10:]), be16(r.Object[12:]), be16(r.Object[14:])
	}
	body := b[rpcHeaderLen : rpcHeaderLen+int(r.FragmentLength)]
	if r.Interface == IfaceUnknown || r.Interface == IfaceEPM || r.FragmentNumber != 0 {
		return nil
	}
	switch r.PacketType {
	case PktRequest, PktResponse:
		r.parseBody(body)
	}
	return nil
}

// parseBody reads the NDR head (arguments length, conformant array) and walks the PNIO
// blocks, which are big-endian whatever the RPC's data representation.
func (r *RPC) parseBody(b []byte) {
	// Requests start with args maximum, responses with the PNIO status; then come args
	// length and the conformant array's maximum count, offset and actual count.
	const head = 20
	if len(b) < head {
		return
	}
	r.HasBody = true
	if r.PacketType == PktResponse {
		r.PNIOStatus = be32(b)
	}
	r.ArgsLength = r.u32(b[4:])
	blocks := b[head:]
	if int(r.ArgsLength) < len(blocks) {
		blocks = blocks[:r.ArgsLength]
	}
	all := blocks
	for len(blocks) > 0 {
		if len(blocks) < 6 {
			r.BlocksPart = true
			return
		}
		typ, n := be16(blocks), int(be16(blocks[2:]))
		if n < 2 || 4+n > len(blocks) {
			r.BlocksPart = true
			return
		}
		if r.NumBlocks == MaxRPCBlocks {
			r.BlocksPart = true
			return
		}
		r.BlockTypes[r.NumBlocks] = typ
		r.NumBlocks++
		v := blocks[6 : 4+n]
		r.block(typ, v)
		blocks = blocks[4+n:]
		if (typ == BlockIODWriteReq || typ == BlockIODReadRes) && len(v) >= 34 && be16(v[28:]) != indexMultipleWrite {
			// The record data follows its header; it is the record's own business and
			// not walked here. Inside a multiple write the next header starts on a
			// 4-octet boundary.
			skip := int(be32(v[30:]))
			if skip > len(blocks) {
				return
			}
			blocks = blocks[skip:]
			if pad := (len(all) - len(blocks)) % 4; pad != 0 && len(blocks) >= 4-pad {
				blocks = blocks[4-pad:]
			}
		}
	}
}

// block reads the fields detection needs from the first block of each kind; v is the
// block's body after its type, length and version.
func (r *RPC) block(typ uint16, v []byte) {
	switch typ {
	case BlockIODReadReq, BlockIODWriteReq, BlockIODReadRes, BlockIODWriteRes:
		if !r.HasRecord && len(v) >= 34 {
			r.HasRecord = true
			r.API = be32(v[18:])
			r.Slot, r.Subslot, r.Index = be16(v[22:]), be16(v[24:]), be16(v[28:])
			r.RecordLen = be32(v[30:])
		}
	case BlockIODControlReq, BlockIOXControlReq, BlockReleaseReq, BlockIODControlRes, BlockIOXControlRes,
		BlockReleaseRes, BlockPrmBeginReq:
		if !r.HasControl && len(v) >= 24 {
			r.HasControl, r.ControlCmd = true, be16(v[22:])
		}
	case BlockARReq:
		if len(v) >= 52 {
			r.ARType = be16(v)
			n := int(be16(v[50:]))
			if 52+n <= len(v) {
				r.StationName = v[52 : 52+n]
			}
		}
	}
}

func (r *RPC) u16(b []byte) uint16 {
	if r.LittleEndian {
		return uint16(b[0]) | uint16(b[1])<<8
	}
	return be16(b)
}

func (r *RPC) u32(b []byte) uint32 {
	if r.LittleEndian {
		return uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16 | uint32(b[3])<<24
	}
	return be32(b)
}

// uuid reads a UUID in the header's data representation and returns it in canonical
// order: the first three fields are integers, the last eight octets are bytes.
func (r *RPC) uuid(b []byte) UUID {
	var u UUID
	copy(u[:], b[:16])
	if r.LittleEndian {
		u[0], u[1], u[2], u[3] = b[3], b[2], b[1], b[0]
		u[4], u[5] = b[5], b[4]
		u[6], u[7] = b[7], b[6]
	}
	return u
}

// String formats a UUID the usual way; it allocates and is meant for reports and tests.
func (u UUID) String() string {
	const hexd = "0123456789abcdef"
	var s [36]byte
	j := 0
	for i, c := range u {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			s[j] = '-'
			j++
		}
		s[j], s[j+1] = hexd[c>>4], hexd[c&0x0F]
		j += 2
	}
	return string(s[:])
}
