package modbus

// Device identification objects (function 43, MEI type 14).
const (
	ObjVendorName          uint8 = 0x00
	ObjProductCode         uint8 = 0x01
	ObjMajorMinorRevision  uint8 = 0x02
	ObjVendorURL           uint8 = 0x03
	ObjProductName         uint8 = 0x04
	ObjModelName           uint8 = 0x05
	ObjUserApplicationName uint8 = 0x06
)

// MaxExtendedObjects is how many objects beyond the seven standard ones a
// DeviceIdentification keeps (ids 0x07-0xFF: reserved and vendor-specific).
const MaxExtendedObjects = 16

// Object is a device identification object: its id and its value bytes.
type Object struct {
	ID    uint8
	Value []byte
}

// DeviceIdentification is a Read Device Identification request or response
// (function 43, MEI type 14).
type DeviceIdentification struct {
	// ReadCode is the access wanted: 1 basic, 2 regular, 3 extended, 4 one object.
	ReadCode uint8
	// ObjectID is the request's first object (or the one object for read code 4).
	ObjectID uint8

	// Response fields.
	Conformity   uint8 // conformity level of the device
	MoreFollows  bool  // the device has more objects for a further request
	NextObjectID uint8 // where that further request starts
	NumObjects   uint8 // objects in this response

	// The standard objects, nil when absent.
	VendorName          []byte
	ProductCode         []byte
	MajorMinorRevision  []byte
	VendorURL           []byte
	ProductName         []byte
	ModelName           []byte
	UserApplicationName []byte

	// Extended holds the other objects, in order, up to MaxExtendedObjects;
	// Dropped counts those beyond.
	Extended    [MaxExtendedObjects]Object
	NumExtended int
	Dropped     int
}

// decode reads the 43/14 data d (starting with the MEI type byte).
func (id *DeviceIdentification) decode(d []byte, dir Direction) error {
	switch dir {
	case DirRequest:
		if len(d) != 3 {
			return ErrMalformed
		}
		id.ReadCode, id.ObjectID = d[1], d[2]
		return nil
	case DirUnknown:
		return nil
	}
	if len(d) < 6 {
		return ErrMalformed
	}
	id.ReadCode = d[1]
	id.Conformity = d[2]
	id.MoreFollows = d[3] == 0xff
	id.NextObjectID = d[4]
	id.NumObjects = d[5]
	rest := d[6:]
	for range int(id.NumObjects) {
		if len(rest) < 2 || len(rest) < 2+int(rest[1]) {
			return ErrShort
		}
		oid, val := rest[0], rest[2:2+int(rest[1])]
		rest = rest[2+int(rest[1]):]
		switch oid {
		case ObjVendorName:
			id.VendorName = val
		case ObjProductCode:
			id.ProductCode = val
		case ObjMajorMinorRevision:
			id.MajorMinorRevision = val
		case ObjVendorURL:
			id.VendorURL = val
		case ObjProductName:
			id.ProductName = val
		case ObjModelName:
			id.ModelName = val
		case ObjUserApplicationName:
			id.UserApplicationName = val
		default:
			if id.NumExtended == MaxExtendedObjects {
				id.Dropped++
				continue
			}
			id.Extended[id.NumExtended] = Object{ID: oid, Value: val}
			id.NumExtended++
		}
	}
	return nil
}

// Objects returns the extended objects held.
func (id *DeviceIdentification) Objects() []Object { return id.Extended[:id.NumExtended] }
