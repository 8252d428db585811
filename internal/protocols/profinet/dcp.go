package profinet

import "errors"

// MaxDCPBlocks is how many blocks of a DCP frame a Message lists.
const MaxDCPBlocks = 16

// DCP frame ids.
const (
	FrameHello            uint16 = 0xFEFC
	FrameGetSet           uint16 = 0xFEFD
	FrameIdentifyRequest  uint16 = 0xFEFE
	FrameIdentifyResponse uint16 = 0xFEFF
)

// DCP service ids.
const (
	DCPGet      uint8 = 3
	DCPSet      uint8 = 4
	DCPIdentify uint8 = 5
	DCPHello    uint8 = 6
)

// DCP options and suboptions.
const (
	OptIP             uint8 = 1
	OptDeviceProps    uint8 = 2
	OptDHCP           uint8 = 3
	OptControl        uint8 = 5
	OptDeviceInit     uint8 = 6
	OptAll            uint8 = 0xFF
	SubIPMAC          uint8 = 1
	SubIPParameter    uint8 = 2
	SubIPFullSuite    uint8 = 3
	SubVendorValue    uint8 = 1 // manufacturer specific: type of station
	SubNameOfStation  uint8 = 2
	SubDeviceID       uint8 = 3
	SubDeviceRole     uint8 = 4
	SubDeviceOptions  uint8 = 5
	SubAliasName      uint8 = 6
	SubDeviceInstance uint8 = 7
	SubOEMDeviceID    uint8 = 8
	SubCtrlStart      uint8 = 1
	SubCtrlStop       uint8 = 2
	SubCtrlSignal     uint8 = 3
	SubCtrlResponse   uint8 = 4
	SubCtrlFactory    uint8 = 5
	SubCtrlResetToFac uint8 = 6
)

// Device role bits.
const (
	RoleIODevice     uint8 = 0x01
	RoleIOController uint8 = 0x02
	RoleIOMulti      uint8 = 0x04
	RoleSupervisor   uint8 = 0x08
)

var (
	errDCPShort   = errors.New("profinet: DCP header truncated")
	errDCPFrameID = errors.New("profinet: frame id is not DCP (0xFEFC..0xFEFF)")
	errDCPLength  = errors.New("profinet: DCP data length past the frame")
	errDCPBlock   = errors.New("profinet: DCP block runs past the data")
)

// DCPBlock is the header of one DCP block.
type DCPBlock struct {
	Option    uint8
	Suboption uint8
	Length    uint16
	Info      uint16 // block info (answers and Hello) or qualifier (Set)
	Data      []byte // after the info or qualifier (aliases the input)
}

// DCP is one DCP frame.
type DCP struct {
	FrameID       uint16
	ServiceID     uint8
	ServiceType   uint8 // 0 request, 1 success response, 5 response: not supported
	Xid           uint32
	ResponseDelay uint16 // identify requests
	DataLength    uint16

	NumBlocks int
	Blocks    [MaxDCPBlocks]DCPBlock
	// BlocksPartial: more blocks than MaxDCPBlocks.
	BlocksPartial bool

	// What the blocks say about the device (aliases the input).
	NameOfStation   []byte
	VendorValue     []byte // type of station, such as "S7-1500"
	AliasName       []byte
	HasDeviceID     bool
	VendorID        uint16
	DeviceID        uint16
	HasRole         bool
	DeviceRole      uint8
	HasIP           bool
	IP, Mask, GW    [4]byte
	IPInfo          uint16 // block info of the IP block: 0 none, 1 set, 2 by DHCP, 0x80 conflict bit
	HasMAC          bool
	MAC             [6]byte
	HasInstance     bool
	DeviceInstance  uint16
	HasOEMDeviceID  bool
	OEMVendorID     uint16
	OEMDeviceID     uint16
	HasCtrlResponse bool
	CtrlOption      uint8 // control response: the option and suboption answered
	CtrlSuboption   uint8
	CtrlError       uint8
}

// IsResponse reports whether the frame answers a request.
func (d *DCP) IsResponse() bool { return d.ServiceType&0x01 != 0 }

// ParseDCP decodes a DCP frame: b is the Ethernet payload after the EtherType 0x8892 (and
// any VLAN tag), starting with the frame id. Slices in m alias b.
func ParseDCP(b []byte, m *Message) error {
	*m = Message{Kind: KindDCP}
	d := &m.DCP
	if len(b) < 12 {
		return errDCPShort
	}
	d.FrameID = be16(b)
	if d.FrameID < FrameHello {
		return errDCPFrameID
	}
	d.ServiceID, d.ServiceType = b[2], b[3]
	d.Xid = be32(b[4:])
	d.ResponseDelay = be16(b[8:])
	d.DataLength = be16(b[10:])
	if int(d.DataLength) > len(b)-12 {
		return errDCPLength
	}
	data := b[12 : 12+int(d.DataLength)]
	if d.ServiceID == DCPGet && !d.IsResponse() {
		// A Get request lists option and suboption pairs without lengths.
		for len(data) >= 2 {
			d.addBlock(DCPBlock{Option: data[0], Suboption: data[1]})
			data = data[2:]
		}
		return nil
	}
	// Answers and Hello start each block's data with block info; Set requests with a
	// qualifier; Identify requests' filter blocks with neither.
	withInfo := d.IsResponse() || d.ServiceID == DCPHello || d.ServiceID == DCPSet
	for len(data) > 0 {
		if len(data) < 4 {
			return errDCPBlock
		}
		blk := DCPBlock{Option: data[0], Suboption: data[1], Length: be16(data[2:])}
		n := int(blk.Length)
		if 4+n > len(data) {
			return errDCPBlock
		}
		body := data[4 : 4+n]
		// The control response block has no block info of its own.
		if withInfo && len(body) >= 2 && !(blk.Option == OptControl && blk.Suboption == SubCtrlResponse) {
			blk.Info, body = be16(body), body[2:]
		}
		blk.Data = body
		d.addBlock(blk)
		d.interpret(&blk, withInfo)
		data = data[4+n:]
		if n%2 == 1 && len(data) > 0 {
			data = data[1:] // blocks are padded to an even length
		}
	}
	return nil
}

func (d *DCP) addBlock(b DCPBlock) {
	if d.NumBlocks == MaxDCPBlocks {
		d.BlocksPartial = true
		return
	}
	d.Blocks[d.NumBlocks] = b
	d.NumBlocks++
}

// interpret takes the device facts out of a block. Identify request filters name the
// device sought, so they fill the same fields.
func (d *DCP) interpret(b *DCPBlock, withInfo bool) {
	v := b.Data
	switch b.Option {
	case OptIP:
		switch b.Suboption {
		case SubIPMAC:
			if len(v) >= 6 {
				d.HasMAC = true
				copy(d.MAC[:], v)
			}
		case SubIPParameter, SubIPFullSuite:
			if len(v) >= 12 {
				d.HasIP, d.IPInfo = true, b.Info
				copy(d.IP[:], v[0:4])
				copy(d.Mask[:], v[4:8])
				copy(d.GW[:], v[8:12])
			}
		}
	case OptDeviceProps:
		switch b.Suboption {
		case SubVendorValue:
			d.VendorValue = v
		case SubNameOfStation:
			d.NameOfStation = v
		case SubAliasName:
			d.AliasName = v
		case SubDeviceID:
			if len(v) >= 4 {
				d.HasDeviceID, d.VendorID, d.DeviceID = true, be16(v), be16(v[2:])
			}
		case SubDeviceRole:
			if len(v) >= 1 {
				d.HasRole, d.DeviceRole = true, v[0]
			}
		case SubDeviceInstance:
			if len(v) >= 2 {
				d.HasInstance, d.DeviceInstance = true, be16(v)
			}
		case SubOEMDeviceID:
			if len(v) >= 4 {
				d.HasOEMDeviceID, d.OEMVendorID, d.OEMDeviceID = true, be16(v), be16(v[2:])
			}
		}
	case OptControl:
		if b.Suboption == SubCtrlResponse && len(v) >= 3 {
			d.HasCtrlResponse, d.CtrlOption, d.CtrlSuboption, d.CtrlError = true, v[0], v[1], v[2]
		}
	}
}
