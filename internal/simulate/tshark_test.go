package simulate

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/zonewarden/zonewarden/internal/simulate/pcapw"
)

// frameFields are the tshark fields the validity test reads from every frame.
var frameFields = []string{
	"frame.number", "frame.protocols",
	"enip.lir.serial", "enip.lir.name", "enip.lir.vendor", "cip.id.serial_number", "cip.service", "cip.class", "enip.command",
	"modbus.object_str_value", "modbus.func_code",
	"s7comm.szl.xy11.0001.anz", "s7comm.szl.001c.0005.serialn", "s7comm.szl.001c.0002.name", "s7comm.param.func", "s7comm.param.pistart.servicename",
	"bacapp.vendor_identifier", "bacapp.instance_number",
	"pn_dcp.suboption_device_nameofstation", "pn_dcp.suboption_vendor_id", "pn_dcp.suboption_device_id", "pn_dcp.service_id",
	"lldp.tlv.system.name", "cdp.deviceid", "cdp.platform", "dhcp.option.hostname", "dhcp.option.vendor_class_id",
	"opcua.ApplicationUri", "ssh.protocol", "mms.vendorName", "mms.modelName", "mms.revision",
	"dnp3.al.func", "iec60870_asdu.typeid", "tcp.flags.syn", "tcp.flags.ack", "tcp.flags.reset", "frame.comment",
}

type frame map[string]string

// tsharkFrames reads the capture's frames with tshark, one map of field values each.
func tsharkFrames(t *testing.T, path string) []frame {
	t.Helper()
	args := []string{"-r", path, "-T", "fields", "-E", "separator=\t", "-E", "occurrence=a", "-E", "aggregator=|"}
	for _, f := range frameFields {
		args = append(args, "-e", f)
	}
	out := tshark(t, args...)
	var frames []frame
	for _, line := range strings.Split(strings.TrimRight(out, "\n"), "\n") {
		cols := strings.Split(line, "\t")
		fr := frame{}
		for i, f := range frameFields {
			if i < len(cols) && cols[i] != "" {
				fr[f] = cols[i]
			}
		}
		frames = append(frames, fr)
	}
	return frames
}

func tshark(t *testing.T, args ...string) string {
	t.Helper()
	cmd := exec.Command("tshark", args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("tshark %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return string(out)
}

// TestTsharkValidity simulates both example plants and the test plant in both scenarios
// and holds the captures against tshark: no malformed packet, no expert error (and no
// warning but the resets of the port scan), no TCP anomaly, the identities the truth
// lists where tshark reads them, and the injected operations in the frames the truth
// names.
func TestTsharkValidity(t *testing.T) {
	if !haveTshark() {
		t.Skip("tshark not installed")
	}
	dir := t.TempDir()
	for name, path := range plants {
		for _, sc := range []Scenario{Normal, Attack} {
			format := pcapw.PcapNG
			if name == "substation" {
				format = pcapw.Pcap
			}
			t.Run(name+"/"+sc.String(), func(t *testing.T) {
				data, tr := run(t, load(t, path), Options{Seed: 11, Scenario: sc, Duration: 8 * time.Second, Format: format})
				file := filepath.Join(dir, fmt.Sprintf("%s-%s.%s", name, sc, format))
				if err := os.WriteFile(file, data, 0o644); err != nil {
					t.Fatal(err)
				}
				bad := tshark(t, "-r", file, "-Y",
					`_ws.malformed || _ws.expert.severity >= "Error" || (_ws.expert.severity >= "Warning" && !tcp.flags.reset) || tcp.analysis.retransmission || tcp.analysis.lost_segment || tcp.analysis.ack_lost_segment || tcp.analysis.out_of_order || tcp.analysis.duplicate_ack || tcp.analysis.window_full || tcp.analysis.zero_window || tcp.checksum.status == 0`,
					"-o", "tcp.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE", "-o", "ip.check_checksum:TRUE",
					"-T", "fields", "-e", "frame.number", "-e", "_ws.col.Protocol", "-e", "_ws.expert.message", "-e", "_ws.col.Info")
				if strings.TrimSpace(bad) != "" {
					t.Errorf("tshark objects to frames:\n%.3000s", bad)
				}
				frames := tsharkFrames(t, file)
				if uint64(len(frames)) != tr.Packets {
					t.Fatalf("tshark reads %d frames, the truth says %d", len(frames), tr.Packets)
				}
				checkIdentities(t, tr, frames)
				checkEvents(t, tr, frames, format == pcapw.PcapNG)
				if sc == Attack && len(tr.Events) == 0 {
					t.Error("the attack scenario injected nothing")
				}
			})
		}
	}
}

// seen reports whether some frame's field holds want (one of its |-joined values;
// fixed-width fields such as S7 order numbers are padded with spaces).
func seen(frames []frame, field, want string) bool {
	for _, f := range frames {
		for _, v := range strings.Split(f[field], "|") {
			if strings.TrimSpace(v) == want {
				return true
			}
		}
	}
	return false
}

func checkIdentities(t *testing.T, tr *Truth, frames []frame) {
	t.Helper()
	expect := func(asset, field, want string) {
		if !seen(frames, field, want) {
			t.Errorf("%s: the truth lists %s = %q, tshark never shows it", asset, field, want)
		}
	}
	for _, a := range tr.Assets {
		for _, id := range a.Identities {
			switch id.Protocol {
			case "enip":
				expect(a.ID, "enip.lir.serial", id.Serial)
				expect(a.ID, "enip.lir.name", id.ProductName)
				expect(a.ID, "enip.lir.vendor", fmt.Sprintf("0x%04x", *id.VendorID))
			case "modbus":
				expect(a.ID, "modbus.object_str_value", id.Vendor)
				expect(a.ID, "modbus.object_str_value", id.ProductName)
				expect(a.ID, "modbus.object_str_value", id.Revision)
			case "s7comm":
				expect(a.ID, "s7comm.szl.xy11.0001.anz", id.OrderNumber)
				expect(a.ID, "s7comm.szl.001c.0005.serialn", id.Serial)
				expect(a.ID, "s7comm.szl.001c.0002.name", id.ModuleName)
			case "bacnet":
				expect(a.ID, "bacapp.instance_number", strconv.Itoa(*id.DeviceInstance))
				expect(a.ID, "bacapp.vendor_identifier", strconv.Itoa(*id.VendorID))
			case "profinet_dcp":
				expect(a.ID, "pn_dcp.suboption_device_nameofstation", id.StationName)
				expect(a.ID, "pn_dcp.suboption_vendor_id", fmt.Sprintf("0x%04x", *id.VendorID))
				expect(a.ID, "pn_dcp.suboption_device_id", fmt.Sprintf("0x%04x", *id.DeviceID))
			case "lldp":
				expect(a.ID, "lldp.tlv.system.name", id.SystemName)
			case "cdp":
				expect(a.ID, "cdp.deviceid", id.SystemName)
				expect(a.ID, "cdp.platform", id.Platform)
			case "dhcp":
				expect(a.ID, "dhcp.option.hostname", id.Hostname)
				expect(a.ID, "dhcp.option.vendor_class_id", id.VendorClass)
			case "opcua":
				expect(a.ID, "opcua.ApplicationUri", id.ApplicationURI)
			case "ssh":
				expect(a.ID, "ssh.protocol", id.Banner)
			case "iec61850_mms":
				expect(a.ID, "mms.vendorName", id.Vendor)
				expect(a.ID, "mms.modelName", id.ModelName)
				expect(a.ID, "mms.revision", id.Revision)
			}
		}
	}
}

// eventFilters say what tshark must see in an event's key frames.
var eventFilters = map[string]func(frame) bool{
	"unknown_device": func(f frame) bool {
		return strings.Contains(f["frame.protocols"], "dhcp") || strings.Contains(f["frame.protocols"], "arp")
	},
	"port_scan":          func(f frame) bool { return f["tcp.flags.syn"] == "1" && f["tcp.flags.ack"] == "0" },
	"listidentity_sweep": func(f frame) bool { return f["enip.command"] == "0x0063" },
	"enterprise_modbus":  func(f frame) bool { return f["modbus.func_code"] != "" },
	"unauthorized_write": func(f frame) bool {
		return has(f["modbus.func_code"], "6", "16") || strings.Contains(f["cip.service"], "0x4d") || strings.Contains(f["cip.service"], "0xcd")
	},
	"s7_cpu_stop":               func(f frame) bool { return f["s7comm.param.func"] == "0x29" },
	"s7_program_download":       func(f frame) bool { return has(f["s7comm.param.func"], "0x1a", "0x1b", "0x1c", "0x28") },
	"cip_program_download":      func(f frame) bool { return has(f["cip.service"], "0x4c", "0xcc", "0x50", "0xd0") },
	"cip_reset":                 func(f frame) bool { return has(f["cip.service"], "0x05", "0x85") },
	"dnp3_cold_restart":         func(f frame) bool { return has(f["dnp3.al.func"], "13", "129") },
	"iec104_unexpected_command": func(f frame) bool { return f["iec60870_asdu.typeid"] == "45" },
	"dcp_set_ip":                func(f frame) bool { return f["pn_dcp.service_id"] == "4" },
}

func has(v string, want ...string) bool {
	for _, x := range strings.Split(v, "|") {
		for _, w := range want {
			if x == w {
				return true
			}
		}
	}
	return false
}

func checkEvents(t *testing.T, tr *Truth, frames []frame, comments bool) {
	t.Helper()
	for _, e := range tr.Events {
		ok := eventFilters[e.Kind]
		if ok == nil {
			t.Errorf("event %d: no check for kind %s", e.ID, e.Kind)
			continue
		}
		if len(e.KeyPackets) == 0 {
			t.Errorf("event %d (%s): no key frames", e.ID, e.Kind)
		}
		for _, n := range e.KeyPackets {
			f := frames[n-1]
			if !ok(f) {
				t.Errorf("event %d (%s): tshark does not see the operation in frame %d: %v", e.ID, e.Kind, n, f)
			}
			if comments && !strings.Contains(f["frame.comment"], e.Kind) {
				t.Errorf("event %d (%s): frame %d has no comment naming it", e.ID, e.Kind, n)
			}
		}
	}
}
