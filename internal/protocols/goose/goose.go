package goose

import (
	"bytes"
	"encoding/binary"
	"errors"

	"github.com/zonewarden/zonewarden/internal/protocols/ber"
)

// EtherType is GOOSE's EtherType.
const EtherType = 0x88b8

// headerLen is APPID, length and the two reserved words.
const headerLen = 8

// Message is one GOOSE APDU.
type Message struct {
	AppID  uint16
	Length uint16 // as the header states it, header included

	GoCBRef []byte // control block reference: "<logical device>/LLN0$GO$<name>"
	DatSet  []byte // dataset reference
	GoID    []byte // the publisher's id for the control block
	TTL     uint32 // time allowed to live, milliseconds
	StNum   uint32 // state number: increases with every change of the dataset
	SqNum   uint32 // sequence number: counts repetitions of one state
	// Simulation is the simulation bit (edition 2) or test flag (edition 1): the
	// message is not to be acted upon by subscribers not in test mode.
	Simulation       bool
	ConfRev          uint32
	NeedsCommission  bool
	NumDatSetEntries uint32
}

var (
	errShort  = errors.New("goose: shorter than the GOOSE header")
	errLength = errors.New("goose: length field disagrees with the frame")
	errPDU    = errors.New("goose: no goosePdu")
	errRef    = errors.New("goose: goosePdu without a control block reference")
)

// Parse decodes the GOOSE APDU at b (the frame after its EtherType) into m, which it
// resets first.
func Parse(b []byte, m *Message) error {
	*m = Message{}
	if len(b) < headerLen {
		return errShort
	}
	m.AppID, m.Length = binary.BigEndian.Uint16(b), binary.BigEndian.Uint16(b[2:])
	// Ethernet pads short frames, so the frame may be longer than the APDU, never
	// shorter.
	if int(m.Length) < headerLen || int(m.Length) > len(b) {
		return errLength
	}
	pdu, _, err := ber.Next(b[headerLen:m.Length])
	if err != nil {
		return err
	}
	if !pdu.Is(ber.ClassApplication, true, 1) {
		return errPDU
	}
	for c := pdu.Content; len(c) > 0; {
		var f ber.Element
		if f, c, err = ber.Next(c); err != nil {
			return err
		}
		if f.Class != ber.ClassContext || f.Constructed {
			continue // allData and security
		}
		switch f.Number {
		case 0:
			m.GoCBRef = f.Content
		case 1:
			m.TTL, _ = ber.Uint32(f.Content)
		case 2:
			m.DatSet = f.Content
		case 3:
			m.GoID = f.Content
		case 5:
			m.StNum, _ = ber.Uint32(f.Content)
		case 6:
			m.SqNum, _ = ber.Uint32(f.Content)
		case 7:
			m.Simulation = isTrue(f.Content)
		case 8:
			m.ConfRev, _ = ber.Uint32(f.Content)
		case 9:
			m.NeedsCommission = isTrue(f.Content)
		case 10:
			m.NumDatSetEntries, _ = ber.Uint32(f.Content)
		}
	}
	if len(m.GoCBRef) == 0 {
		return errRef
	}
	return nil
}

func isTrue(c []byte) bool { return len(c) == 1 && c[0] != 0 }

// LogicalDevice returns the logical device part of a control block reference (before
// the "/"): the IED's name followed by the logical device's instance, as the station's
// configuration (SCL) names it. nil when the reference has no "/".
func LogicalDevice(ref []byte) []byte {
	if i := bytes.IndexByte(ref, '/'); i > 0 {
		return ref[:i]
	}
	return nil
}
