package encode

import (
	"encoding/hex"
	"testing"
)

func TestTLSTshark(t *testing.T) {
	var c capture
	f := NewFiller(4)
	s := c.tcp(49800, 443)
	s.send(0, TLSClientHello(nil, "historian.riverside.local", []string{"h2", "http/1.1"}, &f))
	s.send(1, TLSServerHello(nil, 3500, &f))
	s.send(0, TLSAppData(TLSClientFinished(nil, &f), 420, &f))
	s.send(1, TLSAppData(nil, 20000, &f))
	rows := c.check(t, "tls.handshake.extensions_server_name", "tls.handshake.type", "tls.handshake.extensions.supported_version")
	requireRow(t, rows, "historian.riverside.local")
	requireRow(t, rows, "2", "0x0304")
}

func TestSSHTshark(t *testing.T) {
	var c capture
	f := NewFiller(5)
	s := c.tcp(49801, 22)
	s.send(1, SSHBanner(nil, "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3"))
	s.send(0, SSHBanner(nil, "SSH-2.0-PuTTY_Release_0.81"))
	s.send(1, SSHKexInit(nil, &f))
	s.send(0, SSHKexInit(nil, &f))
	s.send(0, SSHKexECDHInit(nil, &f))
	s.send(1, SSHNewKeys(SSHKexECDHReply(nil, &f), &f))
	s.send(0, SSHNewKeys(nil, &f))
	s.send(0, SSHEncrypted(nil, 60, &f))
	s.send(1, SSHEncrypted(nil, 300, &f))
	rows := c.check(t, "ssh.protocol", "ssh.message_code")
	requireRow(t, rows, "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3")
	requireRow(t, rows, "31")
}

func TestSMBTshark(t *testing.T) {
	var c capture
	f := NewFiller(6)
	s := c.tcp(49802, 445)
	s.send(0, SMB2NegotiateRequest(nil, 0, &f))
	s.send(1, SMB2NegotiateResponse(nil, 0, FileTime(1_772_438_400_000_000_000), &f))
	rows := c.check(t, "smb2.cmd", "smb2.dialect")
	requireRow(t, rows, "0x0302")
}

func TestRDPTshark(t *testing.T) {
	var c capture
	f := NewFiller(7)
	s := c.tcp(49803, 3389)
	s.send(0, RDPConnectionRequest(nil, "operator"))
	s.send(1, RDPConnectionConfirm(nil, 0x1234))
	s.send(0, TLSClientHello(nil, "", nil, &f))
	s.send(1, TLSServerHello(nil, 1800, &f))
	s.send(0, TLSAppData(TLSClientFinished(nil, &f), 300, &f))
	s.send(1, TLSAppData(nil, 900, &f))
	rows := c.check(t, "rdp.rt_cookie", "rdp.negReq.requestedProtocols", "tls.handshake.type")
	requireRow(t, rows, "mstshash=operator")
}

func TestLDAPTshark(t *testing.T) {
	var c capture
	s := c.tcp(49804, 389)
	attrs := []string{"defaultNamingContext", "dnsHostName", "supportedLDAPVersion"}
	long := "DC=ot,DC=riverside,DC=local" + string(make([]byte, 0))
	for len(long) < 140 {
		long += ",OU=Operations"
	}
	s.send(0, LDAPSearchRootDSE(nil, 1, attrs))
	s.send(1, LDAPSearchEntry(nil, 1, attrs, []string{long, "ops-dc.ot.riverside.local", "3"}))
	s.send(0, LDAPUnbind(nil, 2))
	rows := c.check(t, "ldap.protocolOp", "ldap.type", "ldap.AttributeValue")
	requireRow(t, rows, "defaultNamingContext")
	requireRow(t, rows, hex.EncodeToString([]byte("ops-dc.ot.riverside.local"))) // tshark shows values as bytes
}

func TestIKETshark(t *testing.T) {
	var c capture
	f := NewFiller(8)
	c.udp(0, 500, 500, IKESAInitMessage(nil, 0x1122334455667788, 0, false, &f))
	c.udp(1, 500, 500, IKESAInitMessage(nil, 0x1122334455667788, 0x99aabbccddeeff00, true, &f))
	c.udp(0, 4500, 4500, IKEAuthMessage(nil, 0x1122334455667788, 0x99aabbccddeeff00, false, 300, &f))
	c.udp(1, 4500, 4500, IKEAuthMessage(nil, 0x1122334455667788, 0x99aabbccddeeff00, true, 250, &f))
	c.udp(0, 4500, 4500, ESP(nil, 0xc0ffee01, 1, 120, &f))
	c.udp(1, 4500, 4500, ESP(nil, 0xc0ffee02, 1, 900, &f))
	rows := c.check(t, "isakmp.exchangetype", "isakmp.typepayload", "esp.spi")
	requireRow(t, rows, "34")
	requireRow(t, rows, "0xc0ffee01")
}
