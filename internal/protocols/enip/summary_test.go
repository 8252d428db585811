package enip_test

import (
	"fmt"
	"strings"

	"github.com/zonewarden/zonewarden/internal/protocols/enip"
)

func pathString(p *enip.Path) string {
	var parts []string
	if p.Has&enip.HasPort != 0 {
		parts = append(parts, fmt.Sprintf("port=%d link=%x", p.Port, p.Link))
	}
	if p.Has&enip.HasClass != 0 {
		parts = append(parts, fmt.Sprintf("class=%#x", p.Class))
	}
	if p.Has&enip.HasInstance != 0 {
		parts = append(parts, fmt.Sprintf("inst=%#x", p.Instance))
	}
	if p.Has&enip.HasAttribute != 0 {
		parts = append(parts, fmt.Sprintf("attr=%d", p.Attribute))
	}
	if p.NumSymbols > 0 {
		parts = append(parts, fmt.Sprintf("tag=%s", p.AppendTagName(nil)))
	} else if p.Has&enip.HasMember != 0 {
		parts = append(parts, fmt.Sprintf("member=%d", p.Member))
	}
	return strings.Join(parts, " ")
}

func cipString(c *enip.CIPMessage) string {
	if c.Response {
		s := fmt.Sprintf("reply svc=%#x status=%d", c.Service, c.GeneralStatus)
		if len(c.ExtStatus) > 0 {
			s += fmt.Sprintf(" ext=%x", c.ExtStatus)
		}
		return s + fmt.Sprintf(" data=%x", c.Data)
	}
	return fmt.Sprintf("req svc=%#x (%s) data=%x", c.Service, pathString(&c.Path), c.Data)
}

func identityString(id *enip.Identity) string {
	s := fmt.Sprintf("vendor=%d(%s) type=%d product=%d rev=%d.%d status=%#04x serial=%#08x name=%q", id.VendorID,
		enip.VendorName(id.VendorID), id.DeviceType, id.ProductCode, id.RevisionMajor, id.RevisionMinor, id.Status,
		id.SerialNumber, id.ProductName)
	if id.HasState {
		s += fmt.Sprintf(" state=%d", id.State)
	}
	if id.Socket.IsValid() {
		s += fmt.Sprintf(" socket=%s", id.Socket)
	}
	return s
}

// summary renders what a test checks of a Message.
func summary(m *enip.Message) string {
	var b strings.Builder
	if m.IO {
		fmt.Fprintf(&b, "io conn=%#x seq=%d cipseq=%d data=%d bytes", m.ConnectionID, m.EncapSequence, m.CIPSequence, len(m.IOData))
		return b.String()
	}
	fmt.Fprintf(&b, "%s len=%d sess=%#x status=%d ctx=%q", enip.CommandName(m.Command), m.Length, m.Session, m.Status,
		strings.TrimRight(string(m.SenderContext[:]), "\x00"))
	if m.Connected {
		fmt.Fprintf(&b, " conn=%#x cipseq=%d", m.ConnectionID, m.CIPSequence)
	}
	if m.HasIdentity {
		fmt.Fprintf(&b, " identity(%s)", identityString(&m.Identity))
	}
	if m.HasCIP {
		fmt.Fprintf(&b, " %s", cipString(&m.CIP))
		if m.Routed {
			fmt.Fprintf(&b, " routed(%s) embedded %s", pathString(&m.Route.Path), cipString(&m.Embedded))
		}
		for i, s := range m.ServiceList() {
			fmt.Fprintf(&b, " [%d] %s", i+1, cipString(&s))
		}
	}
	fmt.Fprintf(&b, " op=%s", m.OpClass())
	return b.String()
}
