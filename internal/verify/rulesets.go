package verify

import (
	"encoding/csv"
	"fmt"
	"io"
	"net/netip"
	"strconv"
	"strings"

	"github.com/zonewarden/zonewarden/internal/model"
	"github.com/zonewarden/zonewarden/internal/textsafe"
)

// RuleFormats are the rule languages Write knows.
var RuleFormats = []string{"nftables", "iptables", "csv"}

// Write writes the rules of m in format (nftables, iptables or csv).
// The write error, if any, is returned: a ruleset cut short by a full disk must not
// pass for a whole one.
func Write(w io.Writer, m *model.Model, format string) error {
	rules := Rules(m)
	var err error
	switch format {
	case "nftables":
		err = writeNft(w, m, rules)
	case "iptables":
		err = writeIptables(w, m, rules)
	case "csv":
		err = writeCSV(w, rules)
	default:
		return fmt.Errorf("unknown rule format %q: use one of %s", format, strings.Join(RuleFormats, ", "))
	}
	if err != nil {
		return fmt.Errorf("%s rules: %w", format, err)
	}
	return nil
}

// comment makes s one line of a ruleset comment: a line break in a model's name must not
// end the comment and start a rule (textsafe.Terminal writes it as \x0a).
var comment = textsafe.Terminal

func header(w *textsafe.Writer, m *model.Model, prefix string) {
	w.Printf("%s zonewarden: deny-by-default rules for %s\n", prefix, comment(m.System.Name))
	w.Printf("%s generated from %s; every allow rule names its conduit and flow.\n", prefix, comment(strings.Join(m.Files, ", ")))
	w.Printf("%s Return traffic of allowed connections is accepted by connection tracking.\n", prefix)
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

func writeNft(out io.Writer, m *model.Model, rules []Rule) error {
	w := textsafe.NewWriter(out)
	header(w, m, "#")
	w.Println("table inet zonewarden {")
	w.Println("\tchain forward {")
	w.Println("\t\ttype filter hook forward priority filter; policy drop;")
	w.Println("\t\tct state established,related accept")
	w.Println("\t\tct state invalid drop")
	for _, r := range rules {
		w.Printf("\n\t\t# %s\n", comment(r.Comment()))
		if r.Problem != "" {
			w.Printf("\t\t# not expressed: %s\n", comment(r.Problem))
			continue
		}
		if note := dpiNote(r); note != "" {
			w.Printf("\t\t# %s\n", comment(note))
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
				w.Printf("\t\t%s ct state new counter accept comment %q\n", match, comment(r.Comment()))
			}
		}
	}
	w.Println("\n\t\tcounter log prefix \"zonewarden deny \" level info")
	w.Println("\t}")
	w.Println("}")
	return w.Err()
}

func writeIptables(out io.Writer, m *model.Model, rules []Rule) error {
	w := textsafe.NewWriter(out)
	header(w, m, "#")
	w.Println("# IPv4 rules for iptables-restore; IPv6 flows are listed as comments.")
	w.Println("*filter")
	w.Println(":INPUT ACCEPT [0:0]")
	w.Println(":FORWARD DROP [0:0]")
	w.Println(":OUTPUT ACCEPT [0:0]")
	w.Println("-A FORWARD -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT")
	w.Println("-A FORWARD -m conntrack --ctstate INVALID -j DROP")
	for _, r := range rules {
		w.Printf("# %s\n", comment(r.Comment()))
		if r.Problem != "" {
			w.Printf("# not expressed: %s\n", comment(r.Problem))
			continue
		}
		if note := dpiNote(r); note != "" {
			w.Printf("# %s\n", comment(note))
		}
		dirs := [][2][]netip.Prefix{{r.Src, r.Dst}}
		if r.Both {
			dirs = append(dirs, [2][]netip.Prefix{r.Dst, r.Src})
		}
		for _, d := range dirs {
			s4, s6 := split(d[0])
			d4, d6 := split(d[1])
			if len(s6) > 0 && len(d6) > 0 {
				w.Printf("# IPv6 %s -> %s: write it for ip6tables-restore\n", strings.Join(s6, ","), strings.Join(d6, ","))
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
					w.Printf("%s -m conntrack --ctstate NEW -m comment --comment %q -j ACCEPT\n", spec, comment(r.Comment()))
				}
			}
		}
	}
	w.Println("-A FORWARD -j LOG --log-prefix \"zonewarden deny \"")
	w.Println("COMMIT")
	return w.Err()
}

func writeCSV(w io.Writer, rules []Rule) error {
	cw := csv.NewWriter(w)
	c := textsafe.CSV
	var err error
	put := func(row ...string) {
		if err == nil {
			err = cw.Write(row)
		}
	}
	put("conduit", "flow", "from", "to", "source", "destination", "protocol", "transport", "ports", "direction", "operations", "action", "note")
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
		put(c(r.Conduit), strconv.Itoa(r.Index), c(r.From), c(r.To), join(r.Src), join(r.Dst), c(r.Protocol),
			r.Transport, strings.Join(portList(r.Ports), " "), dir, c(strings.Join(r.Operations, " ")), action, c(note))
	}
	put("*", "", "", "", "any", "any", "any", "", "", "", "", "deny", "default: everything the conduits do not allow")
	if err == nil {
		cw.Flush()
		err = cw.Error()
	}
	return err
}
