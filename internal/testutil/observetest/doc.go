// Package observetest is for tests only: it runs frames and captures through an
// observe.Pipeline into a Recorder, builds the frames (Ethernet, LLC, UDP, TCP
// conversations) around a protocol's payloads, and checks the identity facts, flows and
// operations recorded. The protocols' handler tests (internal/protocols/NAME) and
// observe's own tests share it.
//
// It registers no protocol: a test sees the protocols its package imports (a protocol's
// own package, or internal/protocols/builtin for all of them).
package observetest
