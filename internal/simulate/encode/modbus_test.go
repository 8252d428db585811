package encode

import (
	"testing"
)

var plcModbusID = ModbusDeviceID{VendorName: "Schneider Electric", ProductCode: "BMX P34 2020", Revision: "v3.20", ProductName: "Modicon M340", ModelName: "BMX P34 2020"}

func TestModbusTshark(t *testing.T) {
	var c capture
	s := c.tcp(49200, 502)
	regs := []uint16{100, 200, 300, 65535}
	s.send(0, ModbusReadDeviceID(nil, 1, 1, 2))
	s.send(1, ModbusReadDeviceIDResponse(nil, 1, 1, 2, &plcModbusID))
	s.send(0, ModbusRead(nil, 2, 1, ModbusReadHoldingRegisters, 0, 4))
	s.send(1, ModbusReadRegistersResponse(nil, 2, 1, ModbusReadHoldingRegisters, regs))
	s.send(0, ModbusRead(nil, 3, 1, ModbusReadCoils, 0, 11))
	s.send(1, ModbusReadBitsResponse(nil, 3, 1, ModbusReadCoils, 11, 0x5a5))
	s.send(0, ModbusWriteSingle(nil, 4, 1, ModbusWriteSingleRegister, 10, 1234))
	s.send(1, ModbusWriteSingle(nil, 4, 1, ModbusWriteSingleRegister, 10, 1234))
	s.send(0, ModbusWriteMultiple(nil, 5, 1, 20, regs))
	s.send(1, ModbusWriteMultipleResponse(nil, 5, 1, 20, 4))
	s.send(0, ModbusDiag(nil, 6, 1, 0, 0xa5a5))
	s.send(1, ModbusDiag(nil, 6, 1, 0, 0xa5a5))
	rows := c.check(t, "modbus.func_code", "modbus.object_str_value")
	requireRow(t, rows, "43", "Schneider Electric,BMX P34 2020,v3.20,Modicon M340,BMX P34 2020")
	for _, fc := range []string{"3", "1", "6", "16", "8"} {
		requireRow(t, rows, fc)
	}
}
