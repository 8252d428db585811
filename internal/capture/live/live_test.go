//go:build linux

package live_test

import (
	"context"
	"encoding/hex"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/zonewarden/zonewarden/internal/capture/live"
	"github.com/zonewarden/zonewarden/internal/capture/live/livetest"
	"github.com/zonewarden/zonewarden/internal/inventory"
	"github.com/zonewarden/zonewarden/internal/inventory/discover"
)

func unhex(t testing.TB, s string) []byte {
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Modbus/TCP exchanges laid out after the Modbus application protocol: read holding
// registers, and Read Device Identification (43/14) answered with vendor "Acme",
// product code "P-1" and revision "v1.2.3".
const (
	readReq  = "0001 0000 0006 01 03 0000 0002"
	readResp = "0001 0000 0007 01 03 04 0011 0022"
	idReq    = "0002 0000 0005 01 2b 0e 01 00"
	idResp   = "0002 0000 001b 01 2b 0e 01 01 00 00 03 00 04 41636d65 01 03 502d31 02 06 76312e322e33"
)

// serveModbus answers each request on conn with the canned response of its function.
func serveModbus(conn net.Conn) {
	defer conn.Close()
	buf := make([]byte, 260)
	for {
		n, err := io.ReadAtLeast(conn, buf, 8)
		if err != nil {
			return
		}
		resp := readResp
		if buf[7] == 0x2b {
			resp = idResp
		}
		r, _ := hex.DecodeString(strings.ReplaceAll(resp, " ", ""))
		copy(r[0:2], buf[0:2]) // the transaction id
		if _, err := conn.Write(r); err != nil || n == 0 {
			return
		}
	}
}

// TestLiveCaptureOnVeth captures Modbus traffic between two network namespaces on a veth
// pair, with a filter that drops other traffic, and builds the inventory from it.
func TestLiveCaptureOnVeth(t *testing.T) {
	pair := livetest.NewPair(t)
	var ln net.Listener
	var noise net.PacketConn
	livetest.In(t, pair.NSB, func() error {
		var err error
		if ln, err = net.Listen("tcp", pair.AddrB+":502"); err != nil {
			return err
		}
		noise, err = net.ListenPacket("udp", pair.AddrB+":9999")
		return err
	})
	defer ln.Close()
	defer noise.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go serveModbus(c)
		}
	}()

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var src *live.Source
	livetest.In(t, pair.NSA, func() error {
		var err error
		src, err = live.Open(ctx, pair.IfaceA, "not udp port 9999")
		return err
	})
	defer src.Close()
	type result struct {
		inv *inventory.Inventory
		err error
	}
	done := make(chan result, 1)
	go func() {
		inv, err := discover.FromSource(ctx, src, "live:"+pair.IfaceA, discover.Options{})
		done <- result{inv, err}
	}()

	reqs := [][]byte{unhex(t, readReq), unhex(t, readReq), unhex(t, readReq), unhex(t, idReq)}
	livetest.In(t, pair.NSA, func() error {
		c, err := net.DialTimeout("tcp", pair.AddrB+":502", 5*time.Second)
		if err != nil {
			return err
		}
		defer c.Close()
		resp := make([]byte, 260)
		for _, req := range reqs {
			if _, err := c.Write(req); err != nil {
				return err
			}
			c.SetReadDeadline(time.Now().Add(5 * time.Second))
			if _, err := io.ReadAtLeast(c, resp, 9); err != nil {
				return err
			}
		}
		u, err := net.Dial("udp", pair.AddrB+":9999")
		if err != nil {
			return err
		}
		defer u.Close()
		for range 5 {
			if _, err := u.Write([]byte("filtered out")); err != nil {
				return err
			}
		}
		return nil
	})
	time.Sleep(300 * time.Millisecond) // let the last frames reach the ring
	cancel()
	res := <-done
	if res.err != nil {
		t.Fatal(res.err)
	}
	inv := res.inv
	var server *inventory.Asset
	for i := range inv.Assets {
		for _, ip := range inv.Assets[i].IPs {
			if ip.Address == pair.AddrB {
				server = &inv.Assets[i]
			}
		}
	}
	if server == nil {
		t.Fatalf("no asset for %s in %+v", pair.AddrB, inv.Assets)
	}
	if server.Identity["vendor"] != "Acme" || server.Identity["firmware_version"] != "v1.2.3" || server.Role.Name != inventory.RoleController {
		t.Errorf("server asset: identity %v, role %s", server.Identity, server.Role.Name)
	}
	var modbus bool
	for _, f := range inv.Flows {
		if f.ServerPort == 9999 {
			t.Errorf("the filter let through %+v", f)
		}
		if f.Protocol == "modbus" && f.Client.IP == pair.AddrA && f.Server.IP == pair.AddrB {
			modbus = true
			var reads uint64
			for _, o := range f.Operations {
				if o.Name == "read_holding_registers" {
					reads = o.FromClient
				}
			}
			if reads != 3 {
				t.Errorf("modbus flow operations %+v", f.Operations)
			}
		}
	}
	if !modbus {
		t.Errorf("no modbus flow in %+v", inv.Flows)
	}
	if src := inv.Sources[0]; src.File != "live:"+pair.IfaceA || src.Packets == 0 || !src.Complete {
		t.Errorf("source %+v", src)
	}
}

// TestOpenNoSuchInterface: an interface that does not exist is reported as such, with
// the ones that do, whatever the privileges (it used to blame CAP_NET_RAW, as root too).
func TestOpenNoSuchInterface(t *testing.T) {
	ifs, err := net.Interfaces()
	if err != nil || len(ifs) == 0 {
		t.Skip("no interfaces to list:", err)
	}
	_, err = live.Open(context.Background(), "nosuch0", "")
	if err == nil {
		t.Fatal("opened nosuch0")
	}
	msg := err.Error()
	if !strings.Contains(msg, "nosuch0: no such network interface") || strings.Contains(msg, "CAP_NET_RAW") {
		t.Errorf("error %q: want it to say the interface does not exist, not blame privileges", msg)
	}
	for _, in := range ifs {
		if !strings.Contains(msg, in.Name) {
			t.Errorf("error %q does not list interface %s", msg, in.Name)
		}
	}
}
