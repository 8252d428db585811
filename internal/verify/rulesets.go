package verify

import (
	"encoding/csv"
	"fmt"
	"io"
	"net/netip"
	"strconv"
	"strings"

	"github.com/zonewarden/zonewarden/internal/model"
)

// RuleFormats are the rule languages Write knows.
var RuleFormats = []string{"nftables", "iptables", "csv"}

// Write writes the rules of m in format (nftables, iptables or csv).
func Write(w io.Writer, m *model.Model, format string) error {
	rules := Rules(m)
	switch format {
	case "nftables":
		return writeNft(w, m, rules)
	case "iptables":
		return writeIptables(w, m, rules)
	case "csv":
		return writeCSV(w, rules)
	}
	return fmt.Errorf("unknown rule format %q: use one of %s", format, strings.Join(RuleFormats, ", "))
}

func header(w io.Writer, m *model.Model, prefix string) {
	fmt.Fprintf(w, "%s zonewarden: deny-by-default rules for %s\n", prefix, m.System.Name)
	fmt.Fprintf(w, "%s generated from %s; every allow rule names its conduit and flow.\n", prefix, strings.Join(m.Files, ", "))
	fmt.Fprintf(w, "%s Return traffic of allowed connections is accepted by connection tracking.\n", prefix)
}

// split separates prefixes by address family.
func split(ps []netip.Prefix) (v4, v6 []string) {
	for _, p := range ps {
		if p.Addr().Is4() {
			v4 = append(v4, p.String())
		} else {
			v6 = append(v6, p.String())
		}
	}
	return v4, v6
}

func nftSet(elems []string) string {
	if len(elems) == 1 {
		return elems[0]
	}
	return "{ " + strings.Join(elems, ", ") + " }"
}

func portList(ports []int) []string {
	out := make([]string, len(ports))
	for i, p := range ports {
		out[i] = strconv.Itoa(p)
	}
	return out
}

func writeNft(w io.Writer, m *model.Model, rules []Rule) error {
	header(w, m, "#")
	fmt.Fprintln(w, "table inet zonewarden {")
	fmt.Fprintln(w, "\tchain forward {")
	fmt.Fprintln(w, "\t\ttype filter hook forward priority filter; policy drop;")
	fmt.Fprintln(w, "\t\tct state established,related accept")
	fmt.Fprintln(w, "\t\tct state invalid drop")
	for _, r := range rules {
		fmt.Fprintf(w, "\n\t\t# %s\n", r.Comment())
		if r.Problem != "" {
			fmt.Fprintf(w, "\t\t# not expressed: %s\n", r.Problem)
			continue
		}
		if note := dpiNote(r); note != "" {
			fmt.Fprintf(w, "\t\t# %s\n", note)
		}
		dirs := [][2][]netip.Prefix{{r.Src, r.Dst}}
		if r.Both {
			dirs = append(dirs, [2][]netip.Prefix{r.Dst, r.Src})
		}
		for _, d := range dirs {
			s4, s6 := split(d[0])
			d4, d6 := split(d[1])
			for _, fam := range []struct {
				kw       string
				src, dst []string
			}{{"ip", s4, d4}, {"ip6", s6, d6}} {
				if len(fam.src) == 0 || len(fam.dst) == 0 {
					continue
				}
				match := fmt.Sprintf("%s saddr %s %s daddr %s", fam.kw, nftSet(fam.src), fam.kw, nftSet(fam.dst))
				switch {
				case r.Transport == "icmp" && fam.kw == "ip":
					match += " meta l4proto icmp"
				case r.Transport == "icmp":
					match += " meta l4proto ipv6-icmp"
				case r.Transport != "" && len(r.Ports) > 0:
					match += fmt.Sprintf(" %s dport %s", r.Transport, nftSet(portList(r.Ports)))
				case r.Transport != "":
					match += " meta l4proto " + r.Transport
				}
				fmt.Fprintf(w, "\t\t%s ct state new counter accept comment %q\n", match, r.Comment())
			}
		}
	}
	fmt.Fprintln(w, "\n\t\tcounter log prefix \"zonewarden deny \" level info")
	fmt.Fprintln(w, "\t}")
	fmt.Fprintln(w, "}")
	return nil
}

func writeIptables(w io.Writer, m *model.Model, rules []Rule) error {
	header(w, m, "#")
	fmt.Fprintln(w, "# IPv4 rules for iptables-restore; IPv6 flows are listed as comments.")
	fmt.Fprintln(w, "*filter")
	fmt.Fprintln(w, ":INPUT ACCEPT [0:0]")
	fmt.Fprintln(w, ":FORWARD DROP [0:0]")
	fmt.Fprintln(w, ":OUTPUT ACCEPT [0:0]")
	fmt.Fprintln(w, "-A FORWARD -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT")
	fmt.Fprintln(w, "-A FORWARD -m conntrack --ctstate INVALID -j DROP")
	for _, r := range rules {
		fmt.Fprintf(w, "# %s\n", r.Comment())
		if r.Problem != "" {
			fmt.Fprintf(w, "# not expressed: %s\n", r.Problem)
			continue
		}
		if note := dpiNote(r); note != "" {
			fmt.Fprintf(w, "# %s\n", note)
		}
		dirs := [][2][]netip.Prefix{{r.Src, r.Dst}}
		if r.Both {
			dirs = append(dirs, [2][]netip.Prefix{r.Dst, r.Src})
		}
		for _, d := range dirs {
			s4, s6 := split(d[0])
			d4, d6 := split(d[1])
			if len(s6) > 0 && len(d6) > 0 {
				fmt.Fprintf(w, "# IPv6 %s -> %s: write it for ip6tables-restore\n", strings.Join(s6, ","), strings.Join(d6, ","))
			}
			if len(s4) == 0 || len(d4) == 0 {
				continue
			}
			for _, src := range s4 {
				for _, dst := range d4 {
					spec := fmt.Sprintf("-A FORWARD -s %s -d %s", src, dst)
					switch {
					case r.Transport == "icmp":
						spec += " -p icmp"
					case r.Transport != "" && len(r.Ports) == 1:
						spec += fmt.Sprintf(" -p %s --dport %d", r.Transport, r.Ports[0])
					case r.Transport != "" && len(r.Ports) > 1:
						spec += fmt.Sprintf(" -p %s -m multiport --dports %s", r.Transport, strings.Join(portList(r.Ports), ","))
					case r.Transport != "":
						spec += " -p " + r.Transport
					}
					fmt.Fprintf(w, "%s -m conntrack --ctstate NEW -m comment --comment %q -j ACCEPT\n", spec, r.Comment())
				}
			}
		}
	}
	fmt.Fprintln(w, "-A FORWARD -j LOG --log-prefix \"zonewarden deny \"")
	fmt.Fprintln(w, "COMMIT")
	return nil
}

func writeCSV(w io.Writer, rules []Rule) error {
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"conduit", "flow", "from", "to", "source", "destination", "protocol", "transport", "ports", "direction", "operations", "action", "note"})
	join := func(ps []netip.Prefix) string {
		s := make([]string, len(ps))
		for i, p := range ps {
			s[i] = p.String()
		}
		return strings.Join(s, " ")
	}
	for _, r := range rules {
		dir, action, note := "one-way", "allow", dpiNote(r)
		if r.Both {
			dir = "both"
		}
		if r.Problem != "" {
			action, note = "manual", r.Problem
		}
		_ = cw.Write([]string{r.Conduit, strconv.Itoa(r.Index), r.From, r.To, join(r.Src), join(r.Dst), r.Protocol,
			r.Transport, strings.Join(portList(r.Ports), " "), dir, strings.Join(r.Operations, " "), action, note})
	}
	_ = cw.Write([]string{"*", "", "", "", "any", "any", "any", "", "", "", "", "deny", "default: everything the conduits do not allow"})
	cw.Flush()
	return cw.Error()
}
