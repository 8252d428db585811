package encode

// COTP connection setup and the TPKT framing of ISO-on-TCP (RFC 1006) come first; the
// S7comm functions follow.

// TPKTStart appends a TPKT header whose length TPKTEnd patches.
func TPKTStart(b []byte) (out []byte, start int) {
	return append(b, 3, 0, 0, 0), len(b)
}

// TPKTEnd patches the length of the TPKT PDU started at start.
func TPKTEnd(b []byte, start int) []byte {
	putU16be(b, start+2, len(b)-start)
	return b
}

// COTPConnect appends a TPKT PDU holding a COTP connection request (confirm false) or
// confirm (confirm true) with the TSAPs and a 1024-byte TPDU size.
func COTPConnect(b []byte, confirm bool, dstRef, srcRef uint16, srcTSAP, dstTSAP uint16) []byte {
	b, st := TPKTStart(b)
	typ := byte(0xe0)
	if confirm {
		typ = 0xd0
	}
	b = append(b, 17, typ)
	b = u16be(b, dstRef)
	b = u16be(b, srcRef)
	b = append(b, 0)             // class 0
	b = append(b, 0xc0, 1, 0x0a) // TPDU size 1024
	b = append(b, 0xc1, 2)
	b = u16be(b, srcTSAP)
	b = append(b, 0xc2, 2)
	b = u16be(b, dstTSAP)
	return TPKTEnd(b, st)
}

// S7 PDU types (ROSCTR) and functions.
const (
	S7Job      = 1
	S7AckData  = 3
	S7Userdata = 7

	S7FuncReadVar         = 0x04
	S7FuncWriteVar        = 0x05
	S7FuncRequestDownload = 0x1a
	S7FuncDownloadBlock   = 0x1b
	S7FuncDownloadEnded   = 0x1c
	S7FuncPLCControl      = 0x28
	S7FuncPLCStop         = 0x29
	S7FuncSetupComm       = 0xf0
)

// S7 memory areas.
const (
	S7AreaInputs  = 0x81
	S7AreaOutputs = 0x82
	S7AreaFlags   = 0x83
	S7AreaDB      = 0x84
)

// S7Start appends TPKT, COTP DT and an S7comm header of type rosctr; the parameter
// follows. Call S7Data where the data part begins (even when empty) and S7End last.
func S7Start(b []byte, rosctr uint8, pduRef uint16) (out []byte, start int) {
	b, start = TPKTStart(b)
	b = append(b, 2, 0xf0, 0x80) // COTP DT, last data unit
	b = append(b, 0x32, rosctr, 0, 0)
	b = u16be(b, pduRef)
	b = append(b, 0, 0, 0, 0)
	if rosctr == S7AckData {
		b = append(b, 0, 0) // error class and code: none
	}
	return b, start
}

func s7HeaderLen(b []byte, start int) int {
	if b[start+8] == S7AckData {
		return 12
	}
	return 10
}

// S7Data marks the end of the parameter part of the PDU started at start.
func S7Data(b []byte, start int) []byte {
	param := len(b) - start - 7 - s7HeaderLen(b, start)
	putU16be(b, start+7+6, param)
	return b
}

// S7End finishes the PDU started at start (after S7Data).
func S7End(b []byte, start int) []byte {
	param := int(be.Uint16(b[start+7+6:]))
	data := len(b) - start - 7 - s7HeaderLen(b, start) - param
	putU16be(b, start+7+8, data)
	return TPKTEnd(b, start)
}

// S7SetupComm appends a setup communication job (ack false) or its ack_data.
func S7SetupComm(b []byte, ack bool, pduRef uint16, pduSize uint16) []byte {
	typ := uint8(S7Job)
	if ack {
		typ = S7AckData
	}
	b, st := S7Start(b, typ, pduRef)
	b = append(b, S7FuncSetupComm, 0, 0, 1, 0, 1)
	b = u16be(b, pduSize)
	return S7End(S7Data(b, st), st)
}

// S7Var addresses one variable: length bytes from byte offset Start of Area (DB number
// DB when Area is S7AreaDB).
type S7Var struct {
	Area   uint8
	DB     uint16
	Start  uint32
	Length uint16
}

func s7Item(b []byte, v *S7Var) []byte {
	b = append(b, 0x12, 0x0a, 0x10, 0x02) // variable spec, S7ANY, transport size BYTE
	b = u16be(b, v.Length)
	b = u16be(b, v.DB)
	addr := v.Start << 3
	return append(b, v.Area, byte(addr>>16), byte(addr>>8), byte(addr))
}

// S7ReadVar appends a read var job for vars.
func S7ReadVar(b []byte, pduRef uint16, vars []S7Var) []byte {
	b, st := S7Start(b, S7Job, pduRef)
	b = append(b, S7FuncReadVar, byte(len(vars)))
	for i := range vars {
		b = s7Item(b, &vars[i])
	}
	return S7End(S7Data(b, st), st)
}

// S7ReadVarAck appends the ack_data of a read var job: each variable's bytes from
// values, taken in turn.
func S7ReadVarAck(b []byte, pduRef uint16, vars []S7Var, f *Filler) []byte {
	b, st := S7Start(b, S7AckData, pduRef)
	b = append(b, S7FuncReadVar, byte(len(vars)))
	b = S7Data(b, st)
	for i, v := range vars {
		b = append(b, 0xff, 0x04) // success, BYTE/WORD/DWORD with a bit length
		b = u16be(b, v.Length*8)
		b = f.Append(b, int(v.Length))
		if v.Length%2 == 1 && i < len(vars)-1 {
			b = append(b, 0)
		}
	}
	return S7End(b, st)
}

// S7WriteVar appends a write var job setting the variable v to data.
func S7WriteVar(b []byte, pduRef uint16, v *S7Var, data []byte) []byte {
	b, st := S7Start(b, S7Job, pduRef)
	b = append(b, S7FuncWriteVar, 1)
	b = s7Item(b, v)
	b = S7Data(b, st)
	b = append(b, 0, 0x04)
	b = u16be(b, uint16(len(data)*8))
	b = append(b, data...)
	return S7End(b, st)
}

// S7WriteVarAck appends the ack_data of a one-item write var job.
func S7WriteVarAck(b []byte, pduRef uint16) []byte {
	b, st := S7Start(b, S7AckData, pduRef)
	b = append(b, S7FuncWriteVar, 1)
	b = S7Data(b, st)
	b = append(b, 0xff)
	return S7End(b, st)
}

// S7ReadSZL appends a userdata request reading the system status list id/index.
func S7ReadSZL(b []byte, pduRef uint16, seq uint8, id, index uint16) []byte {
	b, st := S7Start(b, S7Userdata, pduRef)
	b = append(b, 0x00, 0x01, 0x12, 0x04, 0x11, 0x44, 0x01, seq)
	b = S7Data(b, st)
	b = append(b, 0xff, 0x09, 0x00, 0x04)
	b = u16be(b, id)
	b = u16be(b, index)
	return S7End(b, st)
}

// SZLRecord is one record of a module identification (SZL 0x0011: Text is the order
// number) or component identification (0x001C: Text is the name, serial, ...) list.
type SZLRecord struct {
	Index        uint16
	Text         string
	ModuleType   uint16 // 0x0011 only
	Ausbg, Ausbe uint16 // 0x0011 only: version
}

// S7ReadSZLResponse appends the userdata answer to an SZL read of id (0x0011 or
// 0x001C) with records.
func S7ReadSZLResponse(b []byte, pduRef uint16, seq uint8, id, index uint16, records []SZLRecord) []byte {
	b, st := S7Start(b, S7Userdata, pduRef)
	b = append(b, 0x00, 0x01, 0x12, 0x08, 0x12, 0x84, 0x01, seq, 0, 0, 0, 0)
	b = S7Data(b, st)
	recLen := 28
	if id&0xff == 0x1c {
		recLen = 34
	}
	b = append(b, 0xff, 0x09, 0, 0)
	lenAt := len(b) - 2
	b = u16be(b, id)
	b = u16be(b, index)
	b = u16be(b, uint16(recLen))
	b = u16be(b, uint16(len(records)))
	for _, r := range records {
		b = u16be(b, r.Index)
		if recLen == 28 {
			b = fixed(b, r.Text, 20, ' ')
			b = u16be(b, r.ModuleType)
			b = u16be(b, r.Ausbg)
			b = u16be(b, r.Ausbe)
		} else {
			b = fixed(b, r.Text, 32, 0)
		}
	}
	putU16be(b, lenAt, len(b)-lenAt-2)
	return S7End(b, st)
}

// S7PLCStop appends a PLC stop job (PI service P_PROGRAM).
func S7PLCStop(b []byte, pduRef uint16) []byte {
	b, st := S7Start(b, S7Job, pduRef)
	b = append(b, S7FuncPLCStop, 0, 0, 0, 0, 0, 9)
	b = append(b, "P_PROGRAM"...)
	return S7End(S7Data(b, st), st)
}

// S7FunctionAck appends a bare ack_data for function fn (PLC stop, PLC control,
// download functions).
func S7FunctionAck(b []byte, pduRef uint16, fn uint8) []byte {
	b, st := S7Start(b, S7AckData, pduRef)
	b = append(b, fn)
	return S7End(S7Data(b, st), st)
}

// S7BlockName appends the 9-character file name of a block: '_', the block type
// ("08" OB, "0A" DB, "0C" FC, "0E" FB), the 5-digit number and the file system 'P'.
func S7BlockName(b []byte, blockType string, number int) []byte {
	return s7BlockID(append(b, '_'), blockType, number)
}

// s7BlockID appends a block's type, 5-digit number and file system 'P', as the block
// lists of PLC control jobs name it.
func s7BlockID(b []byte, blockType string, number int) []byte {
	b = fixed(b, blockType, 2, '0')
	var d [5]byte
	for i := 4; i >= 0; i-- {
		d[i] = byte('0' + number%10)
		number /= 10
	}
	b = append(b, d[:]...)
	return append(b, 'P')
}

func asciiLen(b []byte, n int) []byte {
	var d [6]byte
	for i := 5; i >= 0; i-- {
		d[i] = byte('0' + n%10)
		n /= 10
	}
	return append(b, d[:]...)
}

// S7RequestDownload appends the engineering station's request to download a block
// whose load memory length is loadLen and MC7 code length mc7Len.
func S7RequestDownload(b []byte, pduRef uint16, blockType string, number, loadLen, mc7Len int) []byte {
	b, st := S7Start(b, S7Job, pduRef)
	b = append(b, S7FuncRequestDownload, 0, 1, 0, 0, 0, 0, 0, 9)
	b = S7BlockName(b, blockType, number)
	b = append(b, 13, '1')
	b = asciiLen(b, loadLen)
	b = asciiLen(b, mc7Len)
	return S7End(S7Data(b, st), st)
}

// S7DownloadBlock appends the PLC's job asking for the next part of the block (the PLC
// pulls the block from the engineering station).
func S7DownloadBlock(b []byte, pduRef uint16, blockType string, number int) []byte {
	b, st := S7Start(b, S7Job, pduRef)
	b = append(b, S7FuncDownloadBlock, 0, 1, 0, 0, 0, 0, 0, 9)
	b = S7BlockName(b, blockType, number)
	return S7End(S7Data(b, st), st)
}

// S7DownloadBlockAck appends the engineering station's answer with n bytes of block
// data; more says another part follows.
func S7DownloadBlockAck(b []byte, pduRef uint16, more bool, n int, f *Filler) []byte {
	b, st := S7Start(b, S7AckData, pduRef)
	status := byte(0)
	if more {
		status = 1
	}
	b = append(b, S7FuncDownloadBlock, status)
	b = S7Data(b, st)
	b = u16be(b, uint16(n))
	b = append(b, 0x00, 0xfb)
	b = f.Append(b, n)
	return S7End(b, st)
}

// S7DownloadEnded appends the PLC's job closing the download.
func S7DownloadEnded(b []byte, pduRef uint16, blockType string, number int) []byte {
	b, st := S7Start(b, S7Job, pduRef)
	b = append(b, S7FuncDownloadEnded, 0, 0, 0, 0, 0, 0, 0, 9)
	b = S7BlockName(b, blockType, number)
	return S7End(S7Data(b, st), st)
}

// S7InsertBlock appends the PLC control job (PI service _INSE) that activates a
// downloaded block.
func S7InsertBlock(b []byte, pduRef uint16, blockType string, number int) []byte {
	b, st := S7Start(b, S7Job, pduRef)
	b = append(b, S7FuncPLCControl, 0, 0, 0, 0, 0, 0, 0xfd)
	b = u16be(b, 10)
	b = append(b, 1, 0) // one block
	b = s7BlockID(b, blockType, number)
	b = append(b, 5)
	b = append(b, "_INSE"...)
	return S7End(S7Data(b, st), st)
}
