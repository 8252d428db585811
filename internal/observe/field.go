package observe

// Role hints a handler reports as FieldDeviceRole facts; the inventory's role inference
// reads them. They are the shared vocabulary of the protocols that tell a device's role.
const (
	RoleHintProgrammingDevice = "programming_device" // opens engineering (PG) sessions
	RoleHintOperatorPanel     = "operator_panel"     // opens operator (OP) sessions
	RoleHintIOController      = "io_controller"
	RoleHintIODevice          = "io_device"
	RoleHintIOSupervisor      = "io_supervisor"
	RoleHintBridge            = "bridge"
	RoleHintDNP3Master        = "dnp3_master"
	RoleHintDNP3Outstation    = "dnp3_outstation"
	RoleHintGOOSEPublisher    = "goose_publisher" // publishes GOOSE: an IED
	RoleHintCyclicIO          = "cyclic_io"       // sends cyclic real-time I/O data frames
)

// Field is a kind of identity fact. The names are the snake_case keys of the inventory's
// identity objects; a new dissector adds its fields here.
type Field uint8

const (
	FieldVendor             Field = iota + 1 // manufacturer's name
	FieldVendorID                            // the protocol's vendor number (CIP, BACnet, PROFINET)
	FieldProductName                         // product name as the device states it
	FieldProductCode                         // the vendor's product code
	FieldModel                               // model name
	FieldDeviceType                          // device profile (CIP device type)
	FieldFirmware                            // firmware or software revision
	FieldHardware                            // hardware revision
	FieldSerial                              // serial number
	FieldOrderNumber                         // order number (Siemens MLFB)
	FieldName                                // the name given to the device (station, PLC, object name)
	FieldModuleName                          // the module's name (S7)
	FieldPlantID                             // plant designation (S7)
	FieldLocation                            // location designation
	FieldDescription                         // free text
	FieldApplicationName                     // software application name (OPC UA)
	FieldApplicationURI                      // OPC UA application URI
	FieldProductURI                          // OPC UA product URI
	FieldEndpointURL                         // OPC UA endpoint URL the device serves
	FieldSecurityPolicy                      // OPC UA security policy offered or used
	FieldDeviceInstance                      // BACnet device object instance
	FieldStationAddress                      // DNP3 link address, IEC 104 common address
	FieldRackSlot                            // S7 rack and slot from the COTP TSAP
	FieldProtocolVersion                     // protocol version that identifies a family (S7comm-plus)
	FieldDeviceRole                          // role the device claims (PROFINET device role, bridge)
	FieldDeviceID                            // the vendor's device number (PROFINET)
	FieldState                               // device state (CIP)
	FieldCopyright                           // copyright string (S7)
	FieldSystemName                          // the name an administrator gave the device (LLDP, CDP, SNMP sysName)
	FieldSystemDescription                   // the device's description of its hardware and software (LLDP, SNMP sysDescr)
	FieldPlatform                            // hardware platform (CDP)
	FieldSoftware                            // software name and version (CDP, LLDP-MED)
	FieldPortID                              // the switch or device port an announcement left from (LLDP, CDP)
	FieldCapabilities                        // enabled functions, comma-separated: bridge, router, ... (LLDP, CDP)
	FieldManagementAddress                   // an address the device is managed at (LLDP, CDP)
	FieldHostname                            // the host name a device gives itself (DHCP, mDNS, LLMNR)
	FieldDNSName                             // a DNS name of the device (DNS answers, DHCP client FQDN)
	FieldNetBIOSName                         // the device's NetBIOS computer name
	FieldVendorClass                         // DHCP vendor class identifier
	FieldClientID                            // DHCP client identifier, hex
	FieldHTTPServer                          // web server software (HTTP Server header, SSDP)
	FieldUserAgent                           // HTTP client software (User-Agent header)
	FieldHTTPRealm                           // the realm of a web server's login, which often names the device
	FieldServerName                          // a name clients use to reach the server (TLS SNI, HTTP Host)
	FieldCertificateSubject                  // subject of the certificate the device presents (TLS)
	FieldCertificateIssuer                   // issuer of that certificate
	FieldSSHBanner                           // the SSH identification string the device sends
	FieldSystemObjectID                      // SNMP sysObjectID: the vendor's product OID
	FieldContact                             // SNMP sysContact
	numFields
)

var fieldNames = [numFields]string{"", "vendor", "vendor_id", "product_name", "product_code", "model", "device_type",
	"firmware_version", "hardware_version", "serial_number", "order_number", "name", "module_name", "plant_id",
	"location", "description", "application_name", "application_uri", "product_uri", "endpoint_url",
	"security_policy", "device_instance", "station_address", "rack_slot", "protocol_version", "device_role",
	"device_id", "state", "copyright", "system_name", "system_description", "platform", "software", "port_id",
	"capabilities", "management_address", "hostname", "dns_name", "netbios_name", "vendor_class", "client_id",
	"http_server", "user_agent", "http_realm", "server_name", "certificate_subject", "certificate_issuer", "ssh_banner",
	"system_object_id", "contact"}

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
