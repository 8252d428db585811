package encode

// EtherNet/IP encapsulation commands.
const (
	cmdListIdentity      = 0x0063
	cmdRegisterSession   = 0x0065
	cmdUnregisterSession = 0x0066
	cmdSendRRData        = 0x006f
	cmdSendUnitData      = 0x0070
)

// CIP services and classes the simulator uses.
const (
	CIPGetAttributesAll   = 0x01
	CIPReset              = 0x05
	CIPGetAttributeSingle = 0x0e
	CIPSetAttributeSingle = 0x10
	CIPReadTag            = 0x4c // Logix controllers: read a tag by name
	CIPWriteTag           = 0x4d // Logix controllers: write a tag by name
	CIPForwardClose       = 0x4e
	CIPForwardOpen        = 0x54

	CIPClassIdentity          = 0x01
	CIPClassMessageRouter     = 0x02
	CIPClassConnectionManager = 0x06
	CIPClassFile              = 0x37

	// File object services (class 0x37): a program or configuration file is written to
	// a device with Initiate_Download followed by Download_Transfer.
	CIPFileInitiateDownload = 0x4c
	CIPFileDownloadTransfer = 0x50
)

// CIP data types of Read Tag answers.
const (
	CIPTypeDINT = 0x00c4
	CIPTypeREAL = 0x00ca
)

// ENIPIdentity is a device's CIP identity (the Identity object, class 1 instance 1),
// which ListIdentity and Get_Attributes_All on the Identity object return.
type ENIPIdentity struct {
	VendorID     uint16
	DeviceType   uint16
	ProductCode  uint16
	Major, Minor uint8
	Status       uint16
	Serial       uint32
	ProductName  string
	State        uint8
	IP           [4]byte
}

// encap appends the 24-byte encapsulation header; the length is patched by endEncap.
func encap(b []byte, cmd uint16, session uint32, context uint64) []byte {
	b = u16le(b, cmd)
	b = u16le(b, 0)
	b = u32le(b, session)
	b = u32le(b, 0)
	b = u64le(b, context)
	return u32le(b, 0)
}

func endEncap(b []byte, start int) []byte {
	putU16le(b, start+2, len(b)-start-24)
	return b
}

// ENIPListIdentityRequest appends a ListIdentity request.
func ENIPListIdentityRequest(b []byte, context uint64) []byte {
	return encap(b, cmdListIdentity, 0, context)
}

// ENIPListIdentityResponse appends a ListIdentity reply describing id.
func ENIPListIdentityResponse(b []byte, context uint64, id *ENIPIdentity) []byte {
	start := len(b)
	b = encap(b, cmdListIdentity, 0, context)
	b = u16le(b, 1)      // item count
	b = u16le(b, 0x000c) // CIP identity item
	itemAt := len(b)
	b = u16le(b, 0)
	b = u16le(b, 1) // encapsulation protocol version
	// Socket address, big-endian as in the sockaddr_in it copies.
	b = u16be(b, 2)
	b = u16be(b, 44818)
	b = append(b, id.IP[:]...)
	b = zeros(b, 8)
	b = appendIdentityBody(b, id)
	b = append(b, id.State)
	putU16le(b, itemAt, len(b)-itemAt-2)
	return endEncap(b, start)
}

// appendIdentityBody appends the Identity object attributes 1-7 in the order both
// ListIdentity and Get_Attributes_All use.
func appendIdentityBody(b []byte, id *ENIPIdentity) []byte {
	b = u16le(b, id.VendorID)
	b = u16le(b, id.DeviceType)
	b = u16le(b, id.ProductCode)
	b = append(b, id.Major, id.Minor)
	b = u16le(b, id.Status)
	b = u32le(b, id.Serial)
	name := id.ProductName
	if len(name) > 32 {
		name = name[:32]
	}
	b = append(b, byte(len(name)))
	return append(b, name...)
}

// ENIPRegisterSession appends a RegisterSession request (session 0) or reply.
func ENIPRegisterSession(b []byte, session uint32, context uint64) []byte {
	start := len(b)
	b = encap(b, cmdRegisterSession, session, context)
	b = u16le(b, 1) // protocol version
	b = u16le(b, 0) // options
	return endEncap(b, start)
}

// ENIPUnregister appends an UnRegisterSession request (it has no reply).
func ENIPUnregister(b []byte, session uint32, context uint64) []byte {
	return encap(b, cmdUnregisterSession, session, context)
}

// ENIPSendRRDataStart appends the header of a SendRRData carrying one unconnected CIP
// message; append the CIP message and close with ENIPEnd(b, start).
func ENIPSendRRDataStart(b []byte, session uint32, context uint64) (out []byte, start int) {
	start = len(b)
	b = encap(b, cmdSendRRData, session, context)
	b = u32le(b, 0)  // interface handle: CIP
	b = u16le(b, 10) // timeout, seconds
	b = u16le(b, 2)  // item count
	b = u16le(b, 0)  // null address item
	b = u16le(b, 0)
	b = u16le(b, 0x00b2) // unconnected data item
	b = u16le(b, 0)
	return b, start
}

// ENIPSendUnitDataStart appends the header of a SendUnitData carrying one connected
// CIP message on connection connID with sequence count seq.
func ENIPSendUnitDataStart(b []byte, session uint32, connID uint32, seq uint16) (out []byte, start int) {
	start = len(b)
	b = encap(b, cmdSendUnitData, session, 0)
	b = u32le(b, 0)
	b = u16le(b, 0)
	b = u16le(b, 2)
	b = u16le(b, 0x00a1) // connected address item
	b = u16le(b, 4)
	b = u32le(b, connID)
	b = u16le(b, 0x00b1) // connected data item
	b = u16le(b, 0)
	return u16le(b, seq), start
}

// ENIPEnd patches the lengths of the message started at start: the encapsulation
// length and the length of the last (data) item.
func ENIPEnd(b []byte, start int) []byte {
	cmd := le.Uint16(b[start:])
	item := start + 24 + 4 + 2 + 2 + 4 + 2 // data item's length field
	if cmd == cmdSendUnitData {
		item += 4
	}
	putU16le(b, item, len(b)-item-2)
	return endEncap(b, start)
}

// CIPPath appends a padded EPATH to class/instance (and attribute when attr > 0).
func CIPPath(b []byte, class, instance uint16, attr uint16) []byte {
	sizeAt := len(b)
	b = append(b, 0)
	b = logical(b, 0x20, class)
	b = logical(b, 0x24, instance)
	if attr > 0 {
		b = logical(b, 0x30, attr)
	}
	b[sizeAt] = byte((len(b) - sizeAt - 1) / 2)
	return b
}

func logical(b []byte, seg byte, v uint16) []byte {
	if v <= 0xff {
		return append(b, seg, byte(v))
	}
	return u16le(append(b, seg|1, 0), v)
}

// CIPRequest appends a CIP request header: service and path to class/instance/attr.
func CIPRequest(b []byte, service uint8, class, instance, attr uint16) []byte {
	return CIPPath(append(b, service), class, instance, attr)
}

// CIPTagRequest appends a Read Tag or Write Tag request header naming the tag by an ANSI
// extended symbolic segment; append the service data after it.
func CIPTagRequest(b []byte, service uint8, tag string) []byte {
	if len(tag) > 80 {
		tag = tag[:80]
	}
	b = append(b, service)
	sizeAt := len(b)
	b = append(b, 0, 0x91, byte(len(tag)))
	b = append(b, tag...)
	if len(tag)%2 == 1 {
		b = append(b, 0)
	}
	b[sizeAt] = byte((len(b) - sizeAt - 1) / 2)
	return b
}

// CIPResponse appends a CIP response header for service with general status status.
func CIPResponse(b []byte, service uint8, status uint8) []byte {
	return append(b, service|0x80, 0, status, 0)
}

// CIPIdentityAll appends the data of a Get_Attributes_All answer of the Identity object.
func CIPIdentityAll(b []byte, id *ENIPIdentity) []byte {
	return appendIdentityBody(b, id)
}

// ForwardOpen holds what a Forward_Open request and its reply carry.
type ForwardOpen struct {
	OTConnID, TOConnID uint32
	Serial             uint16
	Vendor             uint16
	OrigSerial         uint32
	RPI                uint32 // microseconds
}

// CIPForwardOpenRequest appends a Forward_Open to the Connection Manager for a class 3
// (explicit messaging) connection to the target's Message Router.
func CIPForwardOpenRequest(b []byte, f *ForwardOpen) []byte {
	b = CIPRequest(b, CIPForwardOpen, CIPClassConnectionManager, 1, 0)
	b = append(b, 0x0a, 0x0e) // priority/time tick, time-out ticks
	b = u32le(b, f.OTConnID)
	b = u32le(b, f.TOConnID)
	b = u16le(b, f.Serial)
	b = u16le(b, f.Vendor)
	b = u32le(b, f.OrigSerial)
	b = append(b, 3, 0, 0, 0) // time-out multiplier, reserved
	b = u32le(b, f.RPI)
	b = u16le(b, 0x43f4) // O->T: point-to-point, low priority, variable, 500 bytes
	b = u32le(b, f.RPI)
	b = u16le(b, 0x43f4)
	b = append(b, 0xa3) // server transport class 3, application object trigger
	return CIPPath(b, CIPClassMessageRouter, 1, 0)
}

// CIPForwardOpenReply appends a successful Forward_Open answer.
func CIPForwardOpenReply(b []byte, f *ForwardOpen) []byte {
	b = CIPResponse(b, CIPForwardOpen, 0)
	b = u32le(b, f.OTConnID)
	b = u32le(b, f.TOConnID)
	b = u16le(b, f.Serial)
	b = u16le(b, f.Vendor)
	b = u32le(b, f.OrigSerial)
	b = u32le(b, f.RPI)
	b = u32le(b, f.RPI)
	return append(b, 0, 0) // application reply size, reserved
}

// CIPForwardCloseRequest appends a Forward_Close for the connection f opened.
func CIPForwardCloseRequest(b []byte, f *ForwardOpen) []byte {
	b = CIPRequest(b, CIPForwardClose, CIPClassConnectionManager, 1, 0)
	b = append(b, 0x0a, 0x0e)
	b = u16le(b, f.Serial)
	b = u16le(b, f.Vendor)
	b = u32le(b, f.OrigSerial)
	// Forward_Close's path has its size, a reserved byte, then the segments.
	sizeAt := len(b)
	b = append(b, 0, 0)
	b = logical(b, 0x20, CIPClassMessageRouter)
	b = logical(b, 0x24, 1)
	b[sizeAt] = byte((len(b) - sizeAt - 2) / 2)
	return b
}

// CIPForwardCloseReply appends a successful Forward_Close answer.
func CIPForwardCloseReply(b []byte, f *ForwardOpen) []byte {
	b = CIPResponse(b, CIPForwardClose, 0)
	b = u16le(b, f.Serial)
	b = u16le(b, f.Vendor)
	b = u32le(b, f.OrigSerial)
	return append(b, 0, 0)
}

// CIPFileInitiateDownloadRequest appends a File object Initiate_Download announcing a
// file of size bytes, revision major.minor, named name.
func CIPFileInitiateDownloadRequest(b []byte, instance uint16, size uint32, major, minor uint8, name string) []byte {
	b = CIPRequest(b, CIPFileInitiateDownload, CIPClassFile, instance, 0)
	b = u32le(b, size)
	b = append(b, major, minor)
	// STRINGI: one string, language "eng", type STRING (0xda), character set 4 (ISO 8859-1).
	name = clipN(name, 64)
	b = append(b, 1, 'e', 'n', 'g', 0xda)
	b = u16le(b, 4)
	b = append(b, byte(len(name)))
	return append(b, name...)
}

// CIPFileInitiateDownloadReply appends the File object's answer: incremental burn
// (none), burn time and the transfer size it accepts.
func CIPFileInitiateDownloadReply(b []byte, transfer uint8) []byte {
	b = CIPResponse(b, CIPFileInitiateDownload, 0)
	b = u32le(b, 0)
	b = u16le(b, 0)
	return append(b, transfer)
}

// CIPFileDownloadTransferRequest appends one Download_Transfer carrying n bytes of the
// file; kind is 0 first, 1 middle, 2 last, 4 first and last.
func CIPFileDownloadTransferRequest(b []byte, instance uint16, number, kind uint8, n int, f *Filler) []byte {
	b = CIPRequest(b, CIPFileDownloadTransfer, CIPClassFile, instance, 0)
	b = append(b, number, kind)
	return f.Append(b, n)
}

// CIPFileDownloadTransferReply appends the answer to a Download_Transfer.
func CIPFileDownloadTransferReply(b []byte, number uint8) []byte {
	return append(CIPResponse(b, CIPFileDownloadTransfer, 0), number)
}
