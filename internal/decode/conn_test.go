package decode_test

import (
	"bufio"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/zonewarden/zonewarden/internal/decode"
	"github.com/zonewarden/zonewarden/internal/testutil"
)

// zeekConn is one record of a Zeek conn.log.
type zeekConn struct {
	orig, resp         netip.AddrPort
	proto              string
	origPkts, respPkts string
	origIP, respIP     string
}

// readZeekLog returns the records of a Zeek TSV log as maps from field name to value.
// The baseline logs of some folders lack the #fields header; fields then gives the
// names to use.
func readZeekLog(t *testing.T, path string, fields []string) []map[string]string {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var recs []map[string]string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if rest, ok := strings.CutPrefix(line, "#fields\t"); ok {
			fields = strings.Split(rest, "\t")
			continue
		}
		if strings.HasPrefix(line, "#") || line == "" {
			continue
		}
		vals := strings.Split(line, "\t")
		rec := map[string]string{}
		for i, v := range vals {
			if i < len(fields) {
				rec[fields[i]] = v
			}
		}
		recs = append(recs, rec)
	}
	return recs
}

func readConnLog(t *testing.T, path string) []zeekConn {
	var conns []zeekConn
	for _, r := range readZeekLog(t, path, nil) {
		conns = append(conns, zeekConn{
			orig:     netip.AddrPortFrom(netip.MustParseAddr(r["id.orig_h"]), parsePort(r["id.orig_p"])),
			resp:     netip.AddrPortFrom(netip.MustParseAddr(r["id.resp_h"]), parsePort(r["id.resp_p"])),
			proto:    r["proto"],
			origPkts: r["orig_pkts"], respPkts: r["resp_pkts"], origIP: r["orig_ip_bytes"], respIP: r["resp_ip_bytes"],
		})
	}
	return conns
}

func parsePort(s string) uint16 {
	var p uint16
	fmt.Sscan(s, &p)
	return p
}

type flowRecord struct {
	orig, resp         netip.AddrPort
	proto              string
	origPkts, respPkts uint64
	origIP, respIP     uint64
}

// flowsOf runs captures through decode and a flow table and returns every flow
// (evicted on idle timeout or flushed at the end).
func flowsOf(t *testing.T, files []string) []flowRecord {
	var recs []flowRecord
	tab := decode.NewTable(decode.Config{OnEvict: func(f *decode.Flow) {
		o, r := f.Orig, f.Orig.Reverse()
		proto := map[uint8]string{decode.ProtoTCP: "tcp", decode.ProtoUDP: "udp"}[f.Key.Proto()]
		recs = append(recs, flowRecord{orig: f.Key.Src(o), resp: f.Key.Src(r), proto: proto,
			origPkts: f.Packets[o], respPkts: f.Packets[r], origIP: f.IPBytes[o], respIP: f.IPBytes[r]})
	}})
	var d decode.Decoder
	var p decode.Packet
	for _, file := range files {
		for _, pk := range testutil.Load(t, file) {
			if d.Decode(pk.Info.LinkType, pk.Data, &p) == nil {
				tab.Lookup(&p, pk.Info.Timestamp.UnixNano())
			}
		}
	}
	tab.Flush()
	return recs
}

// TestFlowsMatchZeekConnLog checks that every conversation of each Zeek conn.log is
// found by the flow table, with the same originator, and - where Zeek did not split
// the conversation into several records - the same packet and IP byte counts.
func TestFlowsMatchZeekConnLog(t *testing.T) {
	dir := testutil.Dir(t)
	logs, _ := filepath.Glob(filepath.Join(dir, "*", "zeek-baseline", "*conn.log"))
	if len(logs) == 0 {
		t.Fatal("no conn.log baselines")
	}
	for _, log := range logs {
		folder := filepath.Dir(filepath.Dir(log))
		rel, _ := filepath.Rel(dir, log)
		t.Run(rel, func(t *testing.T) {
			// "snap7.conn.log" belongs to snap7.pcap; a plain conn.log to the folder's
			// captures.
			var files []string
			if prefix, ok := strings.CutSuffix(filepath.Base(log), ".conn.log"); ok {
				files, _ = filepath.Glob(filepath.Join(folder, prefix+".pcap*"))
			} else {
				files, _ = filepath.Glob(filepath.Join(folder, "*.pcap*"))
			}
			flows := flowsOf(t, files)
			conns := readConnLog(t, log)
			perTuple := map[string]int{}
			for _, c := range conns {
				perTuple[fmt.Sprint(c.proto, c.orig, c.resp)]++
			}
			for _, c := range conns {
				// The same conversation may appear in several captures of the folder
				// (separate flows); one of them must match.
				var counts []string
				for _, f := range flows {
					if f.proto == c.proto && f.orig == c.orig && f.resp == c.resp {
						counts = append(counts, fmt.Sprintf("%d/%d pkts %d/%d ip bytes", f.origPkts, f.respPkts, f.origIP, f.respIP))
					}
				}
				if len(counts) == 0 {
					t.Errorf("%s %s -> %s: not found", c.proto, c.orig, c.resp)
					continue
				}
				if perTuple[fmt.Sprint(c.proto, c.orig, c.resp)] > 1 {
					continue // Zeek split it on inactivity; counts are per piece
				}
				want := fmt.Sprintf("%s/%s pkts %s/%s ip bytes", c.origPkts, c.respPkts, c.origIP, c.respIP)
				if !slices.Contains(counts, want) {
					t.Errorf("%s %s -> %s: %v, zeek %s", c.proto, c.orig, c.resp, counts, want)
				}
			}
		})
	}
}
