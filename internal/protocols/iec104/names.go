package iec104

// Format is the APCI format of an APDU.
type Format uint8

const (
	FormatI Format = iota + 1 // numbered information transfer
	FormatS                   // numbered supervisory acknowledgement
	FormatU                   // unnumbered control functions
)

func (f Format) String() string {
	switch f {
	case FormatI:
		return "I"
	case FormatS:
		return "S"
	case FormatU:
		return "U"
	}
	return "unknown"
}

// UFunction is the set of U-format function bits (one is set in a valid APDU).
type UFunction uint8

const (
	StartDTAct UFunction = 0x04
	StartDTCon UFunction = 0x08
	StopDTAct  UFunction = 0x10
	StopDTCon  UFunction = 0x20
	TestFRAct  UFunction = 0x40
	TestFRCon  UFunction = 0x80
)

func (u UFunction) String() string {
	switch u {
	case StartDTAct:
		return "STARTDT act"
	case StartDTCon:
		return "STARTDT con"
	case StopDTAct:
		return "STOPDT act"
	case StopDTCon:
		return "STOPDT con"
	case TestFRAct:
		return "TESTFR act"
	case TestFRCon:
		return "TESTFR con"
	}
	return "unknown"
}

// TypeID is the type identification of an ASDU.
type TypeID uint8

// Type identifications of the monitor direction (M_), the control direction (C_),
// parameters (P_) and file transfer (F_).
const (
	M_SP_NA_1 TypeID = 1
	M_SP_TA_1 TypeID = 2
	M_DP_NA_1 TypeID = 3
	M_DP_TA_1 TypeID = 4
	M_ST_NA_1 TypeID = 5
	M_ST_TA_1 TypeID = 6
	M_BO_NA_1 TypeID = 7
	M_BO_TA_1 TypeID = 8
	M_ME_NA_1 TypeID = 9
	M_ME_TA_1 TypeID = 10
	M_ME_NB_1 TypeID = 11
	M_ME_TB_1 TypeID = 12
	M_ME_NC_1 TypeID = 13
	M_ME_TC_1 TypeID = 14
	M_IT_NA_1 TypeID = 15
	M_IT_TA_1 TypeID = 16
	M_EP_TA_1 TypeID = 17
	M_EP_TB_1 TypeID = 18
	M_EP_TC_1 TypeID = 19
	M_PS_NA_1 TypeID = 20
	M_ME_ND_1 TypeID = 21
	M_SP_TB_1 TypeID = 30
	M_DP_TB_1 TypeID = 31
	M_ST_TB_1 TypeID = 32
	M_BO_TB_1 TypeID = 33
	M_ME_TD_1 TypeID = 34
	M_ME_TE_1 TypeID = 35
	M_ME_TF_1 TypeID = 36
	M_IT_TB_1 TypeID = 37
	M_EP_TD_1 TypeID = 38
	M_EP_TE_1 TypeID = 39
	M_EP_TF_1 TypeID = 40
	C_SC_NA_1 TypeID = 45
	C_DC_NA_1 TypeID = 46
	C_RC_NA_1 TypeID = 47
	C_SE_NA_1 TypeID = 48
	C_SE_NB_1 TypeID = 49
	C_SE_NC_1 TypeID = 50
	C_BO_NA_1 TypeID = 51
	C_SC_TA_1 TypeID = 58
	C_DC_TA_1 TypeID = 59
	C_RC_TA_1 TypeID = 60
	C_SE_TA_1 TypeID = 61
	C_SE_TB_1 TypeID = 62
	C_SE_TC_1 TypeID = 63
	C_BO_TA_1 TypeID = 64
	M_EI_NA_1 TypeID = 70
	C_IC_NA_1 TypeID = 100
	C_CI_NA_1 TypeID = 101
	C_RD_NA_1 TypeID = 102
	C_CS_NA_1 TypeID = 103
	C_TS_NA_1 TypeID = 104
	C_RP_NA_1 TypeID = 105
	C_CD_NA_1 TypeID = 106
	C_TS_TA_1 TypeID = 107
	P_ME_NA_1 TypeID = 110
	P_ME_NB_1 TypeID = 111
	P_ME_NC_1 TypeID = 112
	P_AC_NA_1 TypeID = 113
	F_FR_NA_1 TypeID = 120
	F_SR_NA_1 TypeID = 121
	F_SC_NA_1 TypeID = 122
	F_LS_NA_1 TypeID = 123
	F_AF_NA_1 TypeID = 124
	F_SG_NA_1 TypeID = 125
	F_DR_TA_1 TypeID = 126
	F_SC_NB_1 TypeID = 127
)

// typeInfo gives each type id its name and the octets of one information element
// (without the object address); size -1 marks variable or unknown sizes.
var typeInfo = func() (t [256]struct {
	name string
	size int8
}) {
	for i := range t {
		t[i].size = -1
	}
	set := func(id TypeID, name string, size int8) { t[id].name, t[id].size = name, size }
	set(M_SP_NA_1, "M_SP_NA_1", 1)
	set(M_SP_TA_1, "M_SP_TA_1", 4)
	set(M_DP_NA_1, "M_DP_NA_1", 1)
	set(M_DP_TA_1, "M_DP_TA_1", 4)
	set(M_ST_NA_1, "M_ST_NA_1", 2)
	set(M_ST_TA_1, "M_ST_TA_1", 5)
	set(M_BO_NA_1, "M_BO_NA_1", 5)
	set(M_BO_TA_1, "M_BO_TA_1", 8)
	set(M_ME_NA_1, "M_ME_NA_1", 3)
	set(M_ME_TA_1, "M_ME_TA_1", 6)
	set(M_ME_NB_1, "M_ME_NB_1", 3)
	set(M_ME_TB_1, "M_ME_TB_1", 6)
	set(M_ME_NC_1, "M_ME_NC_1", 5)
	set(M_ME_TC_1, "M_ME_TC_1", 8)
	set(M_IT_NA_1, "M_IT_NA_1", 5)
	set(M_IT_TA_1, "M_IT_TA_1", 8)
	set(M_EP_TA_1, "M_EP_TA_1", 6)
	set(M_EP_TB_1, "M_EP_TB_1", 7)
	set(M_EP_TC_1, "M_EP_TC_1", 7)
	set(M_PS_NA_1, "M_PS_NA_1", 5)
	set(M_ME_ND_1, "M_ME_ND_1", 2)
	set(M_SP_TB_1, "M_SP_TB_1", 8)
	set(M_DP_TB_1, "M_DP_TB_1", 8)
	set(M_ST_TB_1, "M_ST_TB_1", 9)
	set(M_BO_TB_1, "M_BO_TB_1", 12)
	set(M_ME_TD_1, "M_ME_TD_1", 10)
	set(M_ME_TE_1, "M_ME_TE_1", 10)
	set(M_ME_TF_1, "M_ME_TF_1", 12)
	set(M_IT_TB_1, "M_IT_TB_1", 12)
	set(M_EP_TD_1, "M_EP_TD_1", 10)
	set(M_EP_TE_1, "M_EP_TE_1", 11)
	set(M_EP_TF_1, "M_EP_TF_1", 11)
	set(C_SC_NA_1, "C_SC_NA_1", 1)
	set(C_DC_NA_1, "C_DC_NA_1", 1)
	set(C_RC_NA_1, "C_RC_NA_1", 1)
	set(C_SE_NA_1, "C_SE_NA_1", 3)
	set(C_SE_NB_1, "C_SE_NB_1", 3)
	set(C_SE_NC_1, "C_SE_NC_1", 5)
	set(C_BO_NA_1, "C_BO_NA_1", 4)
	set(C_SC_TA_1, "C_SC_TA_1", 8)
	set(C_DC_TA_1, "C_DC_TA_1", 8)
	set(C_RC_TA_1, "C_RC_TA_1", 8)
	set(C_SE_TA_1, "C_SE_TA_1", 10)
	set(C_SE_TB_1, "C_SE_TB_1", 10)
	set(C_SE_TC_1, "C_SE_TC_1", 12)
	set(C_BO_TA_1, "C_BO_TA_1", 11)
	set(M_EI_NA_1, "M_EI_NA_1", 1)
	set(C_IC_NA_1, "C_IC_NA_1", 1)
	set(C_CI_NA_1, "C_CI_NA_1", 1)
	set(C_RD_NA_1, "C_RD_NA_1", 0)
	set(C_CS_NA_1, "C_CS_NA_1", 7)
	set(C_TS_NA_1, "C_TS_NA_1", 2)
	set(C_RP_NA_1, "C_RP_NA_1", 1)
	set(C_CD_NA_1, "C_CD_NA_1", 2)
	set(C_TS_TA_1, "C_TS_TA_1", 9)
	set(P_ME_NA_1, "P_ME_NA_1", 3)
	set(P_ME_NB_1, "P_ME_NB_1", 3)
	set(P_ME_NC_1, "P_ME_NC_1", 5)
	set(P_AC_NA_1, "P_AC_NA_1", 1)
	set(F_FR_NA_1, "F_FR_NA_1", 6)
	set(F_SR_NA_1, "F_SR_NA_1", 7)
	set(F_SC_NA_1, "F_SC_NA_1", 4)
	set(F_LS_NA_1, "F_LS_NA_1", 5)
	set(F_AF_NA_1, "F_AF_NA_1", 4)
	set(F_SG_NA_1, "F_SG_NA_1", -1)
	set(F_DR_TA_1, "F_DR_TA_1", 13)
	set(F_SC_NB_1, "F_SC_NB_1", 16)
	return t
}()

// String returns the type's standard mnemonic, such as C_SC_NA_1.
func (t TypeID) String() string {
	if n := typeInfo[t].name; n != "" {
		return n
	}
	return "unknown"
}

// ElementSize returns the octets of one information element of the type (without its
// object address), or -1 when the size is variable or the type unknown.
func (t TypeID) ElementSize() int { return int(typeInfo[t].size) }

// IsCommand reports whether the type is a command of the control direction that acts on
// the process (single, double, regulating step, set points, bitstrings).
func (t TypeID) IsCommand() bool {
	return t >= C_SC_NA_1 && t <= C_BO_NA_1 || t >= C_SC_TA_1 && t <= C_BO_TA_1
}

// Causes of transmission.
const (
	CausePeriodic       uint8 = 1
	CauseBackground     uint8 = 2
	CauseSpontaneous    uint8 = 3
	CauseInitialized    uint8 = 4
	CauseRequest        uint8 = 5
	CauseActivation     uint8 = 6
	CauseActivationCon  uint8 = 7
	CauseDeactivation   uint8 = 8
	CauseDeactivationCo uint8 = 9
	CauseActivationTerm uint8 = 10
	CauseReturnRemote   uint8 = 11
	CauseReturnLocal    uint8 = 12
	CauseFile           uint8 = 13
	CauseInterrogated   uint8 = 20 // 21..36: group 1..16
	CauseCounterReq     uint8 = 37 // 38..41: counter groups
	CauseUnknownType    uint8 = 44
	CauseUnknownCause   uint8 = 45
	CauseUnknownCA      uint8 = 46
	CauseUnknownIOA     uint8 = 47
)
