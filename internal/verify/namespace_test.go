package verify

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/zonewarden/zonewarden/internal/inventory"
	"github.com/zonewarden/zonewarden/internal/model"
)

// nsPlant is a two-zone plant: SCADA may read the PLC over Modbus, nothing else crosses.
const nsPlant = `version: 1
system: {name: namespace test plant}
zones:
  - {id: z-scada, purdue: 2, networks: [10.99.1.0/24], sl_target: {level: 1, rationale: test}}
  - {id: z-cell, purdue: 1, networks: [10.99.2.0/24], sl_target: {level: 1, rationale: test}}
conduits:
  - id: c-scada-cell
    zones: [z-scada, z-cell]
    boundary: firewall
    allow:
      - {from: scada, to: plc, protocol: modbus, operations: [read]}
assets:
  - {id: scada, zone: z-scada, kind: scada-server, ips: [10.99.1.10]}
  - {id: plc, zone: z-cell, kind: plc, ips: [10.99.2.10]}
`

// TestHelperProcess is not a test: the namespace test runs this binary inside a network
// namespace to listen on or dial a port (ZW_NS_ROLE says which).
func TestHelperProcess(t *testing.T) {
	switch os.Getenv("ZW_NS_ROLE") {
	case "listen":
		for _, p := range strings.Split(os.Getenv("ZW_NS_PORTS"), ",") {
			l, err := net.Listen("tcp", ":"+p)
			if err != nil {
				fmt.Println("listen:", err)
				os.Exit(1)
			}
			go func() {
				for {
					c, err := l.Accept()
					if err != nil {
						return
					}
					c.Close()
				}
			}()
		}
		fmt.Println("listening")
		time.Sleep(30 * time.Second)
		os.Exit(0)
	case "dial":
		c, err := net.DialTimeout("tcp", os.Getenv("ZW_NS_ADDR"), 1500*time.Millisecond)
		if err != nil {
			fmt.Println("drop")
		} else {
			c.Close()
			fmt.Println("accept")
		}
		os.Exit(0)
	}
}

// TestRulesetInNamespaces loads the nftables ruleset `zonewarden rules` writes into a
// router namespace between a SCADA namespace and a cell namespace, opens real TCP
// connections through it, and checks that the kernel accepts and drops exactly what
// verify --rules predicts for the same conversations. Skipped without the privileges to
// make network namespaces.
func TestRulesetInNamespaces(t *testing.T) {
	if os.Getuid() != 0 {
		t.Skip("needs root for network namespaces")
	}
	for _, tool := range []string{"ip", "nft"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed", tool)
		}
	}
	m, err := model.Parse("plant.yaml", []byte(nsPlant), model.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var rules bytes.Buffer
	if err := Write(&rules, m, "nftables"); err != nil {
		t.Fatal(err)
	}
	rulesPath := t.TempDir() + "/rules.nft"
	os.WriteFile(rulesPath, rules.Bytes(), 0o644)

	suffix := fmt.Sprint(os.Getpid())
	nsA, nsR, nsB := "zwA"+suffix, "zwR"+suffix, "zwB"+suffix
	sh := func(args ...string) error {
		out, err := exec.Command(args[0], args[1:]...).CombinedOutput()
		if err != nil {
			return fmt.Errorf("%s: %v: %s", strings.Join(args, " "), err, out)
		}
		return nil
	}
	t.Cleanup(func() {
		for _, ns := range []string{nsA, nsR, nsB} {
			exec.Command("ip", "netns", "del", ns).Run()
		}
	})
	setup := [][]string{
		{"ip", "netns", "add", nsA}, {"ip", "netns", "add", nsR}, {"ip", "netns", "add", nsB},
		{"ip", "link", "add", "zwa" + suffix, "netns", nsA, "type", "veth", "peer", "name", "zwra", "netns", nsR},
		{"ip", "link", "add", "zwb" + suffix, "netns", nsB, "type", "veth", "peer", "name", "zwrb", "netns", nsR},
		{"ip", "-n", nsA, "addr", "add", "10.99.1.10/24", "dev", "zwa" + suffix},
		{"ip", "-n", nsB, "addr", "add", "10.99.2.10/24", "dev", "zwb" + suffix},
		{"ip", "-n", nsR, "addr", "add", "10.99.1.1/24", "dev", "zwra"},
		{"ip", "-n", nsR, "addr", "add", "10.99.2.1/24", "dev", "zwrb"},
		{"ip", "-n", nsA, "link", "set", "zwa" + suffix, "up"}, {"ip", "-n", nsB, "link", "set", "zwb" + suffix, "up"},
		{"ip", "-n", nsR, "link", "set", "zwra", "up"}, {"ip", "-n", nsR, "link", "set", "zwrb", "up"},
		{"ip", "-n", nsA, "link", "set", "lo", "up"}, {"ip", "-n", nsB, "link", "set", "lo", "up"},
		{"ip", "-n", nsA, "route", "add", "default", "via", "10.99.1.1"},
		{"ip", "-n", nsB, "route", "add", "default", "via", "10.99.2.1"},
		{"ip", "netns", "exec", nsR, "sysctl", "-qw", "net.ipv4.ip_forward=1"},
		{"ip", "netns", "exec", nsR, "nft", "-f", rulesPath},
	}
	for i, c := range setup {
		if err := sh(c...); err != nil {
			if i == 0 {
				t.Skipf("cannot create network namespaces here: %v", err)
			}
			t.Fatal(err)
		}
	}

	// A server in the cell answers on the Modbus port and on HTTP.
	srv := exec.Command("ip", "netns", "exec", nsB, os.Args[0], "-test.run=^TestHelperProcess$")
	srv.Env = append(os.Environ(), "ZW_NS_ROLE=listen", "ZW_NS_PORTS=502,80")
	stdout, _ := srv.StdoutPipe()
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Process.Kill(); srv.Wait() })
	buf := make([]byte, 64)
	if n, _ := stdout.Read(buf); !strings.Contains(string(buf[:n]), "listening") {
		t.Fatalf("listener did not start: %q", buf[:n])
	}

	// What verify --rules predicts for the two conversations SCADA could open.
	rs, err := ParseRuleset(bytes.NewReader(rules.Bytes()), "rules.nft", "nftables")
	if err != nil {
		t.Fatal(err)
	}
	inv := &inventory.Inventory{
		Assets: []inventory.Asset{
			{ID: "ip-10.99.1.10", IPs: []inventory.IP{{Address: "10.99.1.10"}}},
			{ID: "ip-10.99.2.10", IPs: []inventory.IP{{Address: "10.99.2.10"}}},
		},
	}
	for _, port := range []int{502, 80} {
		proto := map[int]string{502: "modbus", 80: "http"}[port]
		inv.Flows = append(inv.Flows, inventory.Flow{Protocol: proto, Transport: "tcp", ServerPort: port, Connections: 1,
			Client: inventory.FlowEnd{Asset: "ip-10.99.1.10", IP: "10.99.1.10"},
			Server: inventory.FlowEnd{Asset: "ip-10.99.2.10", IP: "10.99.2.10"}})
	}
	res := Verify(m, inv, Options{Ruleset: rs})
	predicted := map[int]string{}
	for _, c := range res.Conversations {
		if c.Firewall != nil {
			predicted[c.ServerPort] = c.Firewall.Action
		}
	}
	if predicted[502] != "accept" || predicted[80] != "drop" {
		t.Fatalf("verify --rules predicts %v; want 502 accept, 80 drop", predicted)
	}
	for _, port := range []int{502, 80} {
		dial := exec.Command("ip", "netns", "exec", nsA, os.Args[0], "-test.run=^TestHelperProcess$")
		dial.Env = append(os.Environ(), "ZW_NS_ROLE=dial", fmt.Sprintf("ZW_NS_ADDR=10.99.2.10:%d", port))
		out, err := dial.Output()
		if err != nil {
			t.Fatal(err)
		}
		got := strings.TrimSpace(string(out))
		if i := strings.LastIndexByte(got, '\n'); i >= 0 {
			got = got[i+1:]
		}
		t.Logf("port %d: kernel %s, predicted %s", port, got, predicted[port])
		if !strings.HasPrefix(got, predicted[port]) {
			t.Errorf("port %d: the kernel did %q, verify --rules predicted %q", port, got, predicted[port])
		}
	}
}
