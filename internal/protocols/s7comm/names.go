package s7comm

// COTPType is the TPDU code of a COTP PDU (high nibble of its second byte).
type COTPType uint8

const (
	COTPExpeditedData COTPType = 0x10
	COTPExpeditedAck  COTPType = 0x20
	COTPReject        COTPType = 0x50
	COTPDataAck       COTPType = 0x60
	COTPError         COTPType = 0x70
	COTPDisconnectReq COTPType = 0x80
	COTPDisconnectCon COTPType = 0xC0
	COTPConnectCon    COTPType = 0xD0
	COTPConnectReq    COTPType = 0xE0
	COTPData          COTPType = 0xF0
)

func (t COTPType) String() string {
	switch t {
	case COTPExpeditedData:
		return "ED"
	case COTPExpeditedAck:
		return "EA"
	case COTPReject:
		return "RJ"
	case COTPDataAck:
		return "AK"
	case COTPError:
		return "ER"
	case COTPDisconnectReq:
		return "DR"
	case COTPDisconnectCon:
		return "DC"
	case COTPConnectCon:
		return "CC"
	case COTPConnectReq:
		return "CR"
	case COTPData:
		return "DT"
	}
	return "unknown"
}

// Payload tells what a COTP data PDU carries.
type Payload uint8

const (
	PayloadNone    Payload = iota // COTP only (connection set-up, or DT without user data)
	PayloadS7                     // S7comm, protocol id 0x32
	PayloadS7Plus                 // S7comm-plus, protocol id 0x72
	PayloadUnknown                // user data of another protocol
)

func (p Payload) String() string {
	switch p {
	case PayloadNone:
		return "cotp"
	case PayloadS7:
		return "s7comm"
	case PayloadS7Plus:
		return "s7comm-plus"
	}
	return "unknown"
}

// ROSCTR is the S7 PDU type.
type ROSCTR uint8

const (
	ROSCTRJob      ROSCTR = 1
	ROSCTRAck      ROSCTR = 2
	ROSCTRAckData  ROSCTR = 3
	ROSCTRUserdata ROSCTR = 7
)

func (r ROSCTR) String() string {
	switch r {
	case ROSCTRJob:
		return "job"
	case ROSCTRAck:
		return "ack"
	case ROSCTRAckData:
		return "ack_data"
	case ROSCTRUserdata:
		return "userdata"
	}
	return "unknown"
}

// Function is the function code of a job or its ack.
type Function uint8

const (
	FuncCPUServices     Function = 0x00
	FuncSetupComm       Function = 0xF0
	FuncReadVar         Function = 0x04
	FuncWriteVar        Function = 0x05
	FuncRequestDownload Function = 0x1A
	FuncDownloadBlock   Function = 0x1B
	FuncDownloadEnded   Function = 0x1C
	FuncStartUpload     Function = 0x1D
	FuncUpload          Function = 0x1E
	FuncEndUpload       Function = 0x1F
	FuncPLCControl      Function = 0x28
	FuncPLCStop         Function = 0x29
)

func (f Function) String() string {
	switch f {
	case FuncCPUServices:
		return "cpu_services"
	case FuncSetupComm:
		return "setup_communication"
	case FuncReadVar:
		return "read_var"
	case FuncWriteVar:
		return "write_var"
	case FuncRequestDownload:
		return "request_download"
	case FuncDownloadBlock:
		return "download_block"
	case FuncDownloadEnded:
		return "download_ended"
	case FuncStartUpload:
		return "start_upload"
	case FuncUpload:
		return "upload"
	case FuncEndUpload:
		return "end_upload"
	case FuncPLCControl:
		return "plc_control"
	case FuncPLCStop:
		return "plc_stop"
	}
	return "unknown"
}

// Group is the function group of a userdata PDU.
type Group uint8

const (
	GroupModeTransition Group = 0x0
	GroupProgrammer     Group = 0x1
	GroupCyclic         Group = 0x2
	GroupBlock          Group = 0x3
	GroupCPU            Group = 0x4
	GroupSecurity       Group = 0x5
	GroupPBC            Group = 0x6
	GroupTime           Group = 0x7
	GroupNCProgramming  Group = 0xF
)

func (g Group) String() string {
	switch g {
	case GroupModeTransition:
		return "mode_transition"
	case GroupProgrammer:
		return "programmer_commands"
	case GroupCyclic:
		return "cyclic_data"
	case GroupBlock:
		return "block_functions"
	case GroupCPU:
		return "cpu_functions"
	case GroupSecurity:
		return "security"
	case GroupPBC:
		return "programmable_block_communication"
	case GroupTime:
		return "time_functions"
	case GroupNCProgramming:
		return "nc_programming"
	}
	return "unknown"
}

// Subfunctions of the userdata groups that detection and discovery use.
const (
	SubCPUReadSZL        uint8 = 0x01
	SubBlockList         uint8 = 0x01
	SubBlockListType     uint8 = 0x02
	SubBlockInfo         uint8 = 0x03
	SubSecurityPassword  uint8 = 0x01
	SubSecurityClearPass uint8 = 0x02
	SubTimeRead          uint8 = 0x01
	SubTimeSet           uint8 = 0x02
	SubTimeReadFollowing uint8 = 0x03
	SubTimeSet2          uint8 = 0x04
)

// Area is the memory area of a variable address.
type Area uint8

const (
	AreaSysInfo    Area = 0x03
	AreaSysFlags   Area = 0x05
	AreaAnalogIn   Area = 0x06
	AreaAnalogOut  Area = 0x07
	AreaCounter    Area = 0x1C
	AreaTimer      Area = 0x1D
	AreaCounterIEC Area = 0x1E
	AreaTimerIEC   Area = 0x1F
	AreaP          Area = 0x80
	AreaInputs     Area = 0x81
	AreaOutputs    Area = 0x82
	AreaFlags      Area = 0x83
	AreaDB         Area = 0x84
	AreaDI         Area = 0x85
	AreaLocal      Area = 0x86
	AreaPrevLocal  Area = 0x87
)

func (a Area) String() string {
	switch a {
	case AreaSysInfo:
		return "system_info"
	case AreaSysFlags:
		return "system_flags"
	case AreaAnalogIn:
		return "analog_inputs"
	case AreaAnalogOut:
		return "analog_outputs"
	case AreaCounter:
		return "counters"
	case AreaTimer:
		return "timers"
	case AreaCounterIEC:
		return "iec_counters"
	case AreaTimerIEC:
		return "iec_timers"
	case AreaP:
		return "peripheral"
	case AreaInputs:
		return "inputs"
	case AreaOutputs:
		return "outputs"
	case AreaFlags:
		return "flags"
	case AreaDB:
		return "data_blocks"
	case AreaDI:
		return "instance_data_blocks"
	case AreaLocal:
		return "local"
	case AreaPrevLocal:
		return "previous_local"
	}
	return "unknown"
}

// BlockType is the type of a program block as S7 file names spell it ("08" is an OB).
type BlockType uint8

const (
	BlockOB  BlockType = 0x08
	BlockDB  BlockType = 0x0A
	BlockSDB BlockType = 0x0B
	BlockFC  BlockType = 0x0C
	BlockSFC BlockType = 0x0D
	BlockFB  BlockType = 0x0E
	BlockSFB BlockType = 0x0F
)

func (t BlockType) String() string {
	switch t {
	case BlockOB:
		return "OB"
	case BlockDB:
		return "DB"
	case BlockSDB:
		return "SDB"
	case BlockFC:
		return "FC"
	case BlockSFC:
		return "SFC"
	case BlockFB:
		return "FB"
	case BlockSFB:
		return "SFB"
	}
	return "unknown"
}

// Control is what a PLC control or stop PDU asks of the CPU, read from its PI service
// name and parameters.
type Control uint8

const (
	ControlNone         Control = iota
	ControlUnknown              // a PI service this package does not name
	ControlHotStart             // P_PROGRAM without arguments: warm restart
	ControlColdStart            // P_PROGRAM with "C": cold restart
	ControlStop                 // PLC stop
	ControlInsertBlock          // _INSE: activate downloaded blocks
	ControlDeleteBlock          // _DELE: delete blocks
	ControlCopyRAMToROM         // _MODU: copy RAM to ROM
	ControlCompress             // _GARB: compress memory
	ControlNCFile               // _N_...: NC file services
)

func (c Control) String() string {
	switch c {
	case ControlNone:
		return "none"
	case ControlHotStart:
		return "hot_start"
	case ControlColdStart:
		return "cold_start"
	case ControlStop:
		return "stop"
	case ControlInsertBlock:
		return "insert_block"
	case ControlDeleteBlock:
		return "delete_block"
	case ControlCopyRAMToROM:
		return "copy_ram_to_rom"
	case ControlCompress:
		return "compress_memory"
	case ControlNCFile:
		return "nc_file"
	}
	return "unknown"
}

// Well-known SZL ids and indexes of the identity records.
const (
	SZLModuleID    uint16 = 0x0011 // module identification: order number, versions
	SZLComponentID uint16 = 0x001C // component identification: names, serial number

	ModIndexModule   uint16 = 0x0001 // order number of the module
	ModIndexHardware uint16 = 0x0006 // basic hardware
	ModIndexFirmware uint16 = 0x0007 // basic firmware

	CompIndexPLCName      uint16 = 0x0001 // automation system name
	CompIndexModuleName   uint16 = 0x0002
	CompIndexPlantID      uint16 = 0x0003 // plant designation
	CompIndexCopyright    uint16 = 0x0004
	CompIndexSerial       uint16 = 0x0005 // serial number of the module
	CompIndexModuleType   uint16 = 0x0007 // module type name
	CompIndexMemCardSer   uint16 = 0x0008 // serial number of the memory card
	CompIndexManufacturer uint16 = 0x0009 // manufacturer and profile ids (binary)
	CompIndexOEM          uint16 = 0x000A
	CompIndexLocation     uint16 = 0x000B
)

// plusFunctionNames are the S7comm-plus function codes as the open Wireshark plugin for
// S7comm-plus (Thomas Wiens) identifies them, in snake_case.
var plusFunctionNames = map[uint16]string{
	0x04b1: "error", 0x04bb: "explore", 0x04ca: "create_object", 0x04d4: "delete_object",
	0x04f2: "set_variable", 0x04fc: "get_variable", 0x0506: "add_link", 0x051a: "remove_link",
	0x0524: "get_link", 0x0542: "set_multi_variables", 0x054c: "get_multi_variables",
	0x0556: "begin_sequence", 0x0560: "end_sequence", 0x056b: "invoke",
	0x057c: "set_var_sub_streamed", 0x0586: "get_var_sub_streamed", 0x0590: "get_variables_address",
	0x059a: "abort",
}

// PlusFunctionName names an S7comm-plus function code ("" for one not known).
func PlusFunctionName(code uint16) string { return plusFunctionNames[code] }
