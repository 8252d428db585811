package c37118

import (
	"encoding/binary"
	"errors"
)

// Ports: TCP 4712 and UDP 4713 are IEEE C37.118.2's defaults.
const (
	TCPPort = 4712
	UDPPort = 4713
)

// Frame types (the SYNC word's bits 6-4).
const (
	TypeData    = 0
	TypeHeader  = 1
	TypeConfig1 = 2
	TypeConfig2 = 3
	TypeCommand = 4
	TypeConfig3 = 5
)

// Commands of a command frame.
const (
	CmdDataOff      = 1 // turn off transmission of data frames
	CmdDataOn       = 2 // turn on transmission of data frames
	CmdSendHeader   = 3
	CmdSendConfig1  = 4
	CmdSendConfig2  = 5
	CmdSendConfig3  = 6
	CmdExtended     = 8
	minFrame        = 16 // SYNC, FRAMESIZE, IDCODE, SOC, FRACSEC, CHK
	stationNameSize = 16
)

// MaxStations bounds the PMU blocks read from one configuration frame; a PDC may
// concentrate more, counted in Message.MoreStations.
const MaxStations = 32

var (
	errShort    = errors.New("c37118: frame shorter than its fixed part")
	errSync     = errors.New("c37118: not a C37.118 SYNC word")
	errSize     = errors.New("c37118: FRAMESIZE does not match the frame")
	errChecksum = errors.New("c37118: checksum mismatch")
	errConfig   = errors.New("c37118: configuration frame shorter than its PMU blocks")
)

// Station is one PMU block of a configuration frame.
type Station struct {
	Name   []byte // STN, trailing spaces removed
	IDCode uint16 // the data source's id
}

// Message is one C37.118 frame.
type Message struct {
	Type    uint8
	Version uint8
	IDCode  uint16 // the stream source's id
	// Command is a command frame's CMD.
	Command uint16
	// Stations are a CFG-1 or CFG-2 frame's PMU blocks (at most MaxStations).
	Stations     []Station
	MoreStations int
	// Header is a header frame's text.
	Header   []byte
	stations [MaxStations]Station
}

// PDULen returns the length of the frame at the start of b from its FRAMESIZE; 0 while
// fewer than 4 bytes are there, an error when b does not start with a SYNC word.
func PDULen(b []byte) (int, error) {
	if len(b) < 4 {
		if len(b) > 0 && b[0] != 0xAA {
			return 0, errSync
		}
		return 0, nil
	}
	if !syncOK(b) {
		return 0, errSync
	}
	n := int(binary.BigEndian.Uint16(b[2:4]))
	if n < minFrame {
		return 0, errSize
	}
	return n, nil
}

func syncOK(b []byte) bool {
	typ, ver := b[1]>>4&7, b[1]&0xf
	return b[0] == 0xAA && b[1]&0x80 == 0 && typ <= TypeConfig3 && ver >= 1 && ver <= 3
}

// Parse parses one whole frame (as PDULen framed it, or a UDP datagram) into m, checking
// its CRC-CCITT. Slices in m alias b.
func Parse(b []byte, m *Message) error {
	*m = Message{}
	if len(b) < minFrame {
		return errShort
	}
	if !syncOK(b) {
		return errSync
	}
	if int(binary.BigEndian.Uint16(b[2:4])) != len(b) {
		return errSize
	}
	if crc(b[:len(b)-2]) != binary.BigEndian.Uint16(b[len(b)-2:]) {
		return errChecksum
	}
	m.Type, m.Version = b[1]>>4&7, b[1]&0xf
	m.IDCode = binary.BigEndian.Uint16(b[4:6])
	body := b[14 : len(b)-2]
	switch m.Type {
	case TypeCommand:
		if len(body) < 2 {
			return errShort
		}
		m.Command = binary.BigEndian.Uint16(body)
	case TypeHeader:
		m.Header = body
	case TypeConfig1, TypeConfig2:
		return config(body, m)
	}
	return nil
}

// config reads the PMU blocks of a CFG-1 or CFG-2 frame: TIME_BASE, NUM_PMU, then per
// PMU its station name, id, format, the counts of phasors, analogs and digital words,
// their names and units, nominal frequency and configuration count.
func config(b []byte, m *Message) error {
	if len(b) < 6 {
		return errConfig
	}
	n := int(binary.BigEndian.Uint16(b[4:6]))
	b = b[6:]
	for i := 0; i < n; i++ {
		if len(b) < stationNameSize+10 {
			return errConfig
		}
		st := Station{Name: trimSpace(b[:stationNameSize]), IDCode: binary.BigEndian.Uint16(b[16:18])}
		ph := int(binary.BigEndian.Uint16(b[20:22]))
		an := int(binary.BigEndian.Uint16(b[22:24]))
		dg := int(binary.BigEndian.Uint16(b[24:26]))
		size := stationNameSize + 10 + 16*(ph+an+16*dg) + 4*(ph+an+dg) + 4
		if size > len(b) {
			return errConfig
		}
		if len(m.Stations) < MaxStations {
			m.Stations = m.stations[:len(m.Stations)+1]
			m.Stations[len(m.Stations)-1] = st
		} else {
			m.MoreStations++
		}
		b = b[size:]
	}
	return nil
}

func trimSpace(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == 0) {
		b = b[:len(b)-1]
	}
	for len(b) > 0 && b[0] == ' ' {
		b = b[1:]
	}
	return b
}

// crcTable is CRC-CCITT (polynomial 0x1021), the frame checksum C37.118 specifies.
var crcTable = func() (t [256]uint16) {
	for i := range t {
		c := uint16(i) << 8
		for range 8 {
			if c&0x8000 != 0 {
				c = c<<1 ^ 0x1021
			} else {
				c <<= 1
			}
		}
		t[i] = c
	}
	return t
}()

// crc computes CRC-CCITT with initial value 0xFFFF.
func crc(b []byte) uint16 {
	c := uint16(0xFFFF)
	for _, x := range b {
		c = c<<8 ^ crcTable[byte(c>>8)^x]
	}
	return c
}
