package dnp3

// FunctionCode is an application-layer function code.
type FunctionCode uint8

const (
	FuncConfirm              FunctionCode = 0
	FuncRead                 FunctionCode = 1
	FuncWrite                FunctionCode = 2
	FuncSelect               FunctionCode = 3
	FuncOperate              FunctionCode = 4
	FuncDirectOperate        FunctionCode = 5
	FuncDirectOperateNoAck   FunctionCode = 6
	FuncImmediateFreeze      FunctionCode = 7
	FuncImmediateFreezeNoAck FunctionCode = 8
	FuncFreezeClear          FunctionCode = 9
	FuncFreezeClearNoAck     FunctionCode = 10
	FuncFreezeAtTime         FunctionCode = 11
	FuncFreezeAtTimeNoAck    FunctionCode = 12
	FuncColdRestart          FunctionCode = 13
	FuncWarmRestart          FunctionCode = 14
	FuncInitializeData       FunctionCode = 15
	FuncInitializeApp        FunctionCode = 16
	FuncStartApp             FunctionCode = 17
	FuncStopApp              FunctionCode = 18
	FuncSaveConfig           FunctionCode = 19
	FuncEnableUnsolicited    FunctionCode = 20
	FuncDisableUnsolicited   FunctionCode = 21
	FuncAssignClass          FunctionCode = 22
	FuncDelayMeasure         FunctionCode = 23
	FuncRecordCurrentTime    FunctionCode = 24
	FuncOpenFile             FunctionCode = 25
	FuncCloseFile            FunctionCode = 26
	FuncDeleteFile           FunctionCode = 27
	FuncGetFileInfo          FunctionCode = 28
	FuncAuthenticateFile     FunctionCode = 29
	FuncAbortFile            FunctionCode = 30
	FuncActivateConfig       FunctionCode = 31
	FuncAuthRequest          FunctionCode = 32
	FuncAuthRequestNoAck     FunctionCode = 33
	FuncResponse             FunctionCode = 0x81
	FuncUnsolicitedResponse  FunctionCode = 0x82
	FuncAuthResponse         FunctionCode = 0x83
)

var functionNames = [...]string{
	"CONFIRM", "READ", "WRITE", "SELECT", "OPERATE", "DIRECT_OPERATE", "DIRECT_OPERATE_NR",
	"IMMED_FREEZE", "IMMED_FREEZE_NR", "FREEZE_CLEAR", "FREEZE_CLEAR_NR", "FREEZE_AT_TIME",
	"FREEZE_AT_TIME_NR", "COLD_RESTART", "WARM_RESTART", "INITIALIZE_DATA", "INITIALIZE_APPL",
	"START_APPL", "STOP_APPL", "SAVE_CONFIG", "ENABLE_UNSOLICITED", "DISABLE_UNSOLICITED",
	"ASSIGN_CLASS", "DELAY_MEASURE", "RECORD_CURRENT_TIME", "OPEN_FILE", "CLOSE_FILE",
	"DELETE_FILE", "GET_FILE_INFO", "AUTHENTICATE_FILE", "ABORT_FILE", "ACTIVATE_CONFIG",
	"AUTHENTICATE_REQ", "AUTHENTICATE_ERR",
}

// String returns the name the ICSNPP and Zeek DNP3 logs use.
func (f FunctionCode) String() string {
	if int(f) < len(functionNames) {
		return functionNames[f]
	}
	switch f {
	case FuncResponse:
		return "RESPONSE"
	case FuncUnsolicitedResponse:
		return "UNSOLICITED_RESPONSE"
	case FuncAuthResponse:
		return "AUTHENTICATE_RESP"
	}
	return "unknown"
}

// IsResponse reports whether f is one of the outstation's response codes.
func (f FunctionCode) IsResponse() bool { return f >= FuncResponse && f <= FuncAuthResponse }

// Link-layer function codes of primary (PRM=1) frames.
const (
	LinkResetLink       uint8 = 0
	LinkTestLink        uint8 = 2
	LinkConfirmedData   uint8 = 3
	LinkUnconfirmedData uint8 = 4
	LinkRequestStatus   uint8 = 9
)

// Internal indication bits of a response (first octet in the high byte).
const (
	IINAllStations      uint16 = 0x0100
	IINClass1Events     uint16 = 0x0200
	IINClass2Events     uint16 = 0x0400
	IINClass3Events     uint16 = 0x0800
	IINNeedTime         uint16 = 0x1000
	IINLocalControl     uint16 = 0x2000
	IINDeviceTrouble    uint16 = 0x4000
	IINDeviceRestart    uint16 = 0x8000
	IINNoFuncCodeSupp   uint16 = 0x0001
	IINObjectUnknown    uint16 = 0x0002
	IINParameterError   uint16 = 0x0004
	IINEventBufOverflow uint16 = 0x0008
	IINAlreadyExecuting uint16 = 0x0010
	IINConfigCorrupt    uint16 = 0x0020
)
