// Package enip parses EtherNet/IP: the encapsulation layer (TCP and UDP port 44818)
// with its commands, the common packet format items, ListIdentity replies, connected
// and unconnected messaging, class-1 I/O datagrams (UDP port 2222), and the CIP
// messages carried inside - service, request path (logical and symbolic segments),
// status, Unconnected_Send and Multiple_Service_Packet embedding, the Identity
// object read with Get_Attributes_All, and the PCCC commands Execute PCCC carries.
// Classify judges a request by its service and the class of the object its path ends
// at (Kind: a firmware update through the Non-Volatile Storage object, a Logix program
// download or upload, a clock change, a PCCC command); a service it cannot classify
// there is KindUnknown with the class none, never a write. Parsing allocates nothing;
// byte-slice fields alias the PDU.
//
// It must not know about flows, captures or the plant model: it is handed one PDU at
// a time (PDULen frames the TCP stream) and its Message is turned into observations by
// later stages. Pairing, the only state it keeps, follows one connection's requests so
// responses, which carry no path, can be tied to the object they answer.
//
// observe.go plugs the parser into the pipeline (package observe): it registers App with
// the handler that turns each parsed PDU into operations, identity facts and anomalies,
// the names of the protocol's operation codes and its detection rules. The parser stays
// pure; neither part knows zones, the plant model, detect or the inventory.
package enip
