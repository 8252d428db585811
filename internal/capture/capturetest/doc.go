// Package capturetest holds test helpers shared by the packages that read captures:
// finding the public captures (ZONEWARDEN_CAPTURES), loading a capture into memory,
// asking tshark for reference fields, and writing small captures from frame bytes.
// It is imported by tests only.
package capturetest
