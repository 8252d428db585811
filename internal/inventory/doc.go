// Package inventory merges observations into the asset inventory: devices keyed by MAC
// address with the IP addresses they hold (a MAC that forwards for many addresses is a
// router, and the devices beyond it are assets of their own; an address held by two MACs
// is reported), their identity facts with provenance and confidence, the vendor of their
// MAC prefix, a role and a Purdue level inferred from behaviour with the evidence, and the
// conversations between them with packets, bytes, times, operations and anomalies.
//
// Builder is an observe.Sink; Build returns the Inventory, whose JSON form is documented
// by docs/schemas/inventory.schema.json. The package must not know about packets or
// protocol bytes (package observe) or about output formats (package inventory/render).
package inventory
