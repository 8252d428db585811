package sink

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zonewarden/zonewarden/internal/alert"
	"github.com/zonewarden/zonewarden/internal/finding"
)

// freePort returns a loopback port that was free a moment ago.
func freePort(t *testing.T, network string) string {
	t.Helper()
	switch network {
	case "udp":
		pc, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer pc.Close()
		_, port, _ := net.SplitHostPort(pc.LocalAddr().String())
		return port
	default:
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		_, port, _ := net.SplitHostPort(ln.Addr().String())
		return port
	}
}

const rsyslogConf = `global(workDirectory="{{dir}}/work"
       defaultNetstreamDriverCAFile="{{ca}}"
       defaultNetstreamDriverCertFile="{{cert}}"
       defaultNetstreamDriverKeyFile="{{key}}"
       maxMessageSize="64k")
module(load="imudp")
module(load="imtcp")
module(load="mmpstrucdata")
template(name="zonewarden" type="string" string="%$!rfc5424-sd%\t%msgid% %structured-data% %msg%\n")
ruleset(name="udp") { action(type="mmpstrucdata") action(type="omfile" file="{{dir}}/udp.log" template="zonewarden") }
ruleset(name="tcp") { action(type="mmpstrucdata") action(type="omfile" file="{{dir}}/tcp.log" template="zonewarden") }
ruleset(name="tls") { action(type="mmpstrucdata") action(type="omfile" file="{{dir}}/tls.log" template="zonewarden") }
input(type="imudp" address="127.0.0.1" port="{{udp}}" ruleset="udp")
input(type="imtcp" address="127.0.0.1" port="{{tcp}}" ruleset="tcp")
input(type="imtcp" address="127.0.0.1" port="{{tls}}" ruleset="tls"
      streamDriver.name="gtls" streamDriver.mode="1" streamDriver.authMode="anon")
`

// TestRsyslog sends alerts over UDP, TCP and TLS to a real rsyslog (Debian packages
// rsyslog and rsyslog-gnutls) started on loopback ports, and checks that rsyslog parsed
// them as RFC 5424: its %msgid%, %structured-data% and %msg% properties must give back
// the rule, the structured data and the title, and its structured data parser
// (mmpstrucdata) must read every parameter back, hostile characters included.
func TestRsyslog(t *testing.T) {
	rsyslogd, err := exec.LookPath("rsyslogd")
	if err != nil {
		if _, err = os.Stat("/usr/sbin/rsyslogd"); err != nil {
			t.Skip("rsyslogd not installed (apt-get install rsyslog rsyslog-gnutls)")
		}
		rsyslogd = "/usr/sbin/rsyslogd"
	}
	pki := newTestPKI(t)
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "work"), 0o755); err != nil {
		t.Fatal(err)
	}
	ports := map[string]string{"udp": freePort(t, "udp"), "tcp": freePort(t, "tcp"), "tls": freePort(t, "tcp")}
	conf := strings.NewReplacer("{{dir}}", dir, "{{ca}}", pki.caFile, "{{cert}}", pki.certFile, "{{key}}", pki.keyFile,
		"{{udp}}", ports["udp"], "{{tcp}}", ports["tcp"], "{{tls}}", ports["tls"]).Replace(rsyslogConf)
	confPath := filepath.Join(dir, "rsyslog.conf")
	if err := os.WriteFile(confPath, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd := exec.Command(rsyslogd, "-n", "-f", confPath, "-i", filepath.Join(dir, "rsyslogd.pid"))
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		if t.Failed() {
			t.Logf("rsyslogd output:\n%s", stderr.String())
		}
	})
	for _, p := range []string{ports["tcp"], ports["tls"]} {
		waitFor(t, "rsyslog listening on "+p, func() bool {
			c, err := net.DialTimeout("tcp", "127.0.0.1:"+p, 100*time.Millisecond)
			if err == nil {
				c.Close()
			}
			return err == nil
		})
	}

	opts := alert.SyslogOptions{Hostname: "sensor-1", ProcID: "77"}
	alerts := []*alert.Alert{testAlert(1, finding.Critical), testAlert(2, finding.High)}
	hostile := testAlert(3, finding.Medium)
	hostile.Title = `Gerät "PLC]1" | a=b`
	hostile.Src.Asset = `a"b]c\d`
	hostile.Details = append(hostile.Details, alert.Detail{Key: "odd key=", Value: "v]\"\\"})
	alerts = append(alerts, hostile)

	for _, network := range []string{SyslogUDP, SyslogTCP, SyslogTLS} {
		t.Run(network, func(t *testing.T) {
			cfg := SyslogConfig{Network: network, Addr: "127.0.0.1:" + ports[network], Options: opts}
			if network == SyslogTLS {
				cfg.TLS = &tls.Config{RootCAs: pki.pool}
			}
			s := New(mustSyslog(t, cfg), Options{Name: "rsyslog " + network, Retry: fastRetry})
			for _, a := range alerts {
				s.Send(a)
			}
			if err := s.Close(context.Background()); err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(dir, network+".log")
			var lines []string
			waitFor(t, "rsyslog to write "+out, func() bool {
				b, _ := os.ReadFile(out)
				lines = strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
				return len(lines) >= len(alerts)
			})
			for i, a := range alerts {
				msg := string(alert.AppendSyslog(nil, a, opts))
				sdStart := strings.Index(msg, " [")
				sdEnd := strings.LastIndex(msg, "] ")
				want := fmt.Sprintf("%s %s %s", a.Rule, msg[sdStart+1:sdEnd+1], msg[sdEnd+2:])
				parsed, raw, ok := strings.Cut(lines[i], "\t")
				if !ok || raw != want {
					t.Errorf("rsyslog wrote\n%s\nwant\n%s", raw, want)
				}
				var sd map[string]map[string]string
				if err := json.Unmarshal([]byte(parsed), &sd); err != nil {
					t.Fatalf("rsyslog's structured data %q: %v", parsed, err)
				}
				fields, details := sd["zonewarden@32473"], sd["zonewarden-details@32473"]
				if fields["severity"] != a.Severity.String() || fields["src_asset"] != a.Src.Asset ||
					fields["dst_port"] != "102" || fields["techniques"] != "T0858" || fields["allowed"] != "false" {
					t.Errorf("rsyslog parsed %v", fields)
				}
				for _, d := range a.Details {
					name := strings.NewReplacer(" ", "_", "=", "_").Replace(d.Key)
					if details[name] != d.Value {
						t.Errorf("rsyslog parsed detail %s as %q, want %q", name, details[name], d.Value)
					}
				}
			}
		})
	}
}
