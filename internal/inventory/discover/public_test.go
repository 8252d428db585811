package discover_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/zonewarden/zonewarden/internal/inventory"
	"github.com/zonewarden/zonewarden/internal/inventory/discover"
	"github.com/zonewarden/zonewarden/internal/testutil"
)

// These tests hold the inventory of the public ICS captures against two independent
// references: the logs Zeek with the CISA ICSNPP parsers wrote for them (zeek-baseline/),
// and tshark's dissection of the same packets.

func discoverCaptures(t *testing.T, rels ...string) *inventory.Inventory {
	t.Helper()
	var paths []string
	for _, rel := range rels {
		paths = append(paths, testutil.Path(t, rel))
	}
	inv, errs := discover.FromFiles(context.Background(), paths, discover.Options{})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	return inv
}

func zeekLog(t *testing.T, rel string, fields ...string) []map[string]string {
	t.Helper()
	rows := testutil.ZeekLog(t, filepath.Join(testutil.Dir(t), rel))
	if len(fields) > 0 && (len(rows) == 0 || len(rows[0]) == 0) {
		// Some baselines have no #fields header: read the data lines with the given names.
		rows = headerless(t, rel, fields)
	}
	if len(rows) == 0 {
		t.Fatalf("%s: no rows", rel)
	}
	return rows
}

func headerless(t *testing.T, rel string, fields []string) []map[string]string {
	var rows []map[string]string
	data := readFile(t, filepath.Join(testutil.Dir(t), rel))
	for _, line := range strings.Split(data, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		vals := strings.Split(line, "\t")
		row := map[string]string{}
		for i, f := range fields {
			if i < len(vals) {
				row[f] = vals[i]
			}
		}
		rows = append(rows, row)
	}
	return rows
}

// assetOf returns the asset holding ip.
func assetOf(t *testing.T, inv *inventory.Inventory, ip string) *inventory.Asset {
	t.Helper()
	for i := range inv.Assets {
		for _, x := range inv.Assets[i].IPs {
			if x.Address == ip {
				return &inv.Assets[i]
			}
		}
	}
	t.Fatalf("no asset holds %s", ip)
	return nil
}

// hasFact reports whether a holds field=value from protocol.
func hasFact(a *inventory.Asset, protocol, field, value string) bool {
	return slices.ContainsFunc(a.Facts, func(f inventory.Fact) bool {
		return f.Protocol == protocol && f.Field == field && f.Value == value
	})
}

func wantFact(t *testing.T, a *inventory.Asset, protocol, field, value string) {
	t.Helper()
	if !hasFact(a, protocol, field, value) {
		var have []string
		for _, f := range a.Facts {
			have = append(have, f.Protocol+" "+f.Field+"="+f.Value)
		}
		t.Errorf("%s (%s): no %s fact %s=%q; has %q", a.ID, a.Name, protocol, field, value, have)
	}
}

// cipIdentityFields names the columns of cip_identity.log, whose baseline has no header.
var cipIdentityFields = []string{"ts", "uid", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "is_orig", "source_h",
	"source_p", "destination_h", "destination_p", "encapsulation_version", "socket_address", "socket_port", "vendor_id",
	"vendor_name", "device_type_id", "device_type_name", "product_code", "revision", "device_status", "serial_number",
	"product_name", "device_state"}

func TestZeekIdentitiesENIP(t *testing.T) {
	inv := discoverCaptures(t, "enip/enip_cip_example.pcap", "enip/multiple_service_packet_cip.pcapng", "enip/set_attribute_single_service_cip.pcapng")
	for _, r := range zeekLog(t, "enip/zeek-baseline/cip_identity.log", cipIdentityFields...) {
		a := assetOf(t, inv, r["source_h"])
		wantFact(t, a, "enip", "vendor_id", r["vendor_id"])
		wantFact(t, a, "enip", "vendor", r["vendor_name"])
		wantFact(t, a, "enip", "device_type", r["device_type_name"])
		wantFact(t, a, "enip", "product_code", r["product_code"])
		wantFact(t, a, "enip", "firmware_version", r["revision"])
		wantFact(t, a, "enip", "serial_number", r["serial_number"])
		wantFact(t, a, "enip", "product_name", r["product_name"])
		if a.Identity["product_name"] != "1756-ENBT/A" || a.Identity["serial_number"] != "0x00524d8e" || a.Identity["firmware_version"] != "4.3" {
			t.Errorf("summary identity %v", a.Identity)
		}
	}
}

func TestZeekIdentitiesS7(t *testing.T) {
	inv := discoverCaptures(t, "s7comm/s7ident.pcap")
	rows := zeekLog(t, "s7comm/zeek-baseline/s7ident.s7comm_known_devices.log")
	for _, r := range rows {
		a := assetOf(t, inv, r["id.resp_h"])
		for zeekField, field := range map[string]string{"automation_system_name": "name", "module_name": "module_name",
			"plant_name": "plant_id", "module_serial": "serial_number"} {
			if v := r[zeekField]; v != "(empty)" && v != "-" {
				wantFact(t, a, "s7comm", field, v)
			}
		}
	}
	a := assetOf(t, inv, "172.17.0.2")
	if a.Identity["name"] != "SNAP7-SERVER" || a.Identity["model"] != "CPU 315-2 PN/DP" || a.Identity["serial_number"] != "S C-C2UR28922012" {
		t.Errorf("summary identity %v", a.Identity)
	}
}

func TestZeekIdentitiesBACnet(t *testing.T) {
	inv := discoverCaptures(t, "bacnet/bacnet_example.pcap", "bacnet/bacnet_error_reject_abort.pcap", "bacnet/bacnet_segmented_data.pcap")
	devices := 0
	for _, r := range zeekLog(t, "bacnet/zeek-baseline/bacnet_discovery.log") {
		if r["pdu_service"] != "i-am" {
			continue
		}
		devices++
		a := assetOf(t, inv, r["source_h"])
		wantFact(t, a, "bacnet", "device_instance", r["instance_number"])
		// The vendor tables differ in punctuation ("Pty. Ltd." and "Pty., Ltd."): Zeek's
		// and Wireshark's copies of the ASHRAE list. The names must agree otherwise.
		if !slices.ContainsFunc(a.Facts, func(f inventory.Fact) bool {
			return f.Protocol == "bacnet" && f.Field == "vendor" && vendorKey(f.Value) == vendorKey(r["vendor"])
		}) {
			t.Errorf("%s: no bacnet vendor like %q in %v", a.ID, r["vendor"], a.Identity)
		}
	}
	if devices == 0 {
		t.Fatal("no i-am rows")
	}
}

func TestZeekIdentitiesModbus(t *testing.T) {
	inv := discoverCaptures(t, "modbus/modbus_example.pcap")
	// The 43/14 answer of the capture (Zeek's modbus_detailed.log keeps its objects only
	// as a link; tshark names them, see TestTsharkIdentities).
	a := assetOf(t, inv, "127.0.0.1")
	wantFact(t, a, "modbus", "vendor", "Zeek Modbus Test")
	wantFact(t, a, "modbus", "product_code", "Protocol Parsing is fun!")
	wantFact(t, a, "modbus", "firmware_version", "1.2.3.6")
}

func vendorKey(s string) string {
	return strings.ToLower(strings.NewReplacer(",", "", ".", "", " ", "").Replace(s))
}

// connLogs maps each conn.log baseline to its captures: "snap7.conn.log" belongs to
// snap7.pcap, a plain conn.log to every capture of its folder.
func connLogs(t *testing.T) map[string][]string {
	dir := testutil.Dir(t)
	logs, _ := filepath.Glob(filepath.Join(dir, "*", "zeek-baseline", "*conn.log"))
	if len(logs) == 0 {
		t.Fatal("no conn.log baselines")
	}
	out := map[string][]string{}
	for _, log := range logs {
		folder := filepath.Dir(filepath.Dir(log))
		var files []string
		if prefix, ok := strings.CutSuffix(filepath.Base(log), ".conn.log"); ok {
			files, _ = filepath.Glob(filepath.Join(folder, prefix+".pcap*"))
		} else {
			files, _ = filepath.Glob(filepath.Join(folder, "*.pcap*"))
		}
		rel, _ := filepath.Rel(dir, log)
		for _, f := range files {
			r, _ := filepath.Rel(dir, f)
			out[rel] = append(out[rel], r)
		}
	}
	return out
}

// zeekService maps Zeek's service names to the inventory's protocols.
var zeekService = map[string]string{"modbus": "modbus", "enip": "enip", "cip": "enip", "dnp3_tcp": "dnp3", "bacnet": "bacnet",
	"cotp,s7comm": "s7comm", "cotp,s7comm-plus": "s7comm"}

// TestZeekConversations: every host of each conn.log is an asset (or, for broadcast
// addresses, a flow end), every conversation is among the inventory's flows with the
// same client and server, Zeek's packet counts add up to the flow's, and where Zeek named
// the service the inventory names the same protocol.
func TestZeekConversations(t *testing.T) {
	for log, files := range connLogs(t) {
		t.Run(log, func(t *testing.T) {
			type key struct{ client, server, proto, port string }
			type sums struct{ orig, resp uint64 }
			want := map[key]*sums{}
			service := map[key]string{}
			hosts := map[string]bool{}
			for _, r := range zeekLog(t, log) {
				k := key{r["id.orig_h"], r["id.resp_h"], r["proto"], r["id.resp_p"]}
				s := want[k]
				if s == nil {
					s = &sums{}
					want[k] = s
				}
				o, _ := strconv.ParseUint(r["orig_pkts"], 10, 64)
				p, _ := strconv.ParseUint(r["resp_pkts"], 10, 64)
				s.orig += o
				s.resp += p
				if r["service"] != "-" {
					service[k] = r["service"]
				}
				hosts[r["id.orig_h"]], hosts[r["id.resp_h"]] = true, true
			}
			// A plain conn.log may cover some of its folder's captures only: each
			// conversation's counts must match those of one capture or of all of them.
			all := discoverCaptures(t, files...)
			invs := []*inventory.Inventory{all}
			for _, f := range files {
				invs = append(invs, discoverCaptures(t, f))
			}
			for k, s := range want {
				var counts []string
				matched := false
				for _, inv := range invs {
					for _, f := range inv.Flows {
						if (key{f.Client.IP, f.Server.IP, f.Transport, strconv.Itoa(f.ServerPort)}) != k {
							continue
						}
						counts = append(counts, fmt.Sprintf("%d/%d", f.ToServer.Packets, f.ToClient.Packets))
						matched = matched || f.ToServer.Packets == s.orig && f.ToClient.Packets == s.resp
						if svc, ok := service[k]; ok && zeekService[svc] != f.Protocol {
							t.Errorf("%v: protocol %s, zeek service %s", k, f.Protocol, svc)
						}
					}
				}
				switch {
				case counts == nil:
					t.Errorf("conversation %v of %s not among the flows", k, log)
				case !matched:
					t.Errorf("%v: packets %v, zeek %d/%d", k, counts, s.orig, s.resp)
				}
			}
			for h := range hosts {
				found := false
				for i := range all.Assets {
					for _, x := range all.Assets[i].IPs {
						found = found || x.Address == h
					}
				}
				if !found && !isBroadcastFlowEnd(all, h) {
					t.Errorf("host %s is neither an asset nor a broadcast address of a flow", h)
				}
			}
		})
	}
}

// isBroadcastFlowEnd reports whether ip is only ever a flow end without an asset (a
// broadcast or multicast destination).
func isBroadcastFlowEnd(inv *inventory.Inventory, ip string) bool {
	seen := false
	for _, f := range inv.Flows {
		if f.Server.IP == ip && f.Server.Asset != "" || f.Client.IP == ip {
			return false
		}
		seen = seen || f.Server.IP == ip
	}
	return seen
}

// TestZeekOperations holds the operations of the Modbus and DNP3 conversations against
// Zeek's per-request logs.
func TestZeekOperations(t *testing.T) {
	t.Run("modbus", func(t *testing.T) {
		inv := discoverCaptures(t, "modbus/modbus_example.pcap")
		rename := map[string]string{"ENCAP_INTERFACE_TRANSPORT": "read_device_identification", "REPORT_SLAVE_ID": "report_server_id"}
		want := map[string]map[string]uint64{}
		for _, r := range zeekLog(t, "modbus/zeek-baseline/modbus.log", "ts", "uid", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "func", "exception") {
			fn := strings.TrimSuffix(r["func"], "_EXCEPTION")
			if n, ok := rename[fn]; ok {
				fn = n
			}
			conv := r["id.orig_h"] + " " + r["id.resp_h"]
			if want[conv] == nil {
				want[conv] = map[string]uint64{}
			}
			want[conv][strings.ToLower(fn)]++
		}
		for _, f := range inv.Flows {
			got := map[string]uint64{}
			for _, o := range f.Operations {
				got[o.Name] += o.FromClient
			}
			conv := f.Client.IP + " " + f.Server.IP
			if fmt.Sprint(got) != fmt.Sprint(want[conv]) {
				t.Errorf("%s: operations %v, zeek %v", conv, got, want[conv])
			}
		}
	})
	t.Run("dnp3", func(t *testing.T) {
		inv := discoverCaptures(t, "dnp3/dnp3_example.pcap")
		want := map[string]uint64{}
		for _, r := range zeekLog(t, "dnp3/zeek-baseline/dnp3_control.log") {
			if r["is_orig"] == "T" {
				want[strings.ToLower(r["function_code"])]++
			}
		}
		for _, r := range zeekLog(t, "dnp3/zeek-baseline/dnp3.log") {
			if r["fc_request"] == "READ" {
				want["read"]++
			}
		}
		got := map[string]uint64{}
		for _, f := range inv.Flows {
			for _, o := range f.Operations {
				if o.Class != "none" {
					got[o.Name] += o.FromClient + o.FromServer
				}
			}
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("dnp3 operations %v, zeek %v", got, want)
		}
	})
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// tshark runs tshark's dissection of a public capture and returns the rows of fields.
func tshark(t *testing.T, rel, filter string, fields ...string) [][]string {
	t.Helper()
	rows := testutil.Tshark(t, testutil.Path(t, rel), filter, append([]string{"frame.number"}, fields...))
	if len(rows) == 0 {
		t.Fatalf("tshark %s %q: no rows", rel, filter)
	}
	return rows
}

// TestTsharkIdentities holds every identity fact tshark dissects from the public
// captures against the inventory's facts for the same device.
func TestTsharkIdentities(t *testing.T) {
	t.Run("enip", func(t *testing.T) {
		rel := "enip/enip_cip_example.pcap"
		inv := discoverCaptures(t, rel)
		for _, r := range tshark(t, rel, "enip.lir.name", "ip.src", "enip.lir.vendor", "enip.lir.devtype", "enip.lir.prodcode",
			"enip.lir.revision", "enip.lir.serial", "enip.lir.name") {
			a := assetOf(t, inv, r[1])
			vendor, _ := strconv.ParseUint(r[2], 0, 16)
			rev, _ := strconv.ParseUint(r[5], 0, 16)
			wantFact(t, a, "enip", "vendor_id", strconv.FormatUint(vendor, 10))
			wantFact(t, a, "enip", "product_code", r[4])
			wantFact(t, a, "enip", "firmware_version", fmt.Sprintf("%d.%d", rev>>8, rev&0xff))
			wantFact(t, a, "enip", "serial_number", r[6])
			wantFact(t, a, "enip", "product_name", r[7])
			if dt, _ := strconv.Atoi(r[3]); dt != 12 || !hasFact(a, "enip", "device_type", "Communications Adapter") {
				t.Errorf("device type %s: facts %v", r[3], a.Identity)
			}
		}
	})
	t.Run("s7comm", func(t *testing.T) {
		for _, rel := range []string{"s7comm/snap7.pcap", "s7comm/s7ident.pcap"} {
			inv := discoverCaptures(t, rel)
			rows := tshark(t, rel, "s7comm.szl.xy11.0001.index || s7comm.szl.001c.0001.name", "ip.src", "s7comm.szl.xy11.0001.index",
				"s7comm.szl.xy11.0001.anz", "s7comm.szl.xy11.0001.ausbg", "s7comm.szl.xy11.0001.ausbe", "s7comm.szl.001c.0001.name",
				"s7comm.szl.001c.0002.name", "s7comm.szl.001c.0005.serialn", "s7comm.szl.001c.0007.cputypname")
			for _, r := range rows {
				a := assetOf(t, inv, r[1])
				if r[2] != "" { // SZL 0x0011: module records
					idx, anz, bg, be := strings.Split(r[2], ","), strings.Split(r[3], ","), strings.Split(r[4], ","), strings.Split(r[5], ",")
					for i := range idx {
						ausbg, _ := strconv.Atoi(bg[i])
						ausbe, _ := strconv.Atoi(be[i])
						switch idx[i] {
						case "0x0001":
							wantFact(t, a, "s7comm", "order_number", strings.TrimSpace(anz[i]))
						case "0x0006":
							wantFact(t, a, "s7comm", "hardware_version", strconv.Itoa(ausbg))
						case "0x0007":
							wantFact(t, a, "s7comm", "firmware_version", fmt.Sprintf("%c%d.%d.%d", ausbg>>8, ausbg&0xff, ausbe>>8, ausbe&0xff))
						}
					}
				}
				for i, field := range map[int]string{6: "name", 7: "module_name", 8: "serial_number", 9: "model"} {
					if r[i] != "" {
						wantFact(t, a, "s7comm", field, r[i])
					}
				}
			}
		}
	})
	t.Run("modbus", func(t *testing.T) {
		rel := "modbus/modbus_example.pcap"
		inv := discoverCaptures(t, rel)
		for _, r := range testutil.Tshark(t, testutil.Path(t, rel), "modbus.object_str_value", []string{"frame.number", "ip.src", "modbus.object_id"}) {
			a := assetOf(t, inv, r[1])
			ids := strings.Split(r[2], ",")
			// object_str_value holds commas itself: read it again with another aggregator.
			vals := tsharkValues(t, rel, "frame.number=="+r[0], "modbus.object_str_value")
			fields := map[string]string{"0": "vendor", "1": "product_code", "2": "firmware_version", "4": "product_name", "5": "model"}
			for i, id := range ids {
				if f, ok := fields[id]; ok && i < len(vals) {
					wantFact(t, a, "modbus", f, vals[i])
				}
			}
		}
	})
	t.Run("bacnet", func(t *testing.T) {
		rel := "bacnet/bacnet_example.pcap"
		inv := discoverCaptures(t, rel)
		for _, r := range tshark(t, rel, "bacapp.unconfirmed_service==0", "ip.src", "bacapp.instance_number", "bacapp.vendor_identifier") {
			a := assetOf(t, inv, r[1])
			wantFact(t, a, "bacnet", "device_instance", r[2])
			wantFact(t, a, "bacnet", "vendor_id", r[3])
		}
	})
	t.Run("opcua", func(t *testing.T) {
		for _, rel := range []string{"opcua/open62541_client-server_minimal.pcap", "opcua/python_opcua-client-server_minimal.pcap"} {
			inv := discoverCaptures(t, rel)
			for _, r := range tshark(t, rel, "opcua.ApplicationUri", "ip.src", "ipv6.src", "opcua.ApplicationUri") {
				a := assetOf(t, inv, r[1]+r[2])
				for _, uri := range strings.Split(r[3], ",") {
					wantFact(t, a, "opcua", "application_uri", uri)
				}
			}
		}
	})
}

// tsharkValues returns the occurrences of one field of the frames filter selects,
// aggregated with a character the values do not hold.
func tsharkValues(t *testing.T, rel, filter, field string) []string {
	t.Helper()
	out, err := exec.Command("tshark", "-n", "-r", testutil.Path(t, rel), "-Y", filter, "-T", "fields", "-E", "occurrence=a",
		"-E", "aggregator=|", "-e", field).Output()
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSpace(string(out)), "|")
}
