package verify

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"slices"
	"strconv"
	"strings"
)

// Ruleset is a firewall ruleset read back for replay: the rules of the forwarding path in
// order, and what happens to a packet no rule decides. It reads the nftables and
// iptables-restore files that Write produces, and the same languages written by hand as
// long as they keep to the matches a layer-4 boundary firewall uses; anything else is an
// error naming the line, never a rule silently skipped.
type Ruleset struct {
	File   string
	Format string // nftables or iptables
	// Policy is the forward chain's policy: accept or drop.
	Policy string
	Rules  []FirewallRule
}

// FirewallRule is one rule of the forward chain.
type FirewallRule struct {
	Line int
	// Src and Dst are the address matches (empty: any address); Family is 4 or 6 when
	// the rule matches one address family only (nftables ip / ip6), else 0.
	Src, Dst []netip.Prefix
	Family   int
	// Protos are the transport protocols matched (tcp, udp, icmp, icmpv6; empty: any).
	Protos []string
	DPorts []PortRange
	// States are the connection-tracking states matched (new, established, related,
	// invalid, untracked; empty: any).
	States []string
	// Action is accept, drop or reject; empty for rules that only count or log, after
	// which the next rule is tried.
	Action  string
	Comment string
}

// PortRange is an inclusive range of ports.
type PortRange struct{ Lo, Hi uint16 }

// maxRulesetSize bounds what ParseRuleset reads: a boundary ruleset is text of a few
// megabytes at most.
const maxRulesetSize = 64 << 20

// ParseRuleset reads a ruleset in format ("nftables" or "iptables"; "" guesses from the
// content). name names the file in errors.
func ParseRuleset(r io.Reader, name, format string) (*Ruleset, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxRulesetSize+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(b) > maxRulesetSize {
		return nil, fmt.Errorf("%s: larger than %d MB: not a ruleset", name, maxRulesetSize>>20)
	}
	if format == "" {
		format = guessFormat(b)
	}
	rs := &Ruleset{File: name, Format: format}
	switch format {
	case "nftables":
		err = parseNft(b, rs)
	case "iptables":
		err = parseIptables(b, rs)
	default:
		return nil, fmt.Errorf("%s: cannot tell the ruleset's format: zonewarden reads nftables (a table with a forward chain) and iptables-restore (*filter ... COMMIT) files", name)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return rs, nil
}

func guessFormat(b []byte) string {
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
			continue
		case strings.HasPrefix(line, "table "), strings.HasPrefix(line, "flush "):
			return "nftables"
		case strings.HasPrefix(line, "*"), strings.HasPrefix(line, ":"), strings.HasPrefix(line, "-A "):
			return "iptables"
		}
		return ""
	}
	return ""
}

// lineError is an error at a line of the ruleset.
func lineError(line int, format string, args ...any) error {
	return fmt.Errorf("line %d: %s", line, fmt.Sprintf(format, args...))
}

// ---- nftables -------------------------------------------------------------------------

// nftTokens splits a line into words, quoted strings (unquoted), and the punctuation
// { } , ; as tokens of their own; a # outside quotes starts a comment.
func nftTokens(line string, n int) ([]string, error) {
	var out []string
	var cur strings.Builder
	flush := func() {
		if cur.Len() > 0 {
			out = append(out, cur.String())
			cur.Reset()
		}
	}
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case c == '"':
			flush()
			j := strings.IndexByte(line[i+1:], '"')
			if j < 0 {
				return nil, lineError(n, "unterminated quoted string")
			}
			out = append(out, "\x00"+line[i+1:i+1+j]) // marked as a string
			i += j + 1
		case c == '#':
			flush()
			return out, nil
		case c == '{' || c == '}' || c == ',' || c == ';':
			flush()
			out = append(out, string(c))
		case c == ' ' || c == '\t' || c == '\r':
			flush()
		default:
			cur.WriteByte(c)
		}
	}
	flush()
	return out, nil
}

func parseNft(b []byte, rs *Ruleset) error {
	type block struct{ kind, name string }
	var stack []block
	var chain *nftChain
	var chains []*nftChain
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	n := 0
	for sc.Scan() {
		n++
		toks, err := nftTokens(sc.Text(), n)
		if err != nil {
			return err
		}
		for len(toks) > 0 {
			switch {
			case toks[0] == "}":
				if len(stack) == 0 {
					return lineError(n, "} closes nothing")
				}
				if stack[len(stack)-1].kind == "chain" {
					chain = nil
				}
				stack = stack[:len(stack)-1]
				toks = toks[1:]
			case toks[0] == ";":
				toks = toks[1:]
			case len(stack) == 0 && toks[0] == "table":
				if len(toks) < 3 || toks[len(toks)-1] != "{" {
					return lineError(n, "want table FAMILY NAME {")
				}
				if !slices.Contains([]string{"inet", "ip", "ip6"}, toks[1]) || len(toks) != 4 {
					return lineError(n, "table %s: zonewarden replays inet, ip and ip6 tables (FAMILY NAME {)", strings.Join(toks[1:len(toks)-1], " "))
				}
				stack = append(stack, block{"table", toks[2]})
				toks = nil
			case len(stack) == 1 && toks[0] == "chain":
				if len(toks) != 3 || toks[2] != "{" {
					return lineError(n, "want chain NAME {")
				}
				stack = append(stack, block{"chain", toks[1]})
				chain = &nftChain{name: toks[1], line: n}
				chains = append(chains, chain)
				toks = nil
			case len(stack) == 2 && chain != nil:
				rest, err := chain.statement(toks, n)
				if err != nil {
					return err
				}
				toks = rest
			case len(stack) == 0 && toks[0] == "flush" && len(toks) >= 2 && toks[1] == "ruleset":
				toks = toks[2:]
			default:
				return lineError(n, "nftables syntax zonewarden does not understand: %q", strings.Join(clean(toks), " "))
			}
		}
	}
	if err := sc.Err(); err != nil {
		return err
	}
	if len(stack) > 0 {
		return lineError(n, "end of file inside %s %s: a } is missing", stack[len(stack)-1].kind, stack[len(stack)-1].name)
	}
	var fwd []*nftChain
	for _, c := range chains {
		if c.hook == "forward" {
			fwd = append(fwd, c)
		}
	}
	switch len(fwd) {
	case 0:
		return errors.New("no base chain with hook forward: nothing filters traffic between zones")
	case 1:
	default:
		return lineError(fwd[1].line, "a second forward chain (after line %d): zonewarden replays one", fwd[0].line)
	}
	rs.Policy = fwd[0].policy
	if rs.Policy == "" {
		rs.Policy = "accept" // nftables' default policy
	}
	rs.Rules = fwd[0].rules
	return nil
}

type nftChain struct {
	name, hook, policy string
	line               int
	rules              []FirewallRule
}

// clean unmarks quoted strings for messages.
func clean(toks []string) []string {
	out := make([]string, len(toks))
	for i, t := range toks {
		if s, ok := strings.CutPrefix(t, "\x00"); ok {
			t = strconv.Quote(s)
		}
		out[i] = t
	}
	return out
}

// statement reads a chain's type/policy declaration or one rule, up to a ; or the end.
func (c *nftChain) statement(toks []string, n int) ([]string, error) {
	// The statement ends at a ; or at the } that closes the chain; a set's braces are
	// part of it.
	end, depth := len(toks), 0
scan:
	for i, t := range toks {
		switch t {
		case "{":
			depth++
		case "}":
			if depth == 0 {
				end = i
				break scan
			}
			depth--
		case ";":
			if depth == 0 {
				end = i
				break scan
			}
		}
	}
	stmt, rest := toks[:end], toks[end:]
	if len(stmt) == 0 {
		return rest, nil
	}
	switch stmt[0] {
	case "type":
		// type filter hook forward priority filter
		if len(stmt) < 4 || stmt[1] != "filter" || stmt[2] != "hook" {
			return nil, lineError(n, "chain %s: want type filter hook HOOK priority P", c.name)
		}
		c.hook = stmt[3]
		return rest, nil
	case "policy":
		if len(stmt) != 2 || (stmt[1] != "accept" && stmt[1] != "drop") {
			return nil, lineError(n, "chain %s: policy is accept or drop", c.name)
		}
		c.policy = stmt[1]
		return rest, nil
	}
	r, err := nftRule(stmt, n)
	if err != nil {
		return nil, err
	}
	c.rules = append(c.rules, r)
	return rest, nil
}

// nftValues reads one value or a set { a, b } at toks[0]; it returns the values and the
// tokens left.
func nftValues(toks []string, n int) ([]string, []string, error) {
	if len(toks) == 0 {
		return nil, nil, lineError(n, "a match without a value")
	}
	if toks[0] != "{" {
		// One value, or a list written a,b,c (ct state established,related).
		vals := []string{toks[0]}
		i := 1
		for i+1 < len(toks) && toks[i] == "," {
			vals = append(vals, toks[i+1])
			i += 2
		}
		return vals, toks[i:], nil
	}
	var vals []string
	for i := 1; i < len(toks); i++ {
		switch toks[i] {
		case "}":
			if len(vals) == 0 {
				return nil, nil, lineError(n, "an empty set")
			}
			return vals, toks[i+1:], nil
		case ",", "{":
			if toks[i] == "{" {
				return nil, nil, lineError(n, "a set inside a set")
			}
		default:
			vals = append(vals, toks[i])
		}
	}
	return nil, nil, lineError(n, "a set without its closing }")
}

func nftRule(toks []string, n int) (FirewallRule, error) {
	r := FirewallRule{Line: n}
	for len(toks) > 0 {
		t := toks[0]
		var vals []string
		var err error
		switch t {
		case "ip", "ip6":
			fam := 4
			if t == "ip6" {
				fam = 6
			}
			if r.Family != 0 && r.Family != fam {
				return r, lineError(n, "a rule matching both ip and ip6 never matches")
			}
			r.Family = fam
			if len(toks) < 2 {
				return r, lineError(n, "%s without saddr, daddr or protocol", t)
			}
			field := toks[1]
			if vals, toks, err = nftValues(toks[2:], n); err != nil {
				return r, err
			}
			switch field {
			case "saddr", "daddr":
				ps, err := prefixes(vals, n)
				if err != nil {
					return r, err
				}
				if field == "saddr" {
					r.Src = append(r.Src, ps...)
				} else {
					r.Dst = append(r.Dst, ps...)
				}
			case "protocol", "nexthdr":
				if r.Protos, err = protoNames(vals, n); err != nil {
					return r, err
				}
			default:
				return r, lineError(n, "%s %s: zonewarden replays saddr, daddr and protocol", t, field)
			}
			continue
		case "tcp", "udp":
			if len(toks) < 2 || toks[1] != "dport" {
				return r, lineError(n, "%s %s: zonewarden replays destination ports (dport) only: the inventory keeps no client ports", t, strings.Join(clean(toks[1:min(2, len(toks))]), ""))
			}
			if vals, toks, err = nftValues(toks[2:], n); err != nil {
				return r, err
			}
			r.Protos = []string{t}
			if r.DPorts, err = portRanges(vals, "-", n); err != nil {
				return r, err
			}
			continue
		case "meta":
			if len(toks) < 2 || toks[1] != "l4proto" {
				return r, lineError(n, "meta %s: zonewarden replays meta l4proto only", strings.Join(clean(toks[1:min(2, len(toks))]), ""))
			}
			if vals, toks, err = nftValues(toks[2:], n); err != nil {
				return r, err
			}
			if r.Protos, err = protoNames(vals, n); err != nil {
				return r, err
			}
			continue
		case "ct":
			if len(toks) < 2 || toks[1] != "state" {
				return r, lineError(n, "ct %s: zonewarden replays ct state only", strings.Join(clean(toks[1:min(2, len(toks))]), ""))
			}
			if vals, toks, err = nftValues(toks[2:], n); err != nil {
				return r, err
			}
			if r.States, err = ctStates(vals, n); err != nil {
				return r, err
			}
			continue
		case "counter":
			toks = toks[1:]
			if len(toks) >= 4 && toks[0] == "packets" && toks[2] == "bytes" {
				toks = toks[4:]
			}
			continue
		case "log":
			toks = toks[1:]
			for len(toks) >= 2 && (toks[0] == "prefix" || toks[0] == "level" || toks[0] == "group") {
				toks = toks[2:]
			}
			continue
		case "comment":
			if len(toks) < 2 || !strings.HasPrefix(toks[1], "\x00") {
				return r, lineError(n, "comment wants a quoted string")
			}
			r.Comment = toks[1][1:]
			toks = toks[2:]
			continue
		case "accept", "drop", "reject":
			if r.Action != "" {
				return r, lineError(n, "two verdicts in one rule")
			}
			r.Action = t
			toks = toks[1:]
			// reject with tcp reset | with icmp [type] port-unreachable
			if t == "reject" && len(toks) >= 3 && toks[0] == "with" {
				toks = toks[2:]
				if toks[0] == "type" && len(toks) >= 2 {
					toks = toks[1:]
				}
				toks = toks[1:]
			}
			continue
		}
		return r, lineError(n, "nftables syntax zonewarden does not understand: %q (it replays ip/ip6 saddr and daddr, tcp/udp dport, meta l4proto, ct state, counter, log, comment and accept, drop, reject)",
			strings.Join(clean(toks), " "))
	}
	return r, nil
}

// ---- iptables-restore -----------------------------------------------------------------

// shellWords splits an iptables-restore line into words, honouring double quotes.
func shellWords(line string, n int) ([]string, error) {
	var out []string
	var cur strings.Builder
	in, quoted := false, false
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case c == '"':
			in, quoted = !in, true
		case c == '\\' && in && i+1 < len(line):
			i++
			cur.WriteByte(line[i])
		case (c == ' ' || c == '\t' || c == '\r') && !in:
			if cur.Len() > 0 || quoted {
				out = append(out, cur.String())
				cur.Reset()
				quoted = false
			}
		default:
			cur.WriteByte(c)
		}
	}
	if in {
		return nil, lineError(n, "unterminated quoted string")
	}
	if cur.Len() > 0 || quoted {
		out = append(out, cur.String())
	}
	return out, nil
}

func parseIptables(b []byte, rs *Ruleset) error {
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	n := 0
	table := ""
	sawFilter := false
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
			continue
		case strings.HasPrefix(line, "*"):
			table = line[1:]
			if table == "filter" {
				sawFilter = true
			}
			continue
		case line == "COMMIT":
			table = ""
			continue
		}
		if table == "" {
			return lineError(n, "%q outside a table: iptables-restore files start a table with *filter and end it with COMMIT", line)
		}
		if table != "filter" {
			continue // nat, mangle and raw tables do not decide what passes
		}
		if strings.HasPrefix(line, ":") {
			f := strings.Fields(line[1:])
			if len(f) < 2 {
				return lineError(n, "want :CHAIN POLICY [packets:bytes]")
			}
			if f[0] == "FORWARD" {
				switch f[1] {
				case "ACCEPT", "DROP":
					rs.Policy = strings.ToLower(f[1])
				default:
					return lineError(n, "FORWARD policy %s: want ACCEPT or DROP", f[1])
				}
			}
			continue
		}
		words, err := shellWords(line, n)
		if err != nil {
			return err
		}
		if len(words) < 2 || (words[0] != "-A" && words[0] != "--append") {
			return lineError(n, "iptables-restore syntax zonewarden does not understand: %q (it replays -A rules)", line)
		}
		if words[1] != "FORWARD" {
			continue // INPUT and OUTPUT concern the firewall itself, not traffic between zones
		}
		r, err := iptRule(words[2:], n)
		if err != nil {
			return err
		}
		rs.Rules = append(rs.Rules, r)
	}
	if err := sc.Err(); err != nil {
		return err
	}
	if table != "" {
		return lineError(n, "table %s has no COMMIT", table)
	}
	if !sawFilter {
		return errors.New("no *filter table: nothing filters traffic between zones")
	}
	if rs.Policy == "" {
		rs.Policy = "accept" // the built-in chains' default
	}
	return nil
}

func iptRule(w []string, n int) (FirewallRule, error) {
	r := FirewallRule{Line: n}
	arg := func(i int) (string, error) {
		if i+1 >= len(w) {
			return "", lineError(n, "%s wants a value", w[i])
		}
		if strings.HasPrefix(w[i+1], "!") || w[i+1] == "!" {
			return "", lineError(n, "negated matches (!) are not replayed")
		}
		return w[i+1], nil
	}
	for i := 0; i < len(w); i++ {
		var v string
		var err error
		switch w[i] {
		case "!":
			return r, lineError(n, "negated matches (!) are not replayed")
		case "-s", "--source", "-d", "--destination":
			if v, err = arg(i); err != nil {
				return r, err
			}
			ps, err := prefixes(strings.Split(v, ","), n)
			if err != nil {
				return r, err
			}
			if w[i] == "-s" || w[i] == "--source" {
				r.Src = append(r.Src, ps...)
			} else {
				r.Dst = append(r.Dst, ps...)
			}
			i++
		case "-p", "--protocol":
			if v, err = arg(i); err != nil {
				return r, err
			}
			if v != "all" {
				if r.Protos, err = protoNames([]string{v}, n); err != nil {
					return r, err
				}
			}
			i++
		case "--dport", "--destination-port", "--dports", "--destination-ports":
			if v, err = arg(i); err != nil {
				return r, err
			}
			if r.DPorts, err = portRanges(strings.Split(v, ","), ":", n); err != nil {
				return r, err
			}
			i++
		case "-m", "--match":
			if v, err = arg(i); err != nil {
				return r, err
			}
			if !slices.Contains([]string{"conntrack", "state", "multiport", "comment", "tcp", "udp", "icmp"}, v) {
				return r, lineError(n, "match module %s is not replayed (zonewarden replays conntrack, state, multiport, comment, tcp and udp)", v)
			}
			i++
		case "--ctstate", "--state":
			if v, err = arg(i); err != nil {
				return r, err
			}
			if r.States, err = ctStates(strings.Split(strings.ToLower(v), ","), n); err != nil {
				return r, err
			}
			i++
		case "--comment":
			if v, err = arg(i); err != nil {
				return r, err
			}
			r.Comment = v
			i++
		case "-j", "--jump":
			if v, err = arg(i); err != nil {
				return r, err
			}
			switch v {
			case "ACCEPT", "DROP", "REJECT":
				r.Action = strings.ToLower(v)
			case "LOG":
			default:
				return r, lineError(n, "-j %s: zonewarden replays ACCEPT, DROP, REJECT and LOG, not jumps to other chains", v)
			}
			i++
		case "--log-prefix", "--log-level", "--reject-with", "--icmp-type":
			if _, err = arg(i); err != nil {
				return r, err
			}
			i++
		default:
			return r, lineError(n, "iptables option %s is not replayed (zonewarden replays -s, -d, -p, --dport, -m conntrack/state/multiport/comment and -j)", w[i])
		}
	}
	return r, nil
}

// ---- values ---------------------------------------------------------------------------

func prefixes(vals []string, n int) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, v := range vals {
		v = strings.TrimSpace(v)
		if v == "" {
			continue
		}
		if p, err := netip.ParsePrefix(v); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(v)
		if err != nil {
			return nil, lineError(n, "%q is neither an address nor a network (host names and named sets are not replayed)", v)
		}
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}

func portRanges(vals []string, sep string, n int) ([]PortRange, error) {
	var out []PortRange
	for _, v := range vals {
		v = strings.TrimSpace(v)
		if v == "" {
			continue
		}
		lo, hi, isRange := strings.Cut(v, sep)
		a, err := strconv.ParseUint(lo, 10, 16)
		if err != nil {
			return nil, lineError(n, "%q is not a port (service names are not replayed)", v)
		}
		b := a
		if isRange {
			if b, err = strconv.ParseUint(hi, 10, 16); err != nil || b < a {
				return nil, lineError(n, "%q is not a port range", v)
			}
		}
		out = append(out, PortRange{uint16(a), uint16(b)})
	}
	return out, nil
}

func protoNames(vals []string, n int) ([]string, error) {
	var out []string
	for _, v := range vals {
		switch v = strings.ToLower(strings.TrimSpace(v)); v {
		case "tcp", "6":
			out = append(out, "tcp")
		case "udp", "17":
			out = append(out, "udp")
		case "icmp", "1":
			out = append(out, "icmp")
		case "ipv6-icmp", "icmpv6", "58":
			out = append(out, "icmpv6")
		default:
			return nil, lineError(n, "protocol %q is not replayed (tcp, udp, icmp, ipv6-icmp)", v)
		}
	}
	return out, nil
}

func ctStates(vals []string, n int) ([]string, error) {
	var out []string
	for _, v := range vals {
		v = strings.TrimSpace(v)
		if !slices.Contains([]string{"new", "established", "related", "invalid", "untracked"}, v) {
			return nil, lineError(n, "connection state %q: want new, established, related, invalid or untracked", v)
		}
		out = append(out, v)
	}
	return out, nil
}
