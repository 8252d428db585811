// Package sink delivers alerts to where operators look: standard output, files, syslog
// receivers over UDP, TCP (RFC 6587 octet counting) and TLS (RFC 5425), and webhooks
// (JSON over HTTP POST). Each Sink has its own bounded queue and goroutine, so a
// destination that is slow or down never blocks whoever raises alerts: Send returns at
// once, overflow is dropped and counted, failed deliveries are retried with backoff and
// then counted, and Close reports what was lost. A Router sends each alert to the sinks
// whose minimum severity it reaches.
//
// It must not know how alerts are raised or rendered: formats are package alert's, and
// which sinks exist is the command line's choice.
package sink
