package enip

import (
	"cmp"
	"iter"
	"slices"
)

//go:generate go run ../../../scripts/gen-enip-vendors -all -o vendors_gen.go

type idName struct {
	id   uint16
	name string
}

func lookup(table []idName, id uint16) string {
	if i, ok := slices.BinarySearchFunc(table, id, func(e idName, id uint16) int { return cmp.Compare(e.id, id) }); ok {
		return table[i].name
	}
	return ""
}

// VendorName returns the name of a CIP vendor id, or "" when the embedded table does
// not have it (see vendors_gen.go for which ids it holds and why).
func VendorName(id uint16) string { return lookup(vendorNames[:], id) }

// DeviceTypeName returns the name of a CIP device type, or "" when the embedded table
// does not have it.
func DeviceTypeName(t uint16) string { return lookup(deviceTypeNames[:], t) }

// Vendors yields every vendor identifier of the table with its name, in ascending order
// (the simulator looks vendors up by name with it).
func Vendors() iter.Seq2[uint16, string] {
	return func(yield func(uint16, string) bool) {
		for _, e := range vendorNames {
			if !yield(e.id, e.name) {
				return
			}
		}
	}
}
