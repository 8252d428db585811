// Package livetest sets up a veth pair between two network namespaces for tests of live
// capture, and runs code inside either namespace. It is imported by tests only.
package livetest
