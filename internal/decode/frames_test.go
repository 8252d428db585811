package decode_test

import (
	"encoding/hex"
	"strings"
)

// Real frames from the public captures (see the comment on each), as hex.
var (
	// modbus/modbus_example.pcap frame 92: Ethernet, IPv4, TCP 47785 -> 502, Modbus/TCP
	// Read Device Identification request.
	frameModbus = h("000000000000000000000000080045000" +
		"03f678840004006d52e7f0000017f000001baa901f6a7524de5b1b4ba3a80180200fe3300000101080aa7c5a9c5a7c5a9c500170000000501" +
		"2b0e0100")
	// enip/set_attribute_single_service_cip.pcapng frame 1: 802.1Q VLAN 90, TCP 37844
	// -> 44818, EtherNet/IP Send Unit Data carrying CIP Set_Attribute_Single.
	frameVLAN = h("cc5a53ace903005056ba1bfe8100005a08004500005c08bc400040069ada0a645a330a64280b93d4af12565085d479d5ff985018fa22645d0000" +
		"70001c00f4ffcab4000000005f7079636f6d6d5f00000000000000000a000200a1000400ba629adab10008000d00100220012400")
	// enip/enip_cip_example.pcap frame 125: ARP request, padded to 60 bytes.
	frameARP = h("ffffffffffff000c29f7859908060001080006040001000c29f78599c0a80a18000000000000c0a80a15000000000000000000000000000000000000")
	// enip/enip_cip_example.pcap frame 5: IEEE 802.3 frame with an STP BPDU.
	frameSTP = h("0180c2000000001ef67359810027424203000002023c8003001ef6735980000000008003001ef673598080010000140002000f000000000000000000")
	// s7comm/s7comm_plus.pcap frame 1: Linux cooked v1, IPv4, TCP 102 -> 49154 (ACK).
	frameSLL = h("000300010006ac6417460d51000008004500002849e6400040066f95c0a80001c0a800030066c0025229b93237ad2ee050102000dc2d0000000000000000")
	// iec104/read.pcapng frame 4: BSD loopback (little endian AF_INET), TCP 50882 ->
	// 2404, IEC 104 STARTDT act.
	frameNull = h("020000004500002e94664000800600007f0000017f000001c6c20964d6c65cc939f95d57501827f97fbf0000680407000000")
	// opcua/open62541_client-server-getEndpoints.pcap frame 4: BSD loopback with
	// Darwin's AF_INET6 (30), IPv6 ::1, TCP 4840 -> 63501 (ACK with timestamps).
	frameNull6 = h("1e0000006002219500200640000000000000000000000000000000010000000000000000000000000000000112e8f80d0d3f75120db3ff40801018e3002800000101080a5ecd43865ecd4386")
	// enip/enip_cip_example.pcap frame 377: UDP 2222 -> 2222, CIP class-1 I/O.
	frameIO = h("001d9cc513dd34c0f9fe656b080045bc0034fce800004011f995c0a80118c0a8011608ae08ae0020ae1f02000280080003064b00db943f00b1000600a587e80f0300")
)

func h(s string) []byte {
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		panic(err)
	}
	return b
}

func cat(parts ...[]byte) []byte {
	var out []byte
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}
