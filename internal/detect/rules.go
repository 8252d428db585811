package detect

import (
	"github.com/zonewarden/zonewarden/internal/attack"
	"github.com/zonewarden/zonewarden/internal/finding"
	"github.com/zonewarden/zonewarden/internal/observe"
	"github.com/zonewarden/zonewarden/internal/protocols"
	"github.com/zonewarden/zonewarden/internal/protocols/bacnet"
	"github.com/zonewarden/zonewarden/internal/protocols/enip"
	"github.com/zonewarden/zonewarden/internal/protocols/profinet"
	"github.com/zonewarden/zonewarden/internal/protocols/s7comm"
)

// Rule is one kind of alert: what it is called, how bad it is before the model is
// consulted, and the ATT&CK for ICS techniques it stands for.
type Rule struct {
	ID       string // "s7comm/plc-stop"
	Title    string // one line, filled with the ends by the detector
	Severity finding.Severity
	// Techniques are current technique ids (see newRule).
	Techniques []string
	// PerSource: repeats are aggregated by source alone (sweeps, whose targets vary),
	// not by source and destination.
	PerSource bool
	// PerPair: repeats are aggregated by source and destination, whatever the
	// operation code (one alert per host that opens sessions to a device).
	PerPair bool
}

func perPair(r *Rule) *Rule { r.PerPair = true; return r }

// newRule builds a rule, replacing revoked technique ids by the ones MITRE names in
// their place, so that alerts carry ids a SIEM's current ATT&CK data knows.
func newRule(id, title string, sev finding.Severity, techniques ...string) *Rule {
	r := &Rule{ID: id, Title: title, Severity: sev}
	for _, t := range techniques {
		if c, ok := attack.Current(t); ok {
			t = c.ID
		}
		r.Techniques = append(r.Techniques, t)
	}
	return r
}

// The rules. Titles are written for an operator reading a table.
var (
	ruleModbusWrite    = newRule("modbus/write", "Modbus write", finding.Medium, "T0836")
	ruleModbusRestart  = newRule("modbus/restart-communications", "Modbus restart communications (FC 8/1)", finding.High, "T0816")
	ruleModbusListen   = newRule("modbus/force-listen-only", "Modbus force listen-only mode (FC 8/4)", finding.High, "T0814")
	ruleModbusDeviceID = newRule("modbus/device-identification", "Modbus device identification (FC 43/14)", finding.Low, "T0888")
	ruleModbusExcStorm = newRule("modbus/exception-storm", "Modbus exception storm", finding.Medium, "T0861")
	ruleModbusUMASProg = newRule("modbus/umas-program", "Modbus UMAS program transfer", finding.High, "T0843")
	ruleModbusUMASCtrl = newRule("modbus/umas-control", "Modbus UMAS run/stop", finding.High, "T0858")
	ruleS7Stop         = newRule("s7comm/plc-stop", "S7 PLC STOP", finding.High, "T0858", "T0816")
	ruleS7Start        = newRule("s7comm/plc-start", "S7 PLC hot or cold start", finding.High, "T0858", "T0816")
	ruleS7Download     = newRule("s7comm/block-download", "S7 block download", finding.High, "T0843")
	ruleS7Upload       = newRule("s7comm/block-upload", "S7 block upload", finding.Medium, "T0845")
	ruleS7Insert       = newRule("s7comm/block-activate", "S7 block activation (PI _INSE)", finding.High, "T0843")
	ruleS7Delete       = newRule("s7comm/block-delete", "S7 block delete (PI _DELE)", finding.High, "T0809")
	ruleS7PI           = newRule("s7comm/pi-service", "S7 program invocation service", finding.Medium, "T0855")
	ruleS7Password     = newRule("s7comm/password", "S7 password function", finding.Medium, "T0859")
	ruleS7SZL          = newRule("s7comm/szl-read", "S7 system status list read", finding.Low, "T0888")
	ruleS7Write        = newRule("s7comm/write-var", "S7 write variable", finding.Medium, "T0836")
	ruleS7SetClock     = newRule("s7comm/set-clock", "S7 PLC clock set", finding.Medium, "T0836")
	ruleS7Plus         = perPair(newRule("s7comm-plus/session", "S7comm-plus engineering session", finding.Low, "T0886"))
	ruleENIPReset      = newRule("enip/identity-reset", "CIP Reset of the Identity object", finding.High, "T0816")
	ruleENIPStop       = newRule("enip/stop", "CIP Stop", finding.High, "T0858")
	ruleENIPStart      = newRule("enip/start", "CIP Start", finding.High, "T0858")
	ruleENIPDownload   = newRule("enip/program-download", "CIP program or firmware download (File object)", finding.High, "T0843", "T0857")
	ruleENIPUpload     = newRule("enip/program-upload", "CIP program upload (File object)", finding.Medium, "T0845")
	ruleENIPNetConfig  = newRule("enip/network-config-change", "CIP Set Attribute on the TCP/IP or Ethernet Link object", finding.High, "T0855")
	ruleENIPWrite      = newRule("enip/write", "CIP write", finding.Medium, "T0836")
	ruleENIPListID     = newRule("enip/list-identity", "EtherNet/IP ListIdentity", finding.Low, "T0888")
	ruleDNP3Restart    = newRule("dnp3/restart", "DNP3 restart", finding.High, "T0816")
	ruleDNP3App        = newRule("dnp3/application-control", "DNP3 start or stop application", finding.High, "T0858")
	ruleDNP3File       = newRule("dnp3/file-operation", "DNP3 file operation", finding.Medium, "T0843")
	ruleIEC104File     = perPair(newRule("iec104/file-write", "IEC 104 file written to the outstation", finding.Medium, "T0843"))
	ruleDNP3Unsol      = newRule("dnp3/disable-unsolicited", "DNP3 disable unsolicited responses", finding.Medium, "T0815")
	ruleDNP3Operate    = newRule("dnp3/control", "DNP3 control (select/operate, direct operate)", finding.Medium, "T0855")
	ruleDNP3Write      = newRule("dnp3/write", "DNP3 write", finding.Medium, "T0836")
	ruleIEC104Command  = newRule("iec104/command", "IEC 104 command", finding.Medium, "T0855")
	ruleIEC104SetPoint = newRule("iec104/set-point", "IEC 104 set-point command", finding.Medium, "T0836", "T0855")
	ruleIEC104Reset    = newRule("iec104/reset-process", "IEC 104 reset process", finding.High, "T0816")
	ruleIEC104Clock    = newRule("iec104/clock-sync", "IEC 104 clock synchronization", finding.Info, "T0855")
	ruleIEC104Interrog = newRule("iec104/interrogation", "IEC 104 interrogation", finding.Info, "T0801")
	ruleBACnetDCC      = newRule("bacnet/device-communication-control", "BACnet DeviceCommunicationControl", finding.High, "T0814")
	ruleBACnetReinit   = newRule("bacnet/reinitialize-device", "BACnet ReinitializeDevice", finding.High, "T0816")
	ruleBACnetWrite    = newRule("bacnet/write-property", "BACnet WriteProperty", finding.Medium, "T0836")
	ruleMMSWrite       = newRule("mms/write", "MMS write (IEC 61850 setting or control)", finding.Medium, "T0836", "T0855")
	ruleMMSControl     = newRule("mms/program-control", "MMS start, stop, resume, reset or kill of a program invocation", finding.High, "T0858", "T0816")
	ruleMMSDownload    = newRule("mms/domain-download", "MMS domain download or program invocation change", finding.High, "T0843")
	ruleMMSUpload      = newRule("mms/domain-upload", "MMS domain upload", finding.Medium, "T0845")
	ruleMMSFileChange  = newRule("mms/file-change", "MMS file delete or rename", finding.High, "T0809")
	ruleMMSIdentify    = newRule("mms/identify", "MMS Identify", finding.Low, "T0888")
	ruleGOOSESimulated = newRule("goose/simulation-flag", "GOOSE publication flagged as simulation (test) on the bus", finding.Medium, "T0856")
	rulePNDCPSet       = newRule("profinet/dcp-set", "PROFINET DCP Set (name or IP change)", finding.High, "T0855")
	rulePNDCPIdentify  = newRule("profinet/dcp-identify", "PROFINET DCP Identify", finding.Info, "T0846")
	ruleScanHosts      = newRule("scan/hosts", "host touches many addresses", finding.Medium, "T0846")
	ruleScanPorts      = newRule("scan/ports", "host probes many ports", finding.Medium, "T0846")
	ruleUnknownDevice  = newRule("model/unknown-device", "device not in the model", finding.Medium, "T0864")
	ruleForbiddenFlow  = newRule("model/forbidden-operation", "operation no conduit allows", finding.Medium, "T0855")
	ruleForbiddenRead  = newRule("model/forbidden-read", "process data read no conduit allows", finding.Medium, "T0801")
	ruleBaselineTalker = newRule("baseline/new-talker", "new conversation", finding.Low, "T0846")
	ruleBaselineOp     = newRule("baseline/new-operation", "new operation", finding.Medium, "T0855")
	ruleBaselineDevice = newRule("baseline/new-device", "new device", finding.Medium, "T0864")
)

// Rules lists every rule, for documentation and tests.
func Rules() []*Rule {
	return []*Rule{ruleModbusWrite, ruleModbusRestart, ruleModbusListen, ruleModbusDeviceID, ruleModbusExcStorm,
		ruleModbusUMASProg, ruleModbusUMASCtrl, ruleS7Stop, ruleS7Start, ruleS7Download, ruleS7Upload, ruleS7Insert,
		ruleS7Delete, ruleS7PI, ruleS7Password, ruleS7SZL, ruleS7Write, ruleS7SetClock, ruleS7Plus, ruleENIPReset, ruleENIPStop, ruleENIPStart,
		ruleENIPDownload, ruleENIPUpload, ruleENIPNetConfig, ruleENIPWrite, ruleENIPListID, ruleDNP3Restart, ruleDNP3App,
		ruleDNP3File, ruleIEC104File, ruleDNP3Unsol, ruleDNP3Operate, ruleDNP3Write, ruleIEC104Command, ruleIEC104SetPoint, ruleIEC104Reset,
		ruleIEC104Clock, ruleIEC104Interrog, ruleBACnetDCC, ruleBACnetReinit, ruleBACnetWrite,
		ruleMMSWrite, ruleMMSControl, ruleMMSDownload, ruleMMSUpload, ruleMMSFileChange, ruleMMSIdentify, ruleGOOSESimulated, rulePNDCPSet,
		rulePNDCPIdentify, ruleScanHosts, ruleScanPorts, ruleUnknownDevice, ruleForbiddenFlow, ruleForbiddenRead,
		ruleBaselineTalker, ruleBaselineOp, ruleBaselineDevice}
}

// Operation codes as observe's dissectors count them (see observe's dissect_*.go).
const (
	s7Control  = 0x2800
	s7Userdata = 0x10000
	s7Plus     = 0x20000
	enipCmd    = 0x100
	pnDCP      = 0x100
	modbusUMAS = 0x5a00

	goosePublishSimulated = 1
)

// match returns the rule an operation raises, or nil. It runs for every operation and
// allocates nothing: a switch on the protocol and the code.
func match(op *observe.Operation) *Rule {
	c := op.Code
	switch op.App {
	case observe.AppModbus:
		switch {
		case c == 5 || c == 6 || c == 15 || c == 16 || c == 22 || c == 23:
			return ruleModbusWrite
		case c == 8 && op.Detail.SubFunction == 1:
			return ruleModbusRestart
		case c == 8 && op.Detail.SubFunction == 4:
			return ruleModbusListen
		case c == 0x2b0e:
			return ruleModbusDeviceID
		case c&^0xff == modbusUMAS && op.Class == protocols.OpProgram:
			return ruleModbusUMASProg
		case c&^0xff == modbusUMAS && op.Class == protocols.OpControl:
			return ruleModbusUMASCtrl
		}
	case observe.AppS7comm:
		switch {
		case c == uint32(s7comm.FuncPLCStop) || c == s7Control|uint32(s7comm.ControlStop):
			return ruleS7Stop
		case c == s7Control|uint32(s7comm.ControlHotStart) || c == s7Control|uint32(s7comm.ControlColdStart):
			return ruleS7Start
		case c == s7Control|uint32(s7comm.ControlInsertBlock):
			return ruleS7Insert
		case c == s7Control|uint32(s7comm.ControlDeleteBlock):
			return ruleS7Delete
		case c&^0xff == s7Control:
			return ruleS7PI
		case c == uint32(s7comm.FuncRequestDownload):
			return ruleS7Download
		case c == uint32(s7comm.FuncDownloadBlock) || c == uint32(s7comm.FuncDownloadEnded):
			// In a download the PLC asks the engineering station for the block's
			// pieces: the station's request download already raised the alert.
			if op.FromClient {
				return ruleS7Download
			}
			return nil
		case c == uint32(s7comm.FuncStartUpload) || c == uint32(s7comm.FuncUpload) || c == uint32(s7comm.FuncEndUpload):
			return ruleS7Upload
		case c == uint32(s7comm.FuncWriteVar):
			return ruleS7Write
		case c == s7Userdata|uint32(s7comm.GroupSecurity)<<8|uint32(s7comm.SubSecurityPassword),
			c == s7Userdata|uint32(s7comm.GroupSecurity)<<8|uint32(s7comm.SubSecurityClearPass):
			return ruleS7Password
		case c == s7Userdata|uint32(s7comm.GroupCPU)<<8|uint32(s7comm.SubCPUReadSZL):
			return ruleS7SZL
		case c == s7Userdata|uint32(s7comm.GroupTime)<<8|uint32(s7comm.SubTimeSet),
			c == s7Userdata|uint32(s7comm.GroupTime)<<8|uint32(s7comm.SubTimeSet2):
			return ruleS7SetClock
		case c&^0xffff == s7Plus && op.FromClient:
			// Aggregation groups a client's operations on one PLC into one alert: each
			// host that opens an S7comm-plus session is reported once.
			return ruleS7Plus
		}
	case observe.AppENIP:
		cls := op.Detail.CIPClass
		if !op.Detail.HasCIPPath {
			cls = 0
		}
		switch {
		case c == enipCmd|uint32(enip.CmdListIdentity):
			return ruleENIPListID
		case c == uint32(enip.SvcReset) && cls == enip.ClassIdentity:
			return ruleENIPReset
		case c == uint32(enip.SvcStop):
			return ruleENIPStop
		case c == uint32(enip.SvcStart):
			return ruleENIPStart
		case cls == enip.ClassFile && op.Class == protocols.OpProgram:
			if c == 0x4b || c == 0x4f { // Initiate_Upload, Upload_Transfer
				return ruleENIPUpload
			}
			return ruleENIPDownload
		case (cls == 0xf5 || cls == 0xf6) && op.Class == protocols.OpWrite:
			return ruleENIPNetConfig
		case op.Class == protocols.OpProgram:
			return ruleENIPDownload
		case op.Class == protocols.OpWrite:
			return ruleENIPWrite
		case op.Class == protocols.OpControl:
			return ruleENIPReset
		}
	case observe.AppDNP3:
		switch c {
		case 13, 14:
			return ruleDNP3Restart
		case 17, 18:
			return ruleDNP3App
		case 25, 26, 27, 28, 29, 30:
			return ruleDNP3File
		case 21:
			return ruleDNP3Unsol
		case 3, 4, 5, 6:
			return ruleDNP3Operate
		case 2:
			return ruleDNP3Write
		}
	case observe.AppIEC104:
		switch {
		case c >= 48 && c <= 50 || c >= 61 && c <= 63:
			return ruleIEC104SetPoint
		case c >= 45 && c <= 51 || c >= 58 && c <= 64:
			return ruleIEC104Command
		case c == 105:
			return ruleIEC104Reset
		case c == 103:
			return ruleIEC104Clock
		case c == 100 || c == 101:
			return ruleIEC104Interrog
		case (c == 120 || c == 121 || c == 123 || c == 125) && op.FromClient:
			// F_FR, F_SR, F_LS and F_SG from the controlling station: a file sent to the
			// outstation. F_SC_NA_1 (122) only selects or calls one, and F_AF_NA_1 (124)
			// from the controlling station acknowledges a file it read.
			return ruleIEC104File
		}
	case observe.AppBACnet:
		if c>>8 != uint32(bacnet.PDUConfirmedRequest) {
			return nil
		}
		switch uint8(c) {
		case bacnet.SvcDeviceCommunicationControl:
			return ruleBACnetDCC
		case bacnet.SvcReinitializeDevice:
			return ruleBACnetReinit
		case bacnet.SvcWriteProperty, bacnet.SvcWritePropertyMultiple:
			return ruleBACnetWrite
		}
	case observe.AppMMS:
		if !op.FromClient {
			return nil
		}
		switch {
		case c == 2: // Identify
			return ruleMMSIdentify
		case c == 75 || c == 76: // FileRename, FileDelete
			return ruleMMSFileChange
		case c >= 29 && c <= 31 || c == 33 || c == 35: // upload sequence, RequestDomainUpload, StoreDomainContent
			return ruleMMSUpload
		case op.Class == protocols.OpProgram:
			return ruleMMSDownload
		case op.Class == protocols.OpControl:
			return ruleMMSControl
		case c == 5: // Write
			return ruleMMSWrite
		}
	case observe.AppGOOSE:
		if c == goosePublishSimulated {
			return ruleGOOSESimulated
		}
	case observe.AppPROFINET:
		switch c {
		case pnDCP | uint32(profinet.DCPSet):
			return rulePNDCPSet
		case pnDCP | uint32(profinet.DCPIdentify):
			return rulePNDCPIdentify
		}
	}
	return nil
}

func init() {
	// Sweeps address many targets: one alert per source, with the count of targets.
	for _, r := range []*Rule{ruleENIPListID, rulePNDCPIdentify} {
		r.PerSource = true
	}
}
