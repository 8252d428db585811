package bacnet

import "iter"

// BVLCFunction is the function of a BACnet/IP virtual link control header.
type BVLCFunction uint8

const (
	BVLCResult                BVLCFunction = 0x00
	BVLCWriteBDT              BVLCFunction = 0x01
	BVLCReadBDT               BVLCFunction = 0x02
	BVLCReadBDTAck            BVLCFunction = 0x03
	BVLCForwardedNPDU         BVLCFunction = 0x04
	BVLCRegisterForeignDevice BVLCFunction = 0x05
	BVLCReadFDT               BVLCFunction = 0x06
	BVLCReadFDTAck            BVLCFunction = 0x07
	BVLCDeleteFDTEntry        BVLCFunction = 0x08
	BVLCDistributeBroadcast   BVLCFunction = 0x09
	BVLCOriginalUnicastNPDU   BVLCFunction = 0x0A
	BVLCOriginalBroadcastNPDU BVLCFunction = 0x0B
	BVLCSecureBVLL            BVLCFunction = 0x0C
)

var bvlcNames = [...]string{"result", "write_bdt", "read_bdt", "read_bdt_ack", "forwarded_npdu",
	"register_foreign_device", "read_fdt", "read_fdt_ack", "delete_fdt_entry",
	"distribute_broadcast_to_network", "original_unicast_npdu", "original_broadcast_npdu", "secure_bvll"}

func (f BVLCFunction) String() string {
	if int(f) < len(bvlcNames) {
		return bvlcNames[f]
	}
	return "unknown"
}

// PDUType is the type of an APDU.
type PDUType uint8

const (
	PDUConfirmedRequest   PDUType = 0
	PDUUnconfirmedRequest PDUType = 1
	PDUSimpleAck          PDUType = 2
	PDUComplexAck         PDUType = 3
	PDUSegmentAck         PDUType = 4
	PDUError              PDUType = 5
	PDUReject             PDUType = 6
	PDUAbort              PDUType = 7
)

var pduNames = [...]string{"confirmed_request", "unconfirmed_request", "simple_ack", "complex_ack",
	"segment_ack", "error", "reject", "abort"}

func (t PDUType) String() string {
	if int(t) < len(pduNames) {
		return pduNames[t]
	}
	return "unknown"
}

// Confirmed service choices.
const (
	SvcAcknowledgeAlarm           uint8 = 0
	SvcConfirmedCOVNotification   uint8 = 1
	SvcConfirmedEventNotification uint8 = 2
	SvcGetAlarmSummary            uint8 = 3
	SvcGetEnrollmentSummary       uint8 = 4
	SvcSubscribeCOV               uint8 = 5
	SvcAtomicReadFile             uint8 = 6
	SvcAtomicWriteFile            uint8 = 7
	SvcAddListElement             uint8 = 8
	SvcRemoveListElement          uint8 = 9
	SvcCreateObject               uint8 = 10
	SvcDeleteObject               uint8 = 11
	SvcReadProperty               uint8 = 12
	SvcReadPropertyConditional    uint8 = 13
	SvcReadPropertyMultiple       uint8 = 14
	SvcWriteProperty              uint8 = 15
	SvcWritePropertyMultiple      uint8 = 16
	SvcDeviceCommunicationControl uint8 = 17
	SvcConfirmedPrivateTransfer   uint8 = 18
	SvcConfirmedTextMessage       uint8 = 19
	SvcReinitializeDevice         uint8 = 20
	SvcVTOpen                     uint8 = 21
	SvcVTClose                    uint8 = 22
	SvcVTData                     uint8 = 23
	SvcAuthenticate               uint8 = 24
	SvcRequestKey                 uint8 = 25
	SvcReadRange                  uint8 = 26
	SvcLifeSafetyOperation        uint8 = 27
	SvcSubscribeCOVProperty       uint8 = 28
	SvcGetEventInformation        uint8 = 29
)

// Unconfirmed service choices.
const (
	SvcIAm                        uint8 = 0
	SvcIHave                      uint8 = 1
	SvcUnconfirmedCOVNotification uint8 = 2
	SvcUnconfirmedEventNotif      uint8 = 3
	SvcUnconfirmedPrivateTransfer uint8 = 4
	SvcUnconfirmedTextMessage     uint8 = 5
	SvcTimeSynchronization        uint8 = 6
	SvcWhoHas                     uint8 = 7
	SvcWhoIs                      uint8 = 8
	SvcUTCTimeSynchronization     uint8 = 9
	SvcWriteGroup                 uint8 = 10
)

var confirmedNames = [...]string{"acknowledge_alarm", "confirmed_cov_notification", "confirmed_event_notification",
	"get_alarm_summary", "get_enrollment_summary", "subscribe_cov", "atomic_read_file", "atomic_write_file",
	"add_list_element", "remove_list_element", "create_object", "delete_object", "read_property",
	"read_property_conditional", "read_property_multiple", "write_property", "write_property_multiple",
	"device_communication_control", "confirmed_private_transfer", "confirmed_text_message",
	"reinitialize_device", "vt_open", "vt_close", "vt_data", "authenticate", "request_key", "read_range",
	"life_safety_operation", "subscribe_cov_property", "get_event_information"}

var unconfirmedNames = [...]string{"i_am", "i_have", "unconfirmed_cov_notification", "unconfirmed_event_notification",
	"unconfirmed_private_transfer", "unconfirmed_text_message", "time_synchronization", "who_has", "who_is",
	"utc_time_synchronization", "write_group"}

// Object types used by discovery.
const (
	ObjectDevice uint16 = 8
)

// Property identifiers of the device object that identify it.
const (
	PropApplicationSoftwareVersion uint32 = 12
	PropDescription                uint32 = 28
	PropFirmwareRevision           uint32 = 44
	PropLocation                   uint32 = 58
	PropModelName                  uint32 = 70
	PropObjectIdentifier           uint32 = 75
	PropObjectName                 uint32 = 77
	PropVendorIdentifier           uint32 = 120
	PropVendorName                 uint32 = 121
	PropSerialNumber               uint32 = 372
)

// IsIdentityProperty reports whether p is one of the device properties discovery keeps.
func IsIdentityProperty(p uint32) bool {
	switch p {
	case PropApplicationSoftwareVersion, PropDescription, PropFirmwareRevision, PropLocation,
		PropModelName, PropObjectName, PropVendorIdentifier, PropVendorName, PropSerialNumber:
		return true
	}
	return false
}

// Application tag numbers.
const (
	TagNull            uint8 = 0
	TagBoolean         uint8 = 1
	TagUnsigned        uint8 = 2
	TagSigned          uint8 = 3
	TagReal            uint8 = 4
	TagDouble          uint8 = 5
	TagOctetString     uint8 = 6
	TagCharacterString uint8 = 7
	TagBitString       uint8 = 8
	TagEnumerated      uint8 = 9
	TagDate            uint8 = 10
	TagTime            uint8 = 11
	TagObjectID        uint8 = 12
)

// Character sets of a character string value.
const (
	CharsetUTF8     uint8 = 0
	CharsetDBCS     uint8 = 1
	CharsetJISX0208 uint8 = 2
	CharsetUCS4     uint8 = 3
	CharsetUCS2     uint8 = 4
	CharsetISO88591 uint8 = 5
)

// VendorName returns the registered name of a BACnet vendor identifier.
func VendorName(id uint16) (string, bool) {
	if int(id) < len(vendorNames) && vendorNames[id] != "" {
		return vendorNames[id], true
	}
	return "", false
}

// Vendors yields every vendor identifier of the table with its name, in ascending order
// (the simulator looks vendors up by name with it).
func Vendors() iter.Seq2[uint16, string] {
	return func(yield func(uint16, string) bool) {
		for id, name := range vendorNames {
			if name != "" && !yield(uint16(id), name) {
				return
			}
		}
	}
}
