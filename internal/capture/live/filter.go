package live

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"

	"golang.org/x/net/bpf"
)

// CompileFilter compiles a capture filter in the syntax of pcap-filter(7) into a classic
// BPF program for Ethernet frames, as the kernel runs it on an AF_PACKET socket. It
// knows this subset:
//
//	[src|dst] host ADDR        IPv4 or IPv6 address (IPv4 also matches ARP)
//	[src|dst] net CIDR         address prefix, such as 10.1.0.0/16
//	[tcp|udp] [src|dst] port N
//	[tcp|udp] [src|dst] portrange N-M
//	ip ip6 arp tcp udp icmp icmp6
//	ether [src|dst] host MAC, ether proto N (a number, or ip, ip6, arp)
//	vlan [ID]                  802.1Q tagged (the kernel reports the tag apart)
//	not ! and && or || ( )
//
// The empty filter accepts everything (a nil program).
func CompileFilter(expr string) ([]bpf.RawInstruction, error) {
	if strings.TrimSpace(expr) == "" {
		return nil, nil
	}
	p := &parser{toks: tokenize(expr)}
	n, err := p.expr()
	if err != nil {
		return nil, fmt.Errorf("filter %q: %w", expr, err)
	}
	if p.pos < len(p.toks) {
		return nil, fmt.Errorf("filter %q: unexpected %q", expr, p.toks[p.pos])
	}
	prog, err := generate(n)
	if err != nil {
		return nil, fmt.Errorf("filter %q: %w", expr, err)
	}
	return bpf.Assemble(prog)
}

func tokenize(s string) []string {
	var toks []string
	i := 0
	for i < len(s) {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n':
			i++
		case c == '(' || c == ')':
			toks = append(toks, string(c))
			i++
		case c == '!':
			toks = append(toks, "not")
			i++
		case strings.HasPrefix(s[i:], "&&"):
			toks = append(toks, "and")
			i += 2
		case strings.HasPrefix(s[i:], "||"):
			toks = append(toks, "or")
			i += 2
		default:
			j := i
			for j < len(s) && !strings.ContainsRune(" \t\n()!&|", rune(s[j])) {
				j++
			}
			if j == i { // a lone & or |
				j++
			}
			toks = append(toks, s[i:j])
			i = j
		}
	}
	return toks
}

// node is a filter expression: a combination, or a test of the frame.
type node struct {
	op       string // and, or, not, test
	kids     []*node
	test     func(g *gen, t, f int) // emits the test, jumping to label t or f
	describe string
}

type parser struct {
	toks []string
	pos  int
}

func (p *parser) peek() string {
	if p.pos < len(p.toks) {
		return p.toks[p.pos]
	}
	return ""
}

func (p *parser) next() string {
	t := p.peek()
	if t != "" {
		p.pos++
	}
	return t
}

func (p *parser) expr() (*node, error) {
	n, err := p.term()
	if err != nil {
		return nil, err
	}
	for p.peek() == "or" {
		p.next()
		m, err := p.term()
		if err != nil {
			return nil, err
		}
		n = &node{op: "or", kids: []*node{n, m}}
	}
	return n, nil
}

func (p *parser) term() (*node, error) {
	n, err := p.factor()
	if err != nil {
		return nil, err
	}
	for p.peek() == "and" {
		p.next()
		m, err := p.factor()
		if err != nil {
			return nil, err
		}
		n = &node{op: "and", kids: []*node{n, m}}
	}
	return n, nil
}

func (p *parser) factor() (*node, error) {
	switch t := p.peek(); t {
	case "not":
		p.next()
		n, err := p.factor()
		if err != nil {
			return nil, err
		}
		return &node{op: "not", kids: []*node{n}}, nil
	case "(":
		p.next()
		n, err := p.expr()
		if err != nil {
			return nil, err
		}
		if p.next() != ")" {
			return nil, errors.New("missing )")
		}
		return n, nil
	case "":
		return nil, errors.New("expression ends too early")
	}
	return p.primitive()
}

// Directions of address and port tests.
const (
	either = iota
	src
	dst
)

func (p *parser) direction() int {
	switch p.peek() {
	case "src":
		p.next()
		return src
	case "dst":
		p.next()
		return dst
	}
	return either
}

var protoKeywords = map[string]bool{"ip": true, "ip6": true, "arp": true, "tcp": true, "udp": true, "icmp": true, "icmp6": true, "ether": true}

func (p *parser) primitive() (*node, error) {
	dir := p.direction()
	proto := ""
	if protoKeywords[p.peek()] {
		proto = p.next()
		switch p.peek() {
		case "src", "dst":
			if dir != either {
				return nil, errors.New("src or dst given twice")
			}
			dir = p.direction()
		case "host", "net", "port", "portrange", "proto":
		default:
			if proto == "ether" {
				return nil, fmt.Errorf("expected host, proto, src or dst after ether, got %q", p.peek())
			}
			if dir != either {
				return nil, fmt.Errorf("%q cannot follow src or dst", proto)
			}
			return protocolTest(proto), nil
		}
	}
	kw := p.next()
	if proto == "ether" {
		if kw == "proto" {
			return p.etherProto()
		}
		if kw != "host" {
			p.pos-- // "ether src MAC"
		}
		return p.etherHost(dir)
	}
	switch kw {
	case "host", "net":
		return p.address(kw, proto, dir)
	case "port", "portrange":
		if proto != "" && proto != "tcp" && proto != "udp" {
			return nil, fmt.Errorf("port needs tcp or udp, not %s", proto)
		}
		return p.port(kw, proto, dir)
	case "vlan":
		if dir != either || proto != "" {
			return nil, errors.New("vlan takes no qualifier")
		}
		if id, err := strconv.ParseUint(p.peek(), 10, 12); err == nil {
			p.next()
			return vlanTest(int(id)), nil
		}
		return vlanTest(-1), nil
	case "":
		return nil, errors.New("expression ends too early")
	}
	return nil, fmt.Errorf("unknown primitive %q", kw)
}

func (p *parser) address(kw, proto string, dir int) (*node, error) {
	s := p.next()
	var pfx netip.Prefix
	var err error
	if kw == "host" {
		var a netip.Addr
		if a, err = netip.ParseAddr(s); err == nil {
			pfx = netip.PrefixFrom(a, a.BitLen())
		}
	} else {
		pfx, err = netip.ParsePrefix(s)
		if err == nil && pfx.Masked() != pfx {
			err = fmt.Errorf("host bits set in %s", s)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("%s needs an address: %q: %w", kw, s, err)
	}
	switch {
	case pfx.Addr().Is4() && (proto == "" || proto == "ip" || proto == "arp"):
		var kids []*node
		if proto != "arp" {
			kids = append(kids, and(etherType(0x0800), ipv4AddrTest(dir, pfx)))
		}
		if proto != "ip" {
			kids = append(kids, and(etherType(0x0806), arpAddrTest(dir, pfx)))
		}
		return or(kids...), nil
	case pfx.Addr().Is6() && (proto == "" || proto == "ip6"):
		return and(etherType(0x86dd), ipv6AddrTest(dir, pfx)), nil
	}
	return nil, fmt.Errorf("%s %s does not go with %s", kw, s, proto)
}

func (p *parser) port(kw, proto string, dir int) (*node, error) {
	s := p.next()
	lo, hi := s, s
	if kw == "portrange" {
		var ok bool
		if lo, hi, ok = strings.Cut(s, "-"); !ok {
			return nil, fmt.Errorf("portrange needs LOW-HIGH, got %q", s)
		}
	}
	l, err1 := strconv.ParseUint(lo, 10, 16)
	h, err2 := strconv.ParseUint(hi, 10, 16)
	if err1 != nil || err2 != nil || l > h {
		return nil, fmt.Errorf("%s needs a port number (0-65535), got %q", kw, s)
	}
	var protos []uint8
	switch proto {
	case "tcp":
		protos = []uint8{6}
	case "udp":
		protos = []uint8{17}
	default:
		protos = []uint8{6, 17}
	}
	var v4, v6 []*node
	for _, pr := range protos {
		v4 = append(v4, ipv4ProtoTest(pr))
		v6 = append(v6, ipv6NextTest(pr))
	}
	return or(
		and(etherType(0x0800), or(v4...), ipv4NotLaterFragment(), ipv4PortTest(dir, uint16(l), uint16(h))),
		and(etherType(0x86dd), or(v6...), ipv6PortTest(dir, uint16(l), uint16(h))),
	), nil
}

func (p *parser) etherHost(dir int) (*node, error) {
	s := p.next()
	mac, err := net.ParseMAC(s)
	if err != nil || len(mac) != 6 {
		return nil, fmt.Errorf("ether host needs a MAC address, got %q", s)
	}
	return etherAddrTest(dir, [6]byte(mac)), nil
}

func (p *parser) etherProto() (*node, error) {
	s := strings.TrimPrefix(p.next(), `\`) // libpcap spells the names \ip, \arp
	switch s {
	case "ip":
		return etherType(0x0800), nil
	case "ip6":
		return etherType(0x86dd), nil
	case "arp":
		return etherType(0x0806), nil
	}
	v, err := strconv.ParseUint(s, 0, 16)
	if err != nil {
		return nil, fmt.Errorf("ether proto needs a number or ip, ip6, arp; got %q", s)
	}
	return etherType(uint16(v)), nil
}

func protocolTest(proto string) *node {
	switch proto {
	case "ip":
		return etherType(0x0800)
	case "ip6":
		return etherType(0x86dd)
	case "arp":
		return etherType(0x0806)
	case "icmp":
		return and(etherType(0x0800), ipv4ProtoTest(1))
	case "icmp6":
		return and(etherType(0x86dd), ipv6NextTest(58))
	}
	n := uint8(6)
	if proto == "udp" {
		n = 17
	}
	return or(and(etherType(0x0800), ipv4ProtoTest(n)), and(etherType(0x86dd), ipv6NextTest(n)))
}

func and(kids ...*node) *node { return &node{op: "and", kids: kids} }
func or(kids ...*node) *node {
	if len(kids) == 1 {
		return kids[0]
	}
	return &node{op: "or", kids: kids}
}

// Tests of the frame. Offsets are from the start of the Ethernet header (14 bytes).

func etherType(t uint16) *node {
	return &node{op: "test", test: func(g *gen, yes, no int) {
		g.emit(bpf.LoadAbsolute{Off: 12, Size: 2})
		g.jeq(uint32(t), yes, no)
	}}
}

func ipv4ProtoTest(p uint8) *node {
	return &node{op: "test", test: func(g *gen, yes, no int) {
		g.emit(bpf.LoadAbsolute{Off: 23, Size: 1})
		g.jeq(uint32(p), yes, no)
	}}
}

func ipv6NextTest(p uint8) *node {
	return &node{op: "test", test: func(g *gen, yes, no int) {
		g.emit(bpf.LoadAbsolute{Off: 20, Size: 1})
		g.jeq(uint32(p), yes, no)
	}}
}

func ipv4NotLaterFragment() *node {
	return &node{op: "test", test: func(g *gen, yes, no int) {
		g.emit(bpf.LoadAbsolute{Off: 20, Size: 2})
		g.jset(0x1fff, no, yes)
	}}
}

// portCheck tests the port loaded in A against [lo, hi].
func portCheck(g *gen, lo, hi uint16, yes, no int) {
	if lo == hi {
		g.jeq(uint32(lo), yes, no)
		return
	}
	next := g.label()
	g.jump(bpf.JumpGreaterOrEqual, uint32(lo), next, no)
	g.place(next)
	g.jump(bpf.JumpGreaterThan, uint32(hi), no, yes)
}

func ipv4PortTest(dir int, lo, hi uint16) *node {
	return &node{op: "test", test: func(g *gen, yes, no int) {
		g.emit(bpf.LoadMemShift{Off: 14})
		if dir != dst {
			g.emit(bpf.LoadIndirect{Off: 14, Size: 2})
			if dir == src {
				portCheck(g, lo, hi, yes, no)
				return
			}
			other := g.label()
			portCheck(g, lo, hi, yes, other)
			g.place(other)
		}
		g.emit(bpf.LoadIndirect{Off: 16, Size: 2})
		portCheck(g, lo, hi, yes, no)
	}}
}

func ipv6PortTest(dir int, lo, hi uint16) *node {
	return &node{op: "test", test: func(g *gen, yes, no int) {
		if dir != dst {
			g.emit(bpf.LoadAbsolute{Off: 54, Size: 2})
			if dir == src {
				portCheck(g, lo, hi, yes, no)
				return
			}
			other := g.label()
			portCheck(g, lo, hi, yes, other)
			g.place(other)
		}
		g.emit(bpf.LoadAbsolute{Off: 56, Size: 2})
		portCheck(g, lo, hi, yes, no)
	}}
}

// wordsTest compares the 32-bit words at offsets with want under masks.
func wordsTest(g *gen, off uint32, want, mask []uint32, yes, no int) {
	for i := range want {
		g.emit(bpf.LoadAbsolute{Off: off + 4*uint32(i), Size: 4})
		if mask[i] != 0xffffffff {
			g.emit(bpf.ALUOpConstant{Op: bpf.ALUOpAnd, Val: mask[i]})
		}
		if i == len(want)-1 {
			g.jeq(want[i], yes, no)
		} else {
			next := g.label()
			g.jeq(want[i], next, no)
			g.place(next)
		}
	}
}

func prefixWords(pfx netip.Prefix) (want, mask []uint32) {
	b := pfx.Addr().AsSlice()
	bits := pfx.Bits()
	for i := 0; i < len(b) && bits > 0; i += 4 {
		m := uint32(0xffffffff)
		if bits < 32 {
			m = ^uint32(0) << (32 - bits)
		}
		want = append(want, binary.BigEndian.Uint32(b[i:])&m)
		mask = append(mask, m)
		bits -= 32
	}
	return want, mask
}

func addrTest(dir int, srcOff, dstOff uint32, pfx netip.Prefix) *node {
	want, mask := prefixWords(pfx)
	return &node{op: "test", test: func(g *gen, yes, no int) {
		if len(want) == 0 { // a /0 prefix matches every address
			g.ja(yes)
			return
		}
		switch dir {
		case src:
			wordsTest(g, srcOff, want, mask, yes, no)
		case dst:
			wordsTest(g, dstOff, want, mask, yes, no)
		default:
			other := g.label()
			wordsTest(g, srcOff, want, mask, yes, other)
			g.place(other)
			wordsTest(g, dstOff, want, mask, yes, no)
		}
	}}
}

func ipv4AddrTest(dir int, pfx netip.Prefix) *node { return addrTest(dir, 26, 30, pfx) }
func arpAddrTest(dir int, pfx netip.Prefix) *node  { return addrTest(dir, 28, 38, pfx) }
func ipv6AddrTest(dir int, pfx netip.Prefix) *node { return addrTest(dir, 22, 38, pfx) }

func etherAddrTest(dir int, mac [6]byte) *node {
	hi := uint32(binary.BigEndian.Uint16(mac[:2]))
	lo := binary.BigEndian.Uint32(mac[2:])
	one := func(g *gen, off uint32, yes, no int) {
		next := g.label()
		g.emit(bpf.LoadAbsolute{Off: off + 2, Size: 4})
		g.jeq(lo, next, no)
		g.place(next)
		g.emit(bpf.LoadAbsolute{Off: off, Size: 2})
		g.jeq(hi, yes, no)
	}
	return &node{op: "test", test: func(g *gen, yes, no int) {
		switch dir {
		case src:
			one(g, 6, yes, no)
		case dst:
			one(g, 0, yes, no)
		default:
			other := g.label()
			one(g, 6, yes, other)
			g.place(other)
			one(g, 0, yes, no)
		}
	}}
}

// vlanTest matches tagged frames: the kernel takes the tag out of the frame and reports
// it through the ancillary VLAN fields (a tag still in the frame is matched too).
func vlanTest(id int) *node {
	return &node{op: "test", test: func(g *gen, yes, no int) {
		inFrame := g.label()
		g.emit(bpf.LoadExtension{Num: bpf.ExtVLANTagPresent})
		if id < 0 {
			g.jeq(0, inFrame, yes)
			g.place(inFrame)
			g.emit(bpf.LoadAbsolute{Off: 12, Size: 2})
			q := g.label()
			g.jeq(0x8100, yes, q)
			g.place(q)
			g.jeq(0x88a8, yes, no)
			return
		}
		tagged := g.label()
		g.jeq(0, inFrame, tagged)
		g.place(tagged)
		g.emit(bpf.LoadExtension{Num: bpf.ExtVLANTag})
		g.emit(bpf.ALUOpConstant{Op: bpf.ALUOpAnd, Val: 0x0fff})
		g.jeq(uint32(id), yes, no)
		g.place(inFrame)
		q := g.label()
		g.emit(bpf.LoadAbsolute{Off: 12, Size: 2})
		g.jeq(0x8100, q, no)
		g.place(q)
		g.emit(bpf.LoadAbsolute{Off: 14, Size: 2})
		g.emit(bpf.ALUOpConstant{Op: bpf.ALUOpAnd, Val: 0x0fff})
		g.jeq(uint32(id), yes, no)
	}}
}

// gen lays out a program with symbolic jump targets.
type gen struct {
	code   []genInsn
	labels []int // label -> instruction index, -1 until placed
}

type genInsn struct {
	insn    bpf.Instruction
	cond    bool
	test    bpf.JumpTest
	val     uint32
	yes, no int // labels
	always  bool
	target  int
}

func (g *gen) label() int {
	g.labels = append(g.labels, -1)
	return len(g.labels) - 1
}

func (g *gen) place(l int)                { g.labels[l] = len(g.code) }
func (g *gen) emit(i bpf.Instruction)     { g.code = append(g.code, genInsn{insn: i}) }
func (g *gen) jeq(v uint32, yes, no int)  { g.jump(bpf.JumpEqual, v, yes, no) }
func (g *gen) jset(v uint32, yes, no int) { g.jump(bpf.JumpBitsSet, v, yes, no) }
func (g *gen) ja(target int)              { g.code = append(g.code, genInsn{always: true, target: target}) }
func (g *gen) jump(t bpf.JumpTest, v uint32, yes, no int) {
	g.code = append(g.code, genInsn{cond: true, test: t, val: v, yes: yes, no: no})
}

func (g *gen) node(n *node, yes, no int) {
	switch n.op {
	case "test":
		n.test(g, yes, no)
	case "not":
		g.node(n.kids[0], no, yes)
	case "and":
		for i, k := range n.kids {
			if i == len(n.kids)-1 {
				g.node(k, yes, no)
				break
			}
			next := g.label()
			g.node(k, next, no)
			g.place(next)
		}
	case "or":
		for i, k := range n.kids {
			if i == len(n.kids)-1 {
				g.node(k, yes, no)
				break
			}
			next := g.label()
			g.node(k, yes, next)
			g.place(next)
		}
	}
}

// maxInstructions is the kernel's bound on a classic BPF program (BPF_MAXINSNS).
const maxInstructions = 4096

// snapLen is what an accepted packet keeps: all of it.
const snapLen = 262144

func generate(n *node) ([]bpf.Instruction, error) {
	g := &gen{}
	accept, reject := g.label(), g.label()
	g.node(n, accept, reject)
	g.place(accept)
	g.emit(bpf.RetConstant{Val: snapLen})
	g.place(reject)
	g.emit(bpf.RetConstant{Val: 0})
	prog := make([]bpf.Instruction, len(g.code))
	for i, c := range g.code {
		switch {
		case c.always:
			prog[i] = bpf.Jump{Skip: uint32(g.labels[c.target] - i - 1)}
		case c.cond:
			skipT, skipF := g.labels[c.yes]-i-1, g.labels[c.no]-i-1
			if skipT < 0 || skipF < 0 {
				return nil, errors.New("internal error: backward jump")
			}
			if skipT > 255 || skipF > 255 {
				return nil, errors.New("filter too long for classic BPF jumps; simplify it")
			}
			prog[i] = bpf.JumpIf{Cond: c.test, Val: c.val, SkipTrue: uint8(skipT), SkipFalse: uint8(skipF)}
		default:
			prog[i] = c.insn
		}
	}
	if len(prog) > maxInstructions {
		return nil, errors.New("filter too long")
	}
	return prog, nil
}
