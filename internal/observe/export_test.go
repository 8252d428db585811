package observe

// Internals that observe's tests (package observe_test, which imports the built-in
// protocols) read.

// MaxFramingBeforeGivingUp is maxFramingBeforeGivingUp.
const MaxFramingBeforeGivingUp = maxFramingBeforeGivingUp

// QuickShard and ShardOf are the shard of a packet before and after decoding.
var (
	QuickShard = quickShard
	ShardOf    = shardOf
)

// ProtocolOf returns the Protocol app was registered with.
func ProtocolOf(app App) *Protocol { return &protocolsByApp[app] }

// NumApps is one more than the largest registered App.
func NumApps() int { return len(protocolsByApp) }
