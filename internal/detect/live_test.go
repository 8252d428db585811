//go:build linux

package detect_test

import (
	"context"
	"encoding/hex"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/zonewarden/zonewarden/internal/alert"
	"github.com/zonewarden/zonewarden/internal/capture/live"
	"github.com/zonewarden/zonewarden/internal/capture/live/livetest"
	"github.com/zonewarden/zonewarden/internal/detect"
	"github.com/zonewarden/zonewarden/internal/observe"
)

// writeSingleRegister is a Modbus/TCP Write Single Register (FC 6) of 0x1234 to register
// 0x0010 of unit 1; the server's answer echoes it.
const writeSingleRegister = "0007 0000 0006 01 06 0010 1234"

// TestLiveAlertLatency: on a veth pair between two network namespaces, a Modbus write
// raises its alert within a second of the frame leaving the client (issue 6 asks for
// under one second from the packet). Skips without CAP_NET_ADMIN.
func TestLiveAlertLatency(t *testing.T) {
	pair := livetest.NewPair(t)
	var ln net.Listener
	livetest.In(t, pair.NSB, func() (err error) {
		ln, err = net.Listen("tcp", pair.AddrB+":502")
		return err
	})
	defer ln.Close()
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
					n, err := io.ReadAtLeast(c, buf, 12)
					if err != nil {
						return
					}
					if _, err := c.Write(buf[:n]); err != nil {
						return
					}
				}
			}()
		}
	}()

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var src *live.Source
	livetest.In(t, pair.NSA, func() (err error) {
		src, err = live.Open(ctx, pair.IfaceA, "tcp port 502")
		return err
	})
	defer src.Close()
	alerts := make(chan time.Time, 16)
	var first *alert.Alert
	d := detect.New(detect.Options{Immediate: true}, func(a *alert.Alert) {
		if a.Rule == "modbus/write" && first == nil {
			first = a
			alerts <- time.Now()
		}
	})
	done := make(chan error, 1)
	go func() { done <- d.RunSource(ctx, src, "live:"+pair.IfaceA, observe.Options{}) }()

	req, _ := hex.DecodeString(strings.ReplaceAll(writeSingleRegister, " ", ""))
	var conn net.Conn
	livetest.In(t, pair.NSA, func() (err error) {
		conn, err = net.DialTimeout("tcp", pair.AddrB+":502", 5*time.Second)
		return err
	})
	defer conn.Close()
	time.Sleep(200 * time.Millisecond) // the handshake judged, the capture settled
	sent := time.Now()
	if _, err := conn.Write(req); err != nil {
		t.Fatal(err)
	}
	select {
	case got := <-alerts:
		latency := got.Sub(sent)
		t.Logf("alert %q %v after the write", first.Title, latency)
		if latency > time.Second {
			t.Errorf("alert latency %v, want under 1 s", latency)
		}
		if first.Dst.Port != 502 || first.Operation == "" || len(first.Techniques) == 0 {
			t.Errorf("alert %+v", first)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no modbus/write alert within 5 s of the write")
	}
	cancel()
	if err := <-done; err != nil && ctx.Err() == nil {
		t.Fatal(err)
	}
}
