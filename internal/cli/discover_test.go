package cli

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/zonewarden/zonewarden/internal/observe"
)

// The synthetic plant of the discover golden tests: frames built here around protocol
// PDUs that are either laid out by hand after the protocol specifications or copied (a
// few PDUs, as hex) from the public ICS captures (BSD-3-Clause, cisagov ICSNPP tests).
type plantHost struct {
	mac net.HardwareAddr
	ip  netip.Addr
	ttl uint8
}

func mustMAC(s string) net.HardwareAddr {
	m, err := net.ParseMAC(s)
	if err != nil {
		panic(err)
	}
	return m
}

var (
	plantPLC     = plantHost{mustMAC("00:0e:8c:11:22:33"), netip.MustParseAddr("10.10.1.10"), 30}  // S7-300
	plantModbus  = plantHost{mustMAC("00:80:f4:00:00:05"), netip.MustParseAddr("10.10.1.20"), 64}  // Modbus PLC
	plantHMI     = plantHost{mustMAC("00:0c:29:aa:bb:02"), netip.MustParseAddr("10.10.1.30"), 128} // HMI
	plantAdapter = plantHost{mustMAC("00:00:bc:00:00:07"), netip.MustParseAddr("10.10.1.40"), 64}  // 1756-ENBT
	plantEWS     = plantHost{mustMAC("00:0c:29:aa:bb:01"), netip.MustParseAddr("10.10.1.50"), 128} // engineering
	plantBACnet  = plantHost{mustMAC("00:20:4a:00:00:09"), netip.MustParseAddr("10.10.1.60"), 64}  // BACnet controller
	plantRouter  = plantHost{mustMAC("00:19:07:00:00:01"), netip.MustParseAddr("10.10.1.1"), 255}
	plantHist    = plantHost{plantRouter.mac, netip.MustParseAddr("10.20.0.5"), 127} // historian beyond the router
	plantITHost  = plantHost{plantRouter.mac, netip.MustParseAddr("10.20.0.9"), 63}
	plantBcast   = plantHost{mustMAC("ff:ff:ff:ff:ff:ff"), netip.MustParseAddr("10.10.1.255"), 0}
)

// PDUs, in hex. Modbus: laid out after the Modbus application protocol (43/14 answered
// with vendor "Acme", product code "P-1", revision "v1.2.3"). S7: the COTP connection,
// setup and SZL 0x0011/0x001C exchange and a start upload of the SNAP7 server in
// s7comm/s7ident.pcap (frames 4-13, 20-21). EtherNet/IP: the ListIdentity exchange of the
// 1756-ENBT/A in enip/enip_cip_example.pcap (frames 371-372). BACnet: an I-Am from
// bacnet/bacnet_example.pcap. DCP: hand-laid after the PROFINET DCP frame layout.
const (
	hexMBRead     = "0001 0000 0006 01 03 0000 0002"
	hexMBReadResp = "0001 0000 0007 01 03 04 0011 0022"
	hexMBWrite    = "0003 0000 000b 01 10 0010 0002 04 0001 0002"
	hexMBWriteOK  = "0003 0000 0006 01 10 0010 0002"
	hexMBIDReq    = "0002 0000 0005 01 2b 0e 01 00"
	hexMBIDResp   = "0002 0000 001b 01 2b 0e 01 01 00 00 03 00 04 41636d65 01 03 502d31 02 06 76312e322e33"

	hexS7CR      = "0300001611e00000000100c0010ac1020100c2020101"
	hexS7CC      = "0300001611d00001000100c0010ac1020100c2020101"
	hexS7Setup   = "0300001902f08032010000000000080000f0000001000101e0"
	hexS7SetupOK = "0300001b02f080320300000000000800000000f0000001000101e0"
	hexS7SZL11   = "0300002102f080320700000100000800080001120411440100ff09000400110000"
	hexS7SZL11R  = "0300009902f080320700000100000c007c000112081284010000000000ff09007800110000001c0004000136455337203331352d32454831342d304142302000c000040001000636455337203331352d32454831342d304142302000c0000400010007202020202020202020202020202020202020202000c0560302060081426f6f74204c6f61646572202020202020202020000041200909"
	hexS7SZL1C   = "0300002102f080320700000200000800080001120411440100ff090004001c0000"
	hexS7Upload  = "0300002302f080320100000600001200001d00000000000000095f3042303030303041"
	hexS7UpAck   = "0300001302f08032020000060000000000d241"

	hexListID  = "63000000000000000000000000000000c1debed100000000"
	hexListIDR = "63003300000000000000000000000000c1debed10000000001000c002d0001000002af120a0101a4000000000000000001000c003a00040330008e4d52000b313735362d454e42542f4103"
	hexIAm     = "810b00180120ffff00ff1000c4020002d12204009103210f"

	hexDCPIdentify = "fefe050000000a0100010004ffff0000"
	hexDCPResponse = "feff050100000a010000004602010009000053372d3135303000020200070000706c632d3100020300060000002a010e02040004000002000102000e0001c0a80a0affffff00c0a80a010207000400000064"
	// A spanning tree BPDU of the switch in enip/enip_cip_example.pcap (frame 5), whole.
	hexBPDUFrame = "0180c2000000001ef67359810027424203000002023c8003001ef673598000000000" +
		"8003001ef67359808001000014000200" + "0f000000000000000000"
)

// The 0x001C answer is long; it is s7ident.pcap frame 13's TCP payload.
var hexS7SZL1CR = "0300017d02f080320700000200000c0160000112081284010000000000ff09015c001c00000022000a0001534e4150372d53455256455200000000000000000000000000000000000000000002435055203331352d3220504e2f44500000000000000000" +
	"0000000000000000000003000000000000000000000000000000000000000000000000000000000000000000044f726967696e616c205369656d656e732045717569706d656e7400000000000000055320432d4332555232383932323031320000000000" +
	"00000000000000000000000007435055203331352d3220504e2f4450000000000000000000000000000000000000084d4d4320323637464631314600000000000000000000000000000000000000000009002af600000100000000000000000000000000" +
	"00000000000000000000000000000a0000000000000000000000000000000000000000000000000000000000000000000b0000000000000000000000000000000000000000000000000000000000000000"

func h(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.NewReplacer(" ", "", "\n", "").Replace(s))
	if err != nil {
		t.Fatalf("hex %.20s: %v", s, err)
	}
	return b
}

type plantWriter struct {
	t      testing.TB
	w      *pcapgo.Writer
	now    time.Time
	seq    map[string]uint32
	frames int
}

func (p *plantWriter) write(frame []byte) {
	p.t.Helper()
	p.now = p.now.Add(time.Millisecond)
	if err := p.w.WritePacket(gopacket.CaptureInfo{Timestamp: p.now, CaptureLength: len(frame), Length: len(frame)}, frame); err != nil {
		p.t.Fatal(err)
	}
	p.frames++
}

func (p *plantWriter) serialize(ls ...gopacket.SerializableLayer) []byte {
	buf := gopacket.NewSerializeBuffer()
	if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}, ls...); err != nil {
		p.t.Fatal(err)
	}
	return buf.Bytes()
}

// ip returns the layers of a packet from a to b: the link layer source is a's MAC, the
// destination b's (a router's MAC stands for hosts beyond it).
func (p *plantWriter) ip(a, b plantHost, proto layers.IPProtocol) (*layers.Ethernet, *layers.IPv4) {
	return &layers.Ethernet{SrcMAC: a.mac, DstMAC: b.mac, EthernetType: layers.EthernetTypeIPv4},
		&layers.IPv4{Version: 4, TTL: a.ttl, Protocol: proto, SrcIP: a.ip.AsSlice(), DstIP: b.ip.AsSlice()}
}

func (p *plantWriter) tcp(a, b plantHost, sport, dport int, flags string, payload []byte) {
	key := a.ip.String() + ":" + b.ip.String() + ":" + string(rune(sport))
	seq := p.seq[key]
	if seq == 0 {
		seq = 1000
	}
	eth, ip := p.ip(a, b, layers.IPProtocolTCP)
	tcp := &layers.TCP{SrcPort: layers.TCPPort(sport), DstPort: layers.TCPPort(dport), Seq: seq, Window: 8192,
		SYN: strings.Contains(flags, "S"), ACK: strings.Contains(flags, "A"), PSH: len(payload) > 0, FIN: strings.Contains(flags, "F")}
	tcp.SetNetworkLayerForChecksum(ip)
	if tcp.SYN || tcp.FIN {
		seq++
	}
	p.seq[key] = seq + uint32(len(payload))
	p.write(p.serialize(eth, ip, tcp, gopacket.Payload(payload)))
}

// conversation writes a TCP connection: handshake, the PDUs alternately from client and
// server, and the close.
func (p *plantWriter) conversation(c, s plantHost, cport, sport int, pdus ...string) {
	p.tcp(c, s, cport, sport, "S", nil)
	p.tcp(s, c, sport, cport, "SA", nil)
	for i, pdu := range pdus {
		if i%2 == 0 {
			p.tcp(c, s, cport, sport, "A", h(p.t, pdu))
		} else {
			p.tcp(s, c, sport, cport, "A", h(p.t, pdu))
		}
	}
	p.tcp(c, s, cport, sport, "FA", nil)
	p.tcp(s, c, sport, cport, "FA", nil)
}

func (p *plantWriter) udp(a, b plantHost, sport, dport int, payload []byte) {
	eth, ip := p.ip(a, b, layers.IPProtocolUDP)
	udp := &layers.UDP{SrcPort: layers.UDPPort(sport), DstPort: layers.UDPPort(dport)}
	udp.SetNetworkLayerForChecksum(ip)
	p.write(p.serialize(eth, ip, udp, gopacket.Payload(payload)))
}

// writePlant writes the synthetic plant capture to path.
func writePlant(t testing.TB, path string) {
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w := pcapgo.NewWriterNanos(f)
	if err := w.WriteFileHeader(65535, layers.LinkTypeEthernet); err != nil {
		t.Fatal(err)
	}
	p := &plantWriter{t: t, w: w, now: time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC), seq: map[string]uint32{}}
	// The router answers ARP for its address; a switch sends BPDUs.
	p.write(p.serialize(&layers.Ethernet{SrcMAC: plantRouter.mac, DstMAC: plantHMI.mac, EthernetType: layers.EthernetTypeARP},
		&layers.ARP{AddrType: layers.LinkTypeEthernet, Protocol: layers.EthernetTypeIPv4, HwAddressSize: 6, ProtAddressSize: 4,
			Operation: 2, SourceHwAddress: plantRouter.mac, SourceProtAddress: plantRouter.ip.AsSlice(),
			DstHwAddress: plantHMI.mac, DstProtAddress: plantHMI.ip.AsSlice()}))
	p.write(h(t, hexBPDUFrame))
	// The HMI polls the Modbus PLC, writes a setpoint and reads its identification.
	p.conversation(plantHMI, plantModbus, 49152, 502, hexMBRead, hexMBReadResp, hexMBRead, hexMBReadResp, hexMBWrite, hexMBWriteOK,
		hexMBIDReq, hexMBIDResp)
	// The engineering workstation reads the S7 PLC's identity and starts an upload.
	p.conversation(plantEWS, plantPLC, 49200, 102, hexS7CR, hexS7CC, hexS7Setup, hexS7SetupOK, hexS7SZL11, hexS7SZL11R, hexS7SZL1C,
		hexS7SZL1CR, hexS7Upload, hexS7UpAck)
	// A ListIdentity over TCP to the EtherNet/IP adapter.
	p.conversation(plantHMI, plantAdapter, 49153, 44818, hexListID, hexListIDR)
	// The historian, beyond the router, polls the Modbus PLC; an IT host browses the HMI.
	p.conversation(plantHist, plantModbus, 50000, 502, hexMBRead, hexMBReadResp, hexMBRead, hexMBReadResp)
	p.conversation(plantITHost, plantHMI, 50001, 443, "16030100", "16030300")
	p.conversation(plantHMI, plantHist, 49154, 5450, "00000001", "00000002")
	// The BACnet controller announces itself.
	p.udp(plantBACnet, plantBcast, 47808, 47808, h(t, hexIAm))
	// A PROFINET identify request and a device's answer.
	frame := func(dst, src net.HardwareAddr, etherType uint16, payload []byte) []byte {
		b := append(append(append([]byte{}, dst...), src...), byte(etherType>>8), byte(etherType))
		return append(b, payload...)
	}
	p.write(frame(mustMAC("01:0e:cf:00:00:00"), plantEWS.mac, 0x8892, h(t, hexDCPIdentify)))
	p.write(frame(plantEWS.mac, mustMAC("00:08:dc:00:00:02"), 0x8892, h(t, hexDCPResponse)))
}

// packageDir is where the tests start, so they can come back to testdata/.
var packageDir, _ = os.Getwd()

// discoverPlant runs discover on the synthetic plant, named plant.pcap in the working
// directory (a temporary one) so outputs do not depend on where the test runs.
func discoverPlant(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	t.Chdir(t.TempDir())
	writePlant(t, "plant.pcap")
	code, out, errOut := run(t, append([]string{"discover", "plant.pcap"}, args...)...)
	t.Chdir(packageDir)
	return code, out, errOut
}

func TestDiscoverGolden(t *testing.T) {
	for _, f := range []string{"table", "json", "csv", "cyclonedx", "html"} {
		t.Run(f, func(t *testing.T) {
			code, out, errOut := discoverPlant(t, "-f", f, "--workers", "1")
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			golden(t, "discover/plant."+f, out)
		})
	}
}

// compileSchema compiles a JSON schema file, with the other schema files of its
// directory as resources it may refer to.
func compileSchema(t *testing.T, path string) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	files, _ := filepath.Glob(filepath.Join(filepath.Dir(path), "*.json"))
	for _, fn := range files {
		f, err := os.Open(fn)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := jsonschema.UnmarshalJSON(f)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", fn, err)
		}
		if err := c.AddResource(filepath.Base(fn), doc); err != nil {
			t.Fatal(err)
		}
		// Schemas refer to each other by file name or by their $id.
		if m, ok := doc.(map[string]any); ok {
			if id, ok := m["$id"].(string); ok {
				c.AddResource(id, doc)
			}
		}
	}
	s, err := c.Compile(filepath.Base(path))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return s
}

func validateJSON(t *testing.T, s *jsonschema.Schema, out string) {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Validate(doc); err != nil {
		t.Errorf("output does not follow the schema: %v", err)
	}
}

// TestDiscoverJSONSchema checks the JSON output against docs/schemas/inventory.schema.json,
// for the synthetic plant and for every public capture.
func TestDiscoverJSONSchema(t *testing.T) {
	schema := compileSchema(t, filepath.Join(packageDir, "..", "..", "docs", "schemas", "inventory.schema.json"))
	code, out, errOut := discoverPlant(t, "-f", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	validateJSON(t, schema, out)
	dir := os.Getenv("ZONEWARDEN_CAPTURES")
	if dir == "" {
		t.Skip("ZONEWARDEN_CAPTURES is unset; public captures not checked")
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*", "*.pcap*"))
	code, out, errOut = run(t, append([]string{"discover", "-f", "json"}, files...)...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	validateJSON(t, schema, out)
}

// cyclonedxSchema compiles the CycloneDX 1.6 JSON schema shipped with cyclonedx-go, or
// skips when the module's files cannot be found.
func cyclonedxSchema(t *testing.T) *jsonschema.Schema {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/CycloneDX/cyclonedx-go").Output()
	dir := strings.TrimSpace(string(out))
	if err != nil || dir == "" {
		t.Skip("cyclonedx-go module directory not found; CycloneDX schema not checked")
	}
	return compileSchema(t, filepath.Join(dir, "schema", "bom-1.6.schema.json"))
}

func TestDiscoverCycloneDX(t *testing.T) {
	code, out, errOut := discoverPlant(t, "-f", "cyclonedx")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var bom struct {
		BOMFormat   string `json:"bomFormat"`
		SpecVersion string `json:"specVersion"`
		Components  []struct {
			Type         string `json:"type"`
			Name         string `json:"name"`
			Manufacturer *struct {
				Name string `json:"name"`
			} `json:"manufacturer"`
			Components []struct {
				Type    string `json:"type"`
				Version string `json:"version"`
			} `json:"components"`
		} `json:"components"`
	}
	if err := json.Unmarshal([]byte(out), &bom); err != nil {
		t.Fatal(err)
	}
	if bom.BOMFormat != "CycloneDX" || bom.SpecVersion != "1.6" {
		t.Errorf("bomFormat %q specVersion %q", bom.BOMFormat, bom.SpecVersion)
	}
	firmware := map[string]string{}
	for _, c := range bom.Components {
		for _, sub := range c.Components {
			if sub.Type == "firmware" {
				firmware[c.Name] = sub.Version
			}
		}
	}
	for name, fw := range map[string]string{"SNAP7-SERVER": "V3.2.6", "1756-ENBT/A": "4.3", "10.10.1.20": "v1.2.3"} {
		if firmware[name] != fw {
			t.Errorf("firmware of %s: %q, want %q (all: %v)", name, firmware[name], fw, firmware)
		}
	}
	validateJSON(t, cyclonedxSchema(t), out)
}

func TestDiscoverBadInput(t *testing.T) {
	t.Chdir(t.TempDir())
	writePlant(t, "plant.pcap")
	os.WriteFile("notes.txt", []byte("not a capture\n"), 0o644)
	raw, _ := os.ReadFile("plant.pcap")
	os.WriteFile("cut.pcap", raw[:len(raw)-7], 0o644)
	code, out, errOut := run(t, "discover", "notes.txt", "plant.pcap", "cut.pcap", "-f", "json", "-o", "inv.json")
	if code != ExitUsage {
		t.Errorf("exit %d, want %d", code, ExitUsage)
	}
	if !strings.Contains(errOut, "notes.txt") || !strings.Contains(errOut, "not a pcap or pcapng capture") || !strings.Contains(errOut, "1 of 3 files") {
		t.Errorf("stderr does not name the file that is not a capture:\n%s", errOut)
	}
	if out != "" {
		t.Errorf("stdout %q with -o", out)
	}
	var inv struct {
		Assets  []json.RawMessage `json:"assets"`
		Sources []struct {
			File     string `json:"file"`
			Complete bool   `json:"complete"`
			Error    string `json:"error"`
		} `json:"sources"`
	}
	b, err := os.ReadFile("inv.json")
	if err != nil {
		t.Fatalf("the inventory of the readable files was not written: %v", err)
	}
	if err := json.Unmarshal(b, &inv); err != nil {
		t.Fatal(err)
	}
	if len(inv.Assets) < 8 || len(inv.Sources) != 3 {
		t.Fatalf("%d assets, sources %+v", len(inv.Assets), inv.Sources)
	}
	status := map[string]bool{}
	for _, s := range inv.Sources {
		status[s.File] = s.Complete
	}
	if status["notes.txt"] || !status["plant.pcap"] || status["cut.pcap"] {
		t.Errorf("source status %v", status)
	}

	for _, c := range []struct {
		args []string
		msg  string
	}{
		{[]string{"discover"}, "give the capture files"},
		{[]string{"discover", "plant.pcap", "-f", "xml"}, "unknown format"},
		{[]string{"discover", "plant.pcap", "--iface", "eth0"}, "not both"},
		{[]string{"discover", "plant.pcap", "--filter", "port 22"}, "apply to live capture"},
		{[]string{"discover", "--iface", "lo", "--filter", "port ssh"}, "port number"},
		{[]string{"discover", "missing.pcap"}, "missing.pcap"},
	} {
		code, _, errOut := run(t, c.args...)
		if code != ExitUsage || !strings.Contains(errOut, c.msg) {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 and %q", c.args, code, errOut, c.msg)
		}
	}
}

// TestDiscoverWorkersAgree: one worker, several, and files read in parallel give the
// same inventory.
func TestDiscoverWorkersAgree(t *testing.T) {
	t.Chdir(t.TempDir())
	writePlant(t, "plant.pcap")
	writePlant(t, "plant2.pcap")
	var outs []string
	for _, w := range []string{"1", "2", "4"} {
		code, out, errOut := run(t, "discover", "plant.pcap", "plant2.pcap", "-f", "json", "--workers", w)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		outs = append(outs, out)
	}
	for i := 1; i < len(outs); i++ {
		if outs[i] != outs[0] {
			t.Errorf("workers %d differ from 1 worker", []int{1, 2, 4}[i])
		}
	}
	_ = bytes.MinRead
}

func TestProgressBar(t *testing.T) {
	var buf syncBuffer
	prog := &observe.Progress{}
	stop := startProgress(&buf, true, 1000, prog)
	prog.Bytes.Store(500)
	prog.Packets.Store(20000)
	// The bar redraws every 250 ms and shows the bytes of the redraw before: wait for
	// it (a loaded machine may take a while), not for a fixed time.
	complete := func(out string) bool {
		return strings.Contains(out, "20k packets") && strings.Contains(out, "packets/s") && strings.Contains(out, "50%")
	}
	for deadline := time.Now().Add(10 * time.Second); !complete(buf.String()) && time.Now().Before(deadline); {
		time.Sleep(50 * time.Millisecond)
	}
	stop()
	if out := buf.String(); !complete(out) {
		t.Errorf("progress bar %q", out)
	}
	var quiet syncBuffer
	startProgress(&quiet, false, 1000, prog)()
	if out := quiet.String(); out != "" {
		t.Errorf("progress shown when not asked: %q", out)
	}
}

// syncBuffer is a bytes.Buffer that a test may read while another goroutine writes it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// A capture piped in ("tcpdump -w - | zonewarden discover -") gives the inventory the
// file gives; standard input named twice is a usage error.
func TestDiscoverStdin(t *testing.T) {
	t.Chdir(t.TempDir())
	writePlant(t, "plant.pcap")
	code, fromFile, errOut := run(t, "discover", "-f", "csv", "plant.pcap")
	if code != 0 {
		t.Fatalf("file: exit %d: %s", code, errOut)
	}
	f, err := os.Open("plant.pcap")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out, stderr bytes.Buffer
	if code := Run(context.Background(), []string{"discover", "-f", "csv", "-"}, f, &out, &stderr); code != 0 {
		t.Fatalf("stdin: exit %d: %s", code, stderr.String())
	}
	if out.String() != fromFile {
		t.Errorf("stdin inventory differs from the file's:\n%s\n---\n%s", out.String(), fromFile)
	}
	code, _, errOut = run(t, "discover", "-", "-")
	if code != 2 || !strings.Contains(errOut, "standard input") {
		t.Errorf("- -: exit %d: %s", code, errOut)
	}
}
