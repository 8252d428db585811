//go:build linux

package cli

import (
	"encoding/json"
	"io"
	"net"
	"testing"
	"time"

	"github.com/zonewarden/zonewarden/internal/capture/live/livetest"
)

// TestDiscoverLive runs `discover --iface` inside a network namespace while Modbus
// traffic crosses its veth pair, and reads the inventory it writes.
func TestDiscoverLive(t *testing.T) {
	pair := livetest.NewPair(t)
	var ln net.Listener
	livetest.In(t, pair.NSB, func() (err error) {
		ln, err = net.Listen("tcp", pair.AddrB+":502")
		return err
	})
	defer ln.Close()
	resp := h(t, hexMBReadResp)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				buf := make([]byte, 260)
				for {
					if _, err := io.ReadAtLeast(c, buf, 12); err != nil {
						return
					}
					c.Write(resp)
				}
			}()
		}
	}()
	req := h(t, hexMBRead)
	traffic := make(chan error, 1)
	go func() {
		time.Sleep(500 * time.Millisecond) // let the capture start
		livetest.In(t, pair.NSA, func() error {
			c, err := net.DialTimeout("tcp", pair.AddrB+":502", 2*time.Second)
			if err != nil {
				traffic <- err
				return nil
			}
			defer c.Close()
			buf := make([]byte, 260)
			for range 5 {
				c.Write(req)
				c.SetReadDeadline(time.Now().Add(2 * time.Second))
				if _, err := io.ReadAtLeast(c, buf, 11); err != nil {
					traffic <- err
					return nil
				}
			}
			traffic <- nil
			return nil
		})
	}()
	var code int
	var out, errOut string
	livetest.In(t, pair.NSA, func() error {
		code, out, errOut = run(t, "discover", "--iface", pair.IfaceA, "--filter", "tcp port 502", "--duration", "2s", "-f", "json")
		return nil
	})
	if err := <-traffic; err != nil {
		t.Fatal(err)
	}
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var inv struct {
		Flows []struct {
			Protocol   string `json:"protocol"`
			Operations []struct {
				Name       string `json:"name"`
				FromClient int    `json:"from_client"`
			} `json:"operations"`
		} `json:"flows"`
	}
	if err := json.Unmarshal([]byte(out), &inv); err != nil {
		t.Fatal(err)
	}
	// A fresh interface may also send its own traffic (IPv6 neighbour discovery, for
	// one): look for the Modbus conversation among the flows.
	found := false
	for _, f := range inv.Flows {
		if f.Protocol == "modbus" && len(f.Operations) == 1 && f.Operations[0].FromClient == 5 {
			found = true
		}
	}
	if !found {
		t.Errorf("no Modbus conversation with 5 reads among the flows %+v", inv.Flows)
	}
}
