// Package stp recognises the spanning tree protocol's BPDUs (IEEE 802.1D, on LLC to
// 01:80:c2:00:00:00): a device that sends them is a bridge. It has no parser of its own;
// observe.go registers its handler with the pipeline. It knows nothing of zones or the
// plant model.
package stp
