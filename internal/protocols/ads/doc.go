// Package ads parses Beckhoff ADS, the TwinCAT automation device protocol: AMS messages on
// TCP 48898 (a 6-byte AMS/TCP header, a 32-byte AMS header with target and source AMS net
// ids and ports, the command and its state flags, then the ADS data), and the discovery
// and route service on UDP 48899 (tagged datagrams that name a device's host and TwinCAT
// version, or add a route for an engineering station, with a user and password in clear).
//
// The parser works on byte slices without allocating. observe.go registers the protocol
// with the pipeline: ADS commands classed (reads, writes, Write Control as a state change),
// the device's AMS net id, host name and versions, and alerts for Write Control, writes and
// route additions. It never keeps a password. It knows nothing of zones or the plant model.
package ads
