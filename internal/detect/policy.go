package detect

import (
	"net/netip"
	"slices"

	"github.com/zonewarden/zonewarden/internal/alert"
	"github.com/zonewarden/zonewarden/internal/finding"
	"github.com/zonewarden/zonewarden/internal/observe"
	"github.com/zonewarden/zonewarden/internal/policy"
	"github.com/zonewarden/zonewarden/internal/protocols"
)

// place is where an end of an operation sits in the model (the zero place, with no
// model, says nothing).
type place struct {
	pl policy.Place
	ok bool // a model was consulted
}

func (d *Detector) locate(ip netip.Addr) place {
	if d.pol == nil || !ip.IsValid() {
		return place{pl: policy.Nowhere}
	}
	return place{pl: d.pol.Locate(ip, [6]byte{}, false, 0, false), ok: true}
}

// locateEnd places an end by its address, or by its MAC address when it has none
// (protocols below IP).
func (d *Detector) locateEnd(e observe.Endpoint) place {
	if d.pol == nil {
		return place{pl: policy.Nowhere}
	}
	return place{pl: d.pol.Locate(e.IP, e.MAC, e.HasMAC, 0, false), ok: true}
}

func (d *Detector) zoneID(p place) string { return d.pol.ZoneID(p.pl.Zone) }

func (d *Detector) assetID(p place) string {
	if a := d.pol.Asset(p.pl.Asset); a != nil {
		return a.ID
	}
	return ""
}

// judgement is the model's decision on one operation, and the flow it judged.
type judgement struct {
	dec  policy.Decision
	flow policy.Flow
}

// judge asks the policy about an operation: the sender and the receiver placed, the
// client and server told apart by who opened the conversation, the protocol named as the
// model names it, the operation's class as what its sender sent.
func (d *Detector) judge(op *observe.Operation, src, dst place) judgement {
	var j judgement
	f := &j.flow
	switch {
	case op.SrcPort == 0 && op.DstPort == 0:
		f.Transport = "ethernet"
	case op.TCP:
		f.Transport = "tcp"
	default:
		f.Transport = "udp"
	}
	var set protocols.OpSet
	if op.Class != protocols.OpNone {
		set = set.Add(op.Class)
	}
	if op.FromClient {
		f.Client, f.Server, f.ServerPort, f.ClientSent = src.pl, dst.pl, int(op.DstPort), set
	} else {
		f.Client, f.Server, f.ServerPort, f.ServerSent = dst.pl, src.pl, int(op.SrcPort), set
	}
	if n := protocols.ModelName(op.App.String(), op.App.OpName(op.Code)); n != "" {
		f.Names = []string{n}
	}
	j.dec = d.pol.Check(f)
	return j
}

// verdict turns the policy's decision into the alert's.
func verdict(d *policy.Decision) alert.Verdict {
	switch d.Verdict {
	case policy.Allowed:
		return alert.VerdictAllowed
	case policy.Forbidden:
		return alert.VerdictForbidden
	}
	return alert.VerdictUnknown
}

// engineeringKinds are the kinds whose job is to program and configure controllers.
var engineeringKinds = []string{"ews", "engineering-laptop"}

// operatorKinds are the kinds whose job is to read and write process values.
var operatorKinds = []string{"hmi", "scada-server", "historian", "opc-server"}

// rank turns a rule's severity into the alert's. Forbidden by the model, it is the
// severity verify gives the same flow (policy.Severity), or the rule's own when that is
// higher; allowed and done by the kind of device whose job it is, it falls to
// informational; allowed but from another kind, it falls a step; from a device inside
// the plant's networks that the model does not know, it rises a step.
func (d *Detector) rank(base finding.Severity, class protocols.OpClass, j *judgement, src place) finding.Severity {
	if d.pol == nil {
		return base
	}
	s := base
	switch j.dec.Verdict {
	case policy.Forbidden:
		return max(base, d.pol.Severity(&j.dec, &j.flow))
	case policy.Allowed:
		kind := ""
		if a := d.pol.Asset(src.pl.Asset); a != nil {
			kind = a.Kind
		}
		switch {
		case slices.Contains(engineeringKinds, kind):
			s = finding.Info
		case slices.Contains(operatorKinds, kind) && class != protocols.OpProgram && class != protocols.OpControl:
			s = finding.Info
		case src.pl.Asset >= 0:
			s--
		}
	}
	if src.pl.Asset < 0 && src.pl.Zone >= 0 {
		s++ // a device inside the plant's networks that the model does not know
	}
	return max(finding.Info, min(finding.Critical, s))
}

// why says in a few words why the model forbids an operation, for the alert's title.
func (d *Detector) why(j *judgement) string {
	switch j.dec.Violation {
	case "":
		return ""
	case policy.NoConduit, policy.NotListed:
		return "no conduit allows it"
	case policy.OperationKind:
		for _, k := range j.dec.Kind {
			if a := d.pol.Asset(k.Sender); a != nil {
				return "a " + a.Kind + " may not send " + k.Class.String() + " operations"
			}
			return "source not in the model, so it may not send " + k.Class.String() + " operations"
		}
	case policy.OperationNot:
		return "conduit " + d.pol.ConduitID(&j.dec) + " does not allow " + operationClass(j) + " operations"
	}
	return "conduit " + d.pol.ConduitID(&j.dec) + " does not allow it"
}

func operationClass(j *judgement) string {
	for c := protocols.OpRead; c <= protocols.OpDiagnostics; c++ {
		if (j.flow.ClientSent | j.flow.ServerSent).Has(c) {
			return c.String()
		}
	}
	return "these"
}
