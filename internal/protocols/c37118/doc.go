// Package c37118 parses IEEE C37.118.2 synchrophasor frames: the data, header and
// configuration frames phasor measurement units (PMUs) and phasor data concentrators
// (PDCs) send, and the command frames that ask them to start or stop streaming or to send
// their configuration. Every frame starts with a SYNC word (0xAA, the frame type and the
// version), carries its size and ends with a CRC-CCITT. A configuration frame names each
// PMU's station and id.
//
// The parser works on byte slices without allocating and bounds the PMU blocks it keeps
// (MaxStations). observe.go registers the protocol with the pipeline: station identities,
// commands counted (data on and off as session control, configuration requests as reads), and the
// alert of a data-off command. It knows nothing of zones or the plant model.
package c37118
