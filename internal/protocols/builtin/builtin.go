package builtin

// The built-in protocols, one line each. Their order is not their registration order:
// Go initialises packages by import path, a package after those it imports (MMS after
// S7comm, whose framing it shares).
import (
	_ "github.com/zonewarden/zonewarden/internal/protocols/ads" // Beckhoff ADS/AMS
	_ "github.com/zonewarden/zonewarden/internal/protocols/bacnet"
	_ "github.com/zonewarden/zonewarden/internal/protocols/c37118" // IEEE C37.118 synchrophasors
	_ "github.com/zonewarden/zonewarden/internal/protocols/cdp"
	_ "github.com/zonewarden/zonewarden/internal/protocols/dhcp"
	_ "github.com/zonewarden/zonewarden/internal/protocols/dnp3"
	_ "github.com/zonewarden/zonewarden/internal/protocols/dns" // DNS, mDNS, LLMNR, NetBIOS name service
	_ "github.com/zonewarden/zonewarden/internal/protocols/enip"
	_ "github.com/zonewarden/zonewarden/internal/protocols/fins" // Omron FINS
	_ "github.com/zonewarden/zonewarden/internal/protocols/fox"  // Niagara Fox
	_ "github.com/zonewarden/zonewarden/internal/protocols/goose"
	_ "github.com/zonewarden/zonewarden/internal/protocols/hartip" // HART-IP
	_ "github.com/zonewarden/zonewarden/internal/protocols/http"   // HTTP and SSDP
	_ "github.com/zonewarden/zonewarden/internal/protocols/iec104"
	_ "github.com/zonewarden/zonewarden/internal/protocols/lldp"
	_ "github.com/zonewarden/zonewarden/internal/protocols/melsec" // Mitsubishi MELSEC: MC protocol/SLMP, MELSOFT
	_ "github.com/zonewarden/zonewarden/internal/protocols/mms"
	_ "github.com/zonewarden/zonewarden/internal/protocols/modbus"
	_ "github.com/zonewarden/zonewarden/internal/protocols/opcua"
	_ "github.com/zonewarden/zonewarden/internal/protocols/profinet"
	_ "github.com/zonewarden/zonewarden/internal/protocols/s7comm"
	_ "github.com/zonewarden/zonewarden/internal/protocols/snmp"
	_ "github.com/zonewarden/zonewarden/internal/protocols/sshid"
	_ "github.com/zonewarden/zonewarden/internal/protocols/stp"
	_ "github.com/zonewarden/zonewarden/internal/protocols/tlsid"
)
