//go:build linux

package livetest

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// Pair is a veth pair: interface IfaceA with AddrA in namespace A, IfaceB with AddrB in
// namespace B, on 10.99.x.0/24.
type Pair struct {
	NSA, NSB       string
	IfaceA, IfaceB string
	AddrA, AddrB   string
}

// NewPair creates the namespaces and the pair, or skips the test when it may not
// (no CAP_NET_ADMIN, no ip command). They are removed when the test ends.
func NewPair(t testing.TB) *Pair {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("live capture is Linux only")
	}
	if _, err := exec.LookPath("ip"); err != nil {
		t.Skip("ip (iproute2) not installed")
	}
	id := os.Getpid() % 200
	p := &Pair{NSA: fmt.Sprintf("zwtest-a-%d", os.Getpid()), NSB: fmt.Sprintf("zwtest-b-%d", os.Getpid()),
		IfaceA: "zwa0", IfaceB: "zwb0", AddrA: fmt.Sprintf("10.99.%d.1", id), AddrB: fmt.Sprintf("10.99.%d.2", id)}
	if out, err := exec.Command("ip", "netns", "add", p.NSA).CombinedOutput(); err != nil {
		t.Skipf("cannot create a network namespace (needs CAP_NET_ADMIN): %v: %s", err, strings.TrimSpace(string(out)))
	}
	t.Cleanup(func() {
		exec.Command("ip", "netns", "del", p.NSA).Run()
		exec.Command("ip", "netns", "del", p.NSB).Run()
	})
	run := func(args ...string) {
		t.Helper()
		if out, err := exec.Command("ip", args...).CombinedOutput(); err != nil {
			t.Fatalf("ip %s: %v: %s", strings.Join(args, " "), err, out)
		}
	}
	run("netns", "add", p.NSB)
	run("link", "add", "name", p.IfaceA, "netns", p.NSA, "type", "veth", "peer", "name", p.IfaceB, "netns", p.NSB)
	// No IPv6 on the pair: a fresh interface sends neighbour discovery and MLD reports of
	// its own at moments no test controls, and tests count what crosses the pair.
	for _, ns := range [][2]string{{p.NSA, p.IfaceA}, {p.NSB, p.IfaceB}} {
		exec.Command("ip", "netns", "exec", ns[0], "sh", "-c", "echo 1 > /proc/sys/net/ipv6/conf/"+ns[1]+"/disable_ipv6").Run()
	}
	run("-n", p.NSA, "addr", "add", p.AddrA+"/24", "dev", p.IfaceA)
	run("-n", p.NSB, "addr", "add", p.AddrB+"/24", "dev", p.IfaceB)
	for _, ns := range [][2]string{{p.NSA, p.IfaceA}, {p.NSB, p.IfaceB}} {
		run("-n", ns[0], "link", "set", ns[1], "up")
		run("-n", ns[0], "link", "set", "lo", "up")
	}
	return p
}

// In runs fn on a goroutine whose OS thread has entered namespace ns, waits for it and
// fails the test with fn's error. Sockets fn creates belong to ns and may be used from
// any goroutine afterwards. The thread is discarded when fn returns, so no other
// goroutine runs in ns. fn must not call t.Fatal (it runs on another goroutine).
func In(t testing.TB, ns string, fn func() error) {
	t.Helper()
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread exits with the goroutine
		f, err := os.Open("/var/run/netns/" + ns)
		if err != nil {
			errc <- err
			return
		}
		defer f.Close()
		if err := unix.Setns(int(f.Fd()), unix.CLONE_NEWNET); err != nil {
			errc <- fmt.Errorf("setns %s: %w", ns, err)
			return
		}
		errc <- fn()
	}()
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
}
