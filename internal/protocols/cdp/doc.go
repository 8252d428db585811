// Package cdp decodes the Cisco Discovery Protocol (versions 1 and 2), which Cisco
// switches, routers, phones and many industrial Ethernet switches send to the multicast
// MAC 01:00:0C:CC:CC:CC in 802.3 frames with an LLC/SNAP header (OUI 00:00:0C, protocol
// 0x2000). It extracts what an inventory needs: device id, addresses, port, capabilities,
// software version, platform, VTP domain, native VLAN, duplex, system name and object id,
// management addresses and location, and checks the checksum. The handler reads the
// software version with lldp.ParseDescription (vendor, model from a Cisco platform,
// firmware, the kind of network device).
//
// Parse decodes the CDP payload that follows the SNAP header (FromLLC strips it) into a
// caller-owned Message without allocating; byte-slice fields alias the input. The package
// knows nothing of packets, flows, assets or the plant model.
//
// observe.go plugs the parser into the pipeline (package observe): it registers App with
// the handler that turns each parsed PDU into operations, identity facts and anomalies,
// the names of the protocol's operation codes and its detection rules. The parser stays
// pure; neither part knows zones, the plant model, detect or the inventory.
package cdp
