// Package discover builds the asset inventory (package inventory) from observations:
// devices keyed by MAC address with the IP addresses they hold (a MAC that forwards for
// many addresses is a router, and the devices beyond it are assets of their own; an
// address held by two MACs is reported), their identity facts with provenance and
// confidence, the vendor of their MAC prefix, a role and a Purdue level inferred from
// behaviour with the evidence, and the conversations between them with packets, bytes,
// times, operations and anomalies. It says what is doubtful about the captures read (one
// read only in part, packet times that are not real dates) in the inventory's warnings.
//
// Builder is an observe.Sink; Build returns the Inventory. FromFiles and FromSource run
// captures or a live source through package observe into it. The statistics of the
// lower layers (capture, decode, observe) become the inventory's own counts in one
// place (sources.go), so that those layers may change without the inventory's JSON
// changing. The package must not know about packets or protocol bytes (package
// observe) or about output formats (package inventory/render).
package discover
