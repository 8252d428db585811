// Package lldp decodes Link Layer Discovery Protocol data units (IEEE 802.1AB, EtherType
// 0x88CC): chassis and port identifiers, time to live, port and system description,
// system name, system capabilities, management addresses, the IEEE 802.1 port VLAN id and
// the LLDP-MED inventory set (hardware, firmware and software revision, serial number,
// manufacturer, model, asset id) that phones, cameras and some field devices send.
// ParseDescription reads the system descriptions industrial devices write in their
// vendor's format (Siemens SIMATIC and SCALANCE, Hirschmann, Cisco IOS, Moxa) into vendor,
// model, order number, firmware, hardware, serial and the kind of network device; the
// handler reports them at medium confidence, and CDP reads its software version with it.
//
// Parse decodes one LLDPDU (the Ethernet payload) into a caller-owned Message without
// allocating; byte-slice fields alias the input. The package knows nothing of packets,
// flows, assets or the plant model.
//
// observe.go plugs the parser into the pipeline (package observe): it registers App with
// the handler that turns each parsed PDU into operations, identity facts and anomalies,
// the names of the protocol's operation codes and its detection rules. The parser stays
// pure; neither part knows zones, the plant model, detect or the inventory.
package lldp
