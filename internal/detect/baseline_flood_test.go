package detect_test

import (
	"slices"
	"testing"

	"github.com/zonewarden/zonewarden/internal/alert"
	"github.com/zonewarden/zonewarden/internal/detect"
	"github.com/zonewarden/zonewarden/internal/finding"
	"github.com/zonewarden/zonewarden/internal/model"
	"github.com/zonewarden/zonewarden/internal/simulate"
	"github.com/zonewarden/zonewarden/internal/testutil"
)

// TestBaselineNoFloods learns the water works' normal traffic and runs the attack
// scenario against it, with the model. Before the baseline judged only conversations, the
// intruder's SYN scan of 38 ports of treat-plc gave one scan/ports alert and a new talker
// per probe (41 new-talker alerts from the intruder: the 38 probes and 3 real
// conversations), and its DHCP discover (0.0.0.0 -> 255.255.255.255) was a new operation
// ranked high. Now the scan is one alert, the intruder's new talkers are the three
// conversations its targets answered (the two ListIdentity answers of its sweep and the
// session that resets treat-plc), and address discovery raises nothing.
func TestBaselineNoFloods(t *testing.T) {
	m, err := model.Load(plants[0], model.Options{})
	if err != nil {
		t.Fatal(err)
	}
	normal, _ := simulateTo(t, m, simulate.Normal)
	learn := detect.NewBaseline()
	run(t, detect.Options{Learn: learn}, normal)
	attack, truth := simulateTo(t, m, simulate.Attack)
	var scanner string
	for _, ev := range truth.Events {
		if ev.Kind == "port_scan" {
			scanner = ev.SrcIP
		}
	}
	if scanner == "" {
		t.Fatal("the attack scenario has no port scan")
	}
	var scans, talkers int
	for _, a := range run(t, detect.Options{Baseline: learn, Model: m}, attack) {
		src := a.Src.IP.String()
		switch {
		case a.Rule == "scan/ports" && src == scanner:
			scans++
		case a.Rule == "baseline/new-talker" && src == scanner:
			talkers++
			if a.Protocol != "enip" {
				t.Errorf("new talker that is no answered conversation: %s %s", a.Title, a.Protocol)
			}
		case (a.Rule == "baseline/new-talker" || a.Rule == "baseline/new-operation") && a.Src.IP.IsUnspecified():
			t.Errorf("address discovery raised %s: %s (%s)", a.Rule, a.Title, a.Severity)
		case a.Rule == "baseline/new-operation" && a.Severity >= finding.High && isBroadcast(a):
			t.Errorf("broadcast raised a high new operation: %s", a.Title)
		}
	}
	if scans != 1 || talkers != 3 {
		t.Errorf("the intruder's scan gave %d scan/ports and %d new-talker alerts, want 1 and 3 (41 before)", scans, talkers)
	}
}

func isBroadcast(a *alert.Alert) bool {
	return a.Dst.IP.IsMulticast() || a.Dst.IP.String() == "255.255.255.255"
}

// TestBaselineRealScan: in the real MELSOFT capture (MELSEC__melsoft_UDP_clean_2.pcap)
// an engineering station sends 216 requests to UDP 5560, each from a new port and by
// broadcast, and the PLC answers each by broadcast. Before the melsec dissector knew
// port 5560 these looked like hundreds of unanswered probes (a scan, and 217 new-talker
// alerts against an empty baseline); now they are MELSOFT conversations with the PLC:
// no scan, and no source gives a new-talker alert per datagram.
func TestBaselineRealScan(t *testing.T) {
	path := testutil.RealWorld(t, "MELSEC__melsoft_UDP_clean_2.pcap")
	var scans int
	talkers := map[string]int{}
	for _, a := range run(t, detect.Options{Baseline: detect.NewBaseline()}, path) {
		switch a.Rule {
		case "scan/hosts", "scan/ports":
			scans++
		case "baseline/new-talker":
			talkers[a.Src.IP.String()]++
		}
	}
	t.Logf("scan alerts %d, new talkers by source %v", scans, talkers)
	if scans != 0 {
		t.Errorf("%d scan alerts for a MELSOFT session", scans)
	}
	if n := slices.Max(mapValues(talkers)); n >= detect.ScanThreshold {
		t.Errorf("a source still gives %d new-talker alerts", n)
	}
}

func mapValues(m map[string]int) []int {
	out := []int{0}
	for _, v := range m {
		out = append(out, v)
	}
	return out
}
