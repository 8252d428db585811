package opcua

import "github.com/zonewarden/zonewarden/internal/protocols"

// Service is an OPC UA service, named by its request and response.
type Service uint8

const (
	ServiceUnknown Service = iota
	ServiceFault
	ServiceFindServers
	ServiceFindServersOnNetwork
	ServiceGetEndpoints
	ServiceRegisterServer
	ServiceRegisterServer2
	ServiceOpenSecureChannel
	ServiceCloseSecureChannel
	ServiceCreateSession
	ServiceActivateSession
	ServiceCloseSession
	ServiceCancel
	ServiceAddNodes
	ServiceAddReferences
	ServiceDeleteNodes
	ServiceDeleteReferences
	ServiceBrowse
	ServiceBrowseNext
	ServiceTranslateBrowsePaths
	ServiceRegisterNodes
	ServiceUnregisterNodes
	ServiceQueryFirst
	ServiceQueryNext
	ServiceRead
	ServiceHistoryRead
	ServiceWrite
	ServiceHistoryUpdate
	ServiceCall
	ServiceCreateMonitoredItems
	ServiceModifyMonitoredItems
	ServiceSetMonitoringMode
	ServiceSetTriggering
	ServiceDeleteMonitoredItems
	ServiceCreateSubscription
	ServiceModifySubscription
	ServiceSetPublishingMode
	ServicePublish
	ServiceRepublish
	ServiceTransferSubscriptions
	ServiceDeleteSubscriptions
	numServices
)

var serviceNames = [numServices]string{"unknown", "service_fault", "find_servers", "find_servers_on_network",
	"get_endpoints", "register_server", "register_server2", "open_secure_channel", "close_secure_channel",
	"create_session", "activate_session", "close_session", "cancel", "add_nodes", "add_references",
	"delete_nodes", "delete_references", "browse", "browse_next", "translate_browse_paths_to_node_ids",
	"register_nodes", "unregister_nodes", "query_first", "query_next", "read", "history_read", "write",
	"history_update", "call", "create_monitored_items", "modify_monitored_items", "set_monitoring_mode",
	"set_triggering", "delete_monitored_items", "create_subscription", "modify_subscription",
	"set_publishing_mode", "publish", "republish", "transfer_subscriptions", "delete_subscriptions"}

func (s Service) String() string {
	if s < numServices {
		return serviceNames[s]
	}
	return "unknown"
}

// Binary encoding ids (namespace 0) of the service requests; each response's id is its
// request's plus 3.
const (
	IDServiceFault               uint32 = 397
	IDFindServersRequest         uint32 = 422
	IDGetEndpointsRequest        uint32 = 428
	IDRegisterServerRequest      uint32 = 437
	IDOpenSecureChannelRequest   uint32 = 446
	IDCloseSecureChannelRequest  uint32 = 452
	IDCreateSessionRequest       uint32 = 461
	IDActivateSessionRequest     uint32 = 467
	IDCloseSessionRequest        uint32 = 473
	IDCancelRequest              uint32 = 479
	IDAddNodesRequest            uint32 = 488
	IDAddReferencesRequest       uint32 = 494
	IDDeleteNodesRequest         uint32 = 500
	IDDeleteReferencesRequest    uint32 = 506
	IDBrowseRequest              uint32 = 527
	IDBrowseNextRequest          uint32 = 533
	IDTranslateBrowsePathsReq    uint32 = 554
	IDRegisterNodesRequest       uint32 = 560
	IDUnregisterNodesRequest     uint32 = 566
	IDQueryFirstRequest          uint32 = 615
	IDQueryNextRequest           uint32 = 621
	IDReadRequest                uint32 = 631
	IDHistoryReadRequest         uint32 = 664
	IDWriteRequest               uint32 = 673
	IDHistoryUpdateRequest       uint32 = 700
	IDCallRequest                uint32 = 712
	IDCreateMonitoredItemsReq    uint32 = 751
	IDModifyMonitoredItemsReq    uint32 = 763
	IDSetMonitoringModeRequest   uint32 = 769
	IDSetTriggeringRequest       uint32 = 775
	IDDeleteMonitoredItemsReq    uint32 = 781
	IDCreateSubscriptionRequest  uint32 = 787
	IDModifySubscriptionRequest  uint32 = 793
	IDSetPublishingModeRequest   uint32 = 799
	IDPublishRequest             uint32 = 826
	IDRepublishRequest           uint32 = 832
	IDTransferSubscriptionsReq   uint32 = 841
	IDDeleteSubscriptionsRequest uint32 = 847
	IDFindServersOnNetworkReq    uint32 = 12208
	IDRegisterServer2Request     uint32 = 12211
)

// serviceOf maps a binary encoding id to its service and whether it is a response.
func serviceOf(id uint32) (s Service, response, ok bool) {
	switch id {
	case IDServiceFault:
		return ServiceFault, true, true
	case IDFindServersOnNetworkReq, IDFindServersOnNetworkReq + 1:
		return ServiceFindServersOnNetwork, id != IDFindServersOnNetworkReq, true
	case IDRegisterServer2Request, IDRegisterServer2Request + 1:
		return ServiceRegisterServer2, id != IDRegisterServer2Request, true
	}
	if s := requestService(id); s != ServiceUnknown {
		return s, false, true
	}
	if id >= 3 {
		if s := requestService(id - 3); s != ServiceUnknown {
			return s, true, true
		}
	}
	return ServiceUnknown, false, false
}

func requestService(id uint32) Service {
	switch id {
	case IDFindServersRequest:
		return ServiceFindServers
	case IDGetEndpointsRequest:
		return ServiceGetEndpoints
	case IDRegisterServerRequest:
		return ServiceRegisterServer
	case IDOpenSecureChannelRequest:
		return ServiceOpenSecureChannel
	case IDCloseSecureChannelRequest:
		return ServiceCloseSecureChannel
	case IDCreateSessionRequest:
		return ServiceCreateSession
	case IDActivateSessionRequest:
		return ServiceActivateSession
	case IDCloseSessionRequest:
		return ServiceCloseSession
	case IDCancelRequest:
		return ServiceCancel
	case IDAddNodesRequest:
		return ServiceAddNodes
	case IDAddReferencesRequest:
		return ServiceAddReferences
	case IDDeleteNodesRequest:
		return ServiceDeleteNodes
	case IDDeleteReferencesRequest:
		return ServiceDeleteReferences
	case IDBrowseRequest:
		return ServiceBrowse
	case IDBrowseNextRequest:
		return ServiceBrowseNext
	case IDTranslateBrowsePathsReq:
		return ServiceTranslateBrowsePaths
	case IDRegisterNodesRequest:
		return ServiceRegisterNodes
	case IDUnregisterNodesRequest:
		return ServiceUnregisterNodes
	case IDQueryFirstRequest:
		return ServiceQueryFirst
	case IDQueryNextRequest:
		return ServiceQueryNext
	case IDReadRequest:
		return ServiceRead
	case IDHistoryReadRequest:
		return ServiceHistoryRead
	case IDWriteRequest:
		return ServiceWrite
	case IDHistoryUpdateRequest:
		return ServiceHistoryUpdate
	case IDCallRequest:
		return ServiceCall
	case IDCreateMonitoredItemsReq:
		return ServiceCreateMonitoredItems
	case IDModifyMonitoredItemsReq:
		return ServiceModifyMonitoredItems
	case IDSetMonitoringModeRequest:
		return ServiceSetMonitoringMode
	case IDSetTriggeringRequest:
		return ServiceSetTriggering
	case IDDeleteMonitoredItemsReq:
		return ServiceDeleteMonitoredItems
	case IDCreateSubscriptionRequest:
		return ServiceCreateSubscription
	case IDModifySubscriptionRequest:
		return ServiceModifySubscription
	case IDSetPublishingModeRequest:
		return ServiceSetPublishingMode
	case IDPublishRequest:
		return ServicePublish
	case IDRepublishRequest:
		return ServiceRepublish
	case IDTransferSubscriptionsReq:
		return ServiceTransferSubscriptions
	case IDDeleteSubscriptionsRequest:
		return ServiceDeleteSubscriptions
	}
	return ServiceUnknown
}

// OpClass returns the class of the operation a service performs.
func (s Service) OpClass() protocols.OpClass {
	switch s {
	case ServiceRead, ServiceHistoryRead, ServiceBrowse, ServiceBrowseNext, ServiceTranslateBrowsePaths,
		ServiceRegisterNodes, ServiceUnregisterNodes, ServiceQueryFirst, ServiceQueryNext,
		ServiceCreateMonitoredItems, ServiceModifyMonitoredItems, ServiceSetMonitoringMode, ServiceSetTriggering,
		ServiceDeleteMonitoredItems, ServiceCreateSubscription, ServiceModifySubscription,
		ServiceSetPublishingMode, ServicePublish, ServiceRepublish, ServiceTransferSubscriptions,
		ServiceDeleteSubscriptions:
		return protocols.OpRead
	case ServiceWrite, ServiceHistoryUpdate, ServiceAddNodes, ServiceAddReferences, ServiceDeleteNodes,
		ServiceDeleteReferences:
		return protocols.OpWrite
	case ServiceCall:
		// Methods run functions of the server's own choosing, often commands to the
		// process or the device: treat them as control.
		return protocols.OpControl
	}
	return protocols.OpNone
}
