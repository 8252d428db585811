package observe

// Field is a kind of identity fact. The names are the snake_case keys of the inventory's
// identity objects; a new dissector adds its fields here.
type Field uint8

const (
	FieldVendor          Field = iota + 1 // manufacturer's name
	FieldVendorID                         // the protocol's vendor number (CIP, BACnet, PROFINET)
	FieldProductName                      // product name as the device states it
	FieldProductCode                      // the vendor's product code
	FieldModel                            // model name
	FieldDeviceType                       // device profile (CIP device type)
	FieldFirmware                         // firmware or software revision
	FieldHardware                         // hardware revision
	FieldSerial                           // serial number
	FieldOrderNumber                      // order number (Siemens MLFB)
	FieldName                             // the name given to the device (station, PLC, object name)
	FieldModuleName                       // the module's name (S7)
	FieldPlantID                          // plant designation (S7)
	FieldLocation                         // location designation
	FieldDescription                      // free text
	FieldApplicationName                  // software application name (OPC UA)
	FieldApplicationURI                   // OPC UA application URI
	FieldProductURI                       // OPC UA product URI
	FieldEndpointURL                      // OPC UA endpoint URL the device serves
	FieldSecurityPolicy                   // OPC UA security policy offered or used
	FieldDeviceInstance                   // BACnet device object instance
	FieldStationAddress                   // DNP3 link address, IEC 104 common address
	FieldRackSlot                         // S7 rack and slot from the COTP TSAP
	FieldProtocolVersion                  // protocol version that identifies a family (S7comm-plus)
	FieldDeviceRole                       // role the device claims (PROFINET device role, bridge)
	FieldDeviceID                         // the vendor's device number (PROFINET)
	FieldState                            // device state (CIP)
	FieldCopyright                        // copyright string (S7)
	numFields
)

var fieldNames = [numFields]string{"", "vendor", "vendor_id", "product_name", "product_code", "model", "device_type",
	"firmware_version", "hardware_version", "serial_number", "order_number", "name", "module_name", "plant_id",
	"location", "description", "application_name", "application_uri", "product_uri", "endpoint_url",
	"security_policy", "device_instance", "station_address", "rack_slot", "protocol_version", "device_role",
	"device_id", "state", "copyright"}

// String returns the field's snake_case name.
func (f Field) String() string {
	if f < numFields && f != 0 {
		return fieldNames[f]
	}
	return "unknown"
}

// NumFields is one more than the largest Field.
const NumFields = int(numFields)

// ParseField returns the field named s.
func ParseField(s string) (Field, bool) {
	for i, n := range fieldNames {
		if i > 0 && n == s {
			return Field(i), true
		}
	}
	return 0, false
}
