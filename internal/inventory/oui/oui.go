package oui

import (
	_ "embed"
	"slices"
	"strconv"
	"strings"
	"sync"
)

//go:embed oui.tsv
var table string

var (
	once     sync.Once
	prefixes []uint32
	names    []string // substrings of table: no copies
	source   string
)

func load() {
	n := strings.Count(table, "\n")
	prefixes = make([]uint32, 0, n)
	names = make([]string, 0, n)
	for line := range strings.Lines(table) {
		line = strings.TrimRight(line, "\r\n")
		if rest, ok := strings.CutPrefix(line, "# Source: "); ok {
			source = rest
			continue
		}
		hexPrefix, name, ok := strings.Cut(line, "\t")
		if !ok || strings.HasPrefix(line, "#") {
			continue
		}
		p, err := strconv.ParseUint(hexPrefix, 16, 32)
		if err != nil {
			continue
		}
		prefixes = append(prefixes, uint32(p))
		names = append(names, name)
	}
}

// Vendor returns the organisation holding mac's prefix. Locally administered and group
// (multicast) addresses have none.
func Vendor(mac [6]byte) (string, bool) {
	if mac[0]&0x03 != 0 {
		return "", false
	}
	once.Do(load)
	p := uint32(mac[0])<<16 | uint32(mac[1])<<8 | uint32(mac[2])
	if i, ok := slices.BinarySearch(prefixes, p); ok {
		return names[i], true
	}
	return "", false
}

// Source says where the embedded registry copy came from.
func Source() string {
	once.Do(load)
	return source
}

// Len is the number of prefixes in the table.
func Len() int {
	once.Do(load)
	return len(prefixes)
}
