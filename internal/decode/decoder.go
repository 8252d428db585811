package decode

import (
	"encoding/binary"
	"errors"
	"net/netip"

	"github.com/gopacket/gopacket/layers"
)

// Decoding errors. They are fixed values so that reporting one allocates nothing; the
// Decoder counts them in its Stats.
var (
	ErrUnsupportedLinkType = errors.New("decode: unsupported link type")
	ErrTruncated           = errors.New("decode: packet ends inside a header")
	ErrMalformed           = errors.New("decode: malformed header")
)

// Stats counts what a Decoder has seen. The error counters are anomalies.
type Stats struct {
	Packets         uint64
	UnsupportedLink uint64 // packets of a link type the decoder does not know
	Truncated       uint64 // packets cut inside a header (snap length, broken capture)
	Malformed       uint64 // impossible header values (bad IP version, lengths)
	Fragments       uint64 // IPv4 and IPv6 fragments, not reassembled
	SnapCut         uint64 // packets whose payload the snap length cut short
}

// Decoder decodes packets into a Packet and counts what it sees. The zero value is
// ready to use. A Decoder is not safe for concurrent use.
type Decoder struct {
	Stats Stats
}

// maxVLANDepth bounds the tag stack we walk through (QinQ is 2; hostile frames repeat).
const maxVLANDepth = 8

// maxIPv6ExtHeaders bounds the IPv6 extension header chain.
const maxIPv6ExtHeaders = 8

// Link types carried by pcap files for raw IP besides LINKTYPE_RAW (DLT_RAW's value
// differs between BSDs and is sometimes written unmapped).
const (
	linkTypeRawBSD     layers.LinkType = 12
	linkTypeRawOpenBSD layers.LinkType = 14
)

// Decode decodes data, whose first byte is the start of a link-layer frame of type lt,
// into p. On error p holds the layers decoded before the failure.
func (d *Decoder) Decode(lt layers.LinkType, data []byte, p *Packet) error {
	*p = Packet{}
	d.Stats.Packets++
	var err error
	switch lt {
	case layers.LinkTypeEthernet:
		err = d.ethernet(data, p)
	case layers.LinkTypeLinuxSLL:
		err = d.sll(data, p)
	case layers.LinkTypeLinuxSLL2:
		err = d.sll2(data, p)
	case layers.LinkTypeRaw, linkTypeRawBSD, linkTypeRawOpenBSD:
		err = d.rawIP(data, p)
	case layers.LinkTypeIPv4:
		err = d.ipv4(data, p)
	case layers.LinkTypeIPv6:
		err = d.ipv6(data, p)
	case layers.LinkTypeNull, layers.LinkTypeLoop:
		err = d.loopback(lt, data, p)
	default:
		d.Stats.UnsupportedLink++
		return ErrUnsupportedLinkType
	}
	switch err {
	case nil:
		if p.Truncated {
			d.Stats.SnapCut++
		}
	case ErrTruncated:
		d.Stats.Truncated++
	case ErrMalformed:
		d.Stats.Malformed++
	}
	return err
}

func (d *Decoder) ethernet(b []byte, p *Packet) error {
	if len(b) < 14 {
		return ErrTruncated
	}
	p.Layers |= LayerEthernet
	copy(p.DstMAC[:], b[0:6])
	copy(p.SrcMAC[:], b[6:12])
	return d.etherType(binary.BigEndian.Uint16(b[12:14]), b[14:], p)
}

// sll decodes a Linux cooked capture v1 header: packet type, ARPHRD type, address
// length, 8 address bytes, protocol.
func (d *Decoder) sll(b []byte, p *Packet) error {
	if len(b) < 16 {
		return ErrTruncated
	}
	p.Layers |= LayerLinuxSLL
	if binary.BigEndian.Uint16(b[4:6]) == 6 {
		copy(p.SrcMAC[:], b[6:12])
	}
	return d.etherType(binary.BigEndian.Uint16(b[14:16]), b[16:], p)
}

// sll2 decodes a Linux cooked capture v2 header: protocol, reserved, interface index,
// ARPHRD type, packet type, address length, 8 address bytes.
func (d *Decoder) sll2(b []byte, p *Packet) error {
	if len(b) < 20 {
		return ErrTruncated
	}
	p.Layers |= LayerLinuxSLL
	if b[11] == 6 {
		copy(p.SrcMAC[:], b[12:18])
	}
	return d.etherType(binary.BigEndian.Uint16(b[0:2]), b[20:], p)
}

// loopback decodes the 4-byte address family of BSD loopback captures: in the
// capturing host's byte order for DLT_NULL, big endian for DLT_LOOP.
func (d *Decoder) loopback(lt layers.LinkType, b []byte, p *Packet) error {
	if len(b) < 4 {
		return ErrTruncated
	}
	p.Layers |= LayerLoopback
	fam := binary.LittleEndian.Uint32(b[0:4])
	if lt == layers.LinkTypeLoop || (b[0] == 0 && b[1] == 0) {
		fam = binary.BigEndian.Uint32(b[0:4])
	}
	switch fam {
	case 2: // AF_INET everywhere
		p.EtherType = EtherTypeIPv4
		return d.ipv4(b[4:], p)
	case 10, 24, 28, 30: // AF_INET6: Linux, NetBSD/OpenBSD, FreeBSD, Darwin
		p.EtherType = EtherTypeIPv6
		return d.ipv6(b[4:], p)
	}
	p.Payload = b[4:]
	p.PayloadLen = len(p.Payload)
	return nil
}

func (d *Decoder) rawIP(b []byte, p *Packet) error {
	if len(b) < 1 {
		return ErrTruncated
	}
	switch b[0] >> 4 {
	case 4:
		p.EtherType = EtherTypeIPv4
		return d.ipv4(b, p)
	case 6:
		p.EtherType = EtherTypeIPv6
		return d.ipv6(b, p)
	}
	return ErrMalformed
}

// etherType dispatches on an EtherType, walking through VLAN tags first.
func (d *Decoder) etherType(et uint16, b []byte, p *Packet) error {
	for depth := 0; et == EtherTypeVLAN || et == EtherTypeQinQ || et == EtherTypeQinQ1; depth++ {
		if depth == maxVLANDepth {
			return ErrMalformed
		}
		if len(b) < 4 {
			return ErrTruncated
		}
		p.Layers |= LayerVLAN
		if int(p.NumVLANs) < MaxVLANs {
			p.VLANs[p.NumVLANs] = binary.BigEndian.Uint16(b[0:2]) & 0x0fff
			p.NumVLANs++
		}
		et = binary.BigEndian.Uint16(b[2:4])
		b = b[4:]
	}
	if et < 0x0600 { // IEEE 802.3 length field: an LLC frame (STP, ...)
		p.Payload = b
		p.PayloadLen = len(b)
		return nil
	}
	p.EtherType = et
	switch et {
	case EtherTypeIPv4:
		return d.ipv4(b, p)
	case EtherTypeIPv6:
		return d.ipv6(b, p)
	case EtherTypeARP:
		return d.arp(b, p)
	}
	p.Payload = b
	p.PayloadLen = len(b)
	return nil
}

func (d *Decoder) arp(b []byte, p *Packet) error {
	if len(b) < 8 {
		return ErrTruncated
	}
	// Only Ethernet hardware addresses with IPv4 protocol addresses are decoded; other
	// ARP flavours keep their bytes in Payload.
	if binary.BigEndian.Uint16(b[2:4]) != EtherTypeIPv4 || b[4] != 6 || b[5] != 4 {
		p.Payload = b
		p.PayloadLen = len(b)
		return nil
	}
	if len(b) < 28 {
		return ErrTruncated
	}
	p.Layers |= LayerARP
	a := &p.ARP
	a.Operation = binary.BigEndian.Uint16(b[6:8])
	copy(a.SenderMAC[:], b[8:14])
	a.SenderIP = netip.AddrFrom4([4]byte(b[14:18]))
	copy(a.TargetMAC[:], b[18:24])
	a.TargetIP = netip.AddrFrom4([4]byte(b[24:28]))
	return nil
}

func (d *Decoder) ipv4(b []byte, p *Packet) error {
	if len(b) < 20 {
		return ErrTruncated
	}
	ihl := int(b[0]&0x0f) * 4
	if b[0]>>4 != 4 || ihl < 20 {
		return ErrMalformed
	}
	if len(b) < ihl {
		return ErrTruncated
	}
	total := int(binary.BigEndian.Uint16(b[2:4]))
	if total == 0 {
		// Captured before TCP segmentation offload filled in the length.
		total = len(b)
	}
	if total < ihl {
		return ErrMalformed
	}
	p.Layers |= LayerIPv4
	p.TTL = b[8]
	p.IPProto = b[9]
	p.IPLength = total
	p.SrcIP = netip.AddrFrom4([4]byte(b[12:16]))
	p.DstIP = netip.AddrFrom4([4]byte(b[16:20]))
	flagsFrag := binary.BigEndian.Uint16(b[6:8])
	if total <= len(b) {
		b = b[:total] // drop Ethernet padding and trailers
	} else {
		p.Truncated = true
	}
	if flagsFrag&0x3fff != 0 { // more-fragments flag or a fragment offset
		p.Fragment = true
		p.FragmentOffset = (flagsFrag & 0x1fff) * 8
		d.Stats.Fragments++
		if p.FragmentOffset != 0 {
			p.Payload = b[ihl:]
			p.PayloadLen = total - ihl
			return nil
		}
	}
	return d.transport(p.IPProto, b[ihl:], total-ihl, p)
}

func (d *Decoder) ipv6(b []byte, p *Packet) error {
	if len(b) < 40 {
		return ErrTruncated
	}
	if b[0]>>4 != 6 {
		return ErrMalformed
	}
	// announced counts the bytes the headers say remain; b holds those captured.
	announced := int(binary.BigEndian.Uint16(b[4:6]))
	if announced == 0 { // jumbogram or offloaded: take what is there
		announced = len(b) - 40
	}
	p.Layers |= LayerIPv6
	p.TTL = b[7]
	p.IPLength = 40 + announced
	p.SrcIP = netip.AddrFrom16([16]byte(b[8:24]))
	p.DstIP = netip.AddrFrom16([16]byte(b[24:40]))
	next := b[6]
	if 40+announced <= len(b) {
		b = b[40 : 40+announced]
	} else {
		p.Truncated = true
		b = b[40:]
	}
	for range maxIPv6ExtHeaders {
		var hlen int
		switch next {
		case 0, 43, 60, 135: // hop-by-hop, routing, destination options, mobility
			if len(b) < 2 {
				return ErrTruncated
			}
			hlen = (int(b[1]) + 1) * 8
		case 51: // the authentication header counts 4-byte words
			if len(b) < 2 {
				return ErrTruncated
			}
			hlen = (int(b[1]) + 2) * 4
		case 44: // fragment
			if len(b) < 8 {
				return ErrTruncated
			}
			hlen = 8
			p.Fragment = true
			p.FragmentOffset = binary.BigEndian.Uint16(b[2:4]) &^ 7
			d.Stats.Fragments++
			if p.FragmentOffset != 0 {
				p.IPProto = b[0]
				p.Payload = b[8:]
				p.PayloadLen = announced - 8
				return nil
			}
		default:
			p.IPProto = next
			return d.transport(next, b, announced, p)
		}
		if len(b) < hlen || announced < hlen {
			return ErrTruncated
		}
		next = b[0]
		announced -= hlen
		b = b[hlen:]
	}
	return ErrMalformed
}

// transport decodes the header of protocol proto at the start of b. announced is the
// length the IP header gives for b, which the capture may have cut (len(b) smaller).
func (d *Decoder) transport(proto uint8, b []byte, announced int, p *Packet) error {
	switch proto {
	case ProtoTCP:
		if len(b) < 20 {
			return ErrTruncated
		}
		hlen := int(b[12]>>4) * 4
		if hlen < 20 || hlen > announced {
			return ErrMalformed
		}
		if len(b) < hlen {
			return ErrTruncated
		}
		p.Layers |= LayerTCP
		p.SrcPort = binary.BigEndian.Uint16(b[0:2])
		p.DstPort = binary.BigEndian.Uint16(b[2:4])
		p.Seq = binary.BigEndian.Uint32(b[4:8])
		p.Ack = binary.BigEndian.Uint32(b[8:12])
		p.TCPFlags = TCPFlags(b[13])
		p.Window = binary.BigEndian.Uint16(b[14:16])
		p.Payload = b[hlen:]
		p.PayloadLen = announced - hlen
	case ProtoUDP:
		if len(b) < 8 {
			return ErrTruncated
		}
		ulen := int(binary.BigEndian.Uint16(b[4:6]))
		if ulen == 0 && announced > 0xffff { // IPv6 jumbogram
			ulen = announced
		}
		if ulen > announced && p.Fragment {
			ulen = announced // a first fragment carries only part of the datagram
		}
		if ulen < 8 || ulen > announced {
			return ErrMalformed
		}
		p.Layers |= LayerUDP
		p.SrcPort = binary.BigEndian.Uint16(b[0:2])
		p.DstPort = binary.BigEndian.Uint16(b[2:4])
		p.Payload = b[8:min(ulen, len(b))]
		p.PayloadLen = ulen - 8
		// A datagram whose whole payload was captured is complete even where the IP
		// packet around it was cut (the UDP length, not the IP length, bounds it).
		p.Truncated = p.PayloadLen > len(p.Payload)
	case ProtoICMP, ProtoICMPv6:
		if len(b) < 4 {
			return ErrTruncated
		}
		p.Layers |= LayerICMP
		p.ICMPType = b[0]
		p.ICMPCode = b[1]
		p.Payload = b[4:]
		p.PayloadLen = announced - 4
	default:
		p.Payload = b
		p.PayloadLen = announced
	}
	return nil
}
