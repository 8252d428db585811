package model

import (
	"encoding/hex"
	"slices"
	"strings"
	"time"
)

// Validation of the assurance parts of the model (assurance.go): evidence records,
// countermeasure kinds, effects and compensations, vulnerabilities, the boundary and
// its access points, the environment and component assessments.

func (v *validator) evidence(what string, at Pos, e *Evidence) {
	p := at
	if e.Pos.Line > 0 {
		p = Pos{File: at.File, Line: e.Pos.Line, Col: e.Pos.Col}
	}
	if e.Legacy {
		return // a plain reference: assess reports it as a claim without evidence
	}
	if !slices.Contains(EvidenceKinds, e.Kind) {
		v.add(p, "evidence kinds: "+strings.Join(EvidenceKinds, ", "), "%s: evidence kind %q is not one zonewarden knows", what, e.Kind)
	}
	if strings.TrimSpace(e.Ref) == "" {
		v.add(p, "ref: the file (relative to the model) or URL an auditor opens", "%s: evidence without a ref", what)
	}
	for _, d := range []struct{ name, val string }{{"date", e.Date}, {"expires", e.Expires}} {
		if d.val == "" {
			continue
		}
		if _, err := time.Parse(time.DateOnly, d.val); err != nil {
			v.add(p, "write dates as YYYY-MM-DD", "%s: evidence %s %q is not a date", what, d.name, d.val)
		}
	}
	if e.SHA256 != "" {
		if b, err := hex.DecodeString(e.SHA256); err != nil || len(b) != 32 {
			v.add(p, "sha256 is 64 hexadecimal digits (sha256sum FILE)", "%s: evidence sha256 is not a SHA-256 digest", what)
		}
	}
}

func (v *validator) assurance(c *Countermeasure) {
	what := "countermeasure " + c.ID
	for i := range c.Evidence {
		v.evidence(what, fieldAt(c.Pos, c.node, "evidence", i), &c.Evidence[i])
	}
	if c.Kind != "" && !slices.Contains(CountermeasureKinds, c.Kind) {
		v.add(fieldAt(c.Pos, c.node, "kind", -1), "kinds: "+strings.Join(CountermeasureKinds, ", "), "%s: unknown kind %q", what, c.Kind)
	}
	if c.Effect != "" && !slices.Contains(Effects, c.Effect) {
		v.add(fieldAt(c.Pos, c.node, "effect", -1), "effects: "+strings.Join(Effects, ", "), "%s: unknown effect %q", what, c.Effect)
	}
	for i, id := range c.Addresses {
		if k := v.kinds[id]; k != "threat" && !v.unreadable(id) {
			v.add(fieldAt(c.Pos, c.node, "addresses", i), "addresses takes threat ids", "%s: addresses unknown threat %q", what, id)
		}
	}
	for i, comp := range c.Compensates {
		at := fieldAt(c.Pos, c.node, "compensates", i)
		if comp.FR < 1 || comp.FR > 7 {
			v.add(at, "fr is a foundational requirement, 1 to 7", "%s: compensates FR %d", what, comp.FR)
		}
		if len(comp.Assets) == 0 {
			v.add(at, "name the assets whose missing capability it stands in for", "%s: a compensation for no asset", what)
		}
		for _, a := range comp.Assets {
			if _, ok := v.assets[a]; !ok && !v.unreadable(a) {
				v.add(at, "compensates takes asset ids", "%s: compensates for unknown asset %q", what, a)
			}
		}
		if strings.TrimSpace(comp.Rationale) == "" {
			v.add(at, "say why the measure stands in for the missing capability (62443-3-3 asks for the reasoning)", "%s: a compensation without a rationale", what)
		}
	}
}

func (v *validator) vulnerabilities(t *Threat) {
	what := "threat " + t.ID
	for i, vu := range t.Vulnerabilities {
		at := fieldAt(t.Pos, t.node, "vulnerabilities", i)
		if strings.TrimSpace(vu.ID) == "" {
			v.add(at, "give a CVE, an advisory id or the plant's own reference", "%s: a vulnerability without an id", what)
		}
		if vu.Source != "" && !slices.Contains(VulnerabilitySources, vu.Source) {
			v.add(at, "sources: "+strings.Join(VulnerabilitySources, ", "), "%s: vulnerability %s: unknown source %q", what, vu.ID, vu.Source)
		}
		for _, a := range vu.Assets {
			if _, ok := v.assets[a]; !ok && !v.unreadable(a) {
				v.add(at, "vulnerability assets are asset ids", "%s: vulnerability %s names unknown asset %q", what, vu.ID, a)
			}
		}
		for _, c := range vu.MitigatedBy {
			if k := v.kinds[c]; k != "countermeasure" && !v.unreadable(c) {
				v.add(at, "mitigated_by takes countermeasure ids", "%s: vulnerability %s: mitigated_by unknown countermeasure %q", what, vu.ID, c)
			}
		}
	}
}

func (v *validator) boundary() {
	s := &v.m.System
	if s.EvidenceMonths < 0 {
		v.add(fieldAt(s.Pos, s.node, "evidence_months", -1), "a number of months, 1 or more", "system: evidence_months is negative")
	}
	b := s.Boundary
	if b == nil {
		return
	}
	at := fieldAt(s.Pos, s.node, "boundary", -1)
	for i := range b.AccessPoints {
		ap := &b.AccessPoints[i]
		v.id(ap.ID, "access point", at, nil)
		what := "access point " + ap.ID
		if !slices.Contains(AccessPointKinds, ap.Kind) {
			v.add(at, "kinds: "+strings.Join(AccessPointKinds, ", "), "%s: unknown kind %q", what, ap.Kind)
		}
		if ap.Zone == "" {
			v.add(at, "name the zone it enters", "%s has no zone", what)
		} else if _, ok := v.zones[ap.Zone]; !ok && !v.unreadable(ap.Zone) {
			v.add(at, v.knownZones(), "%s: unknown zone %q", what, ap.Zone)
		}
		if ap.Conduit != "" && v.kinds[ap.Conduit] != "conduit" && !v.unreadable(ap.Conduit) {
			v.add(at, "conduit takes a conduit id", "%s: unknown conduit %q", what, ap.Conduit)
		}
	}
}

func (v *validator) component(c *Component) {
	what := "component " + c.ID
	if !slices.Contains(ComponentTypes, c.Type) {
		v.add(fieldAt(c.Pos, c.node, "type", -1), "types: "+strings.Join(ComponentTypes, ", "), "%s: unknown type %q", what, c.Type)
	}
	for i, id := range c.Meets {
		if v.opts.Requirement == nil {
			continue
		}
		canon, ok := v.opts.Requirement(id)
		if !ok {
			v.add(fieldAt(c.Pos, c.node, "meets", i), "write ids as CR 1.1, CR 1.1 RE 1, EDR 2.13 ...; `zonewarden catalog --standard 62443-4-2` lists them", "%s: unknown requirement %q", what, id)
			continue
		}
		c.Meets[i] = canon
	}
	if c.Level != nil {
		v.level(fieldAt(c.Pos, c.node, "level", -1), what+" level", *c.Level)
		if c.Certificate == nil {
			v.add(fieldAt(c.Pos, c.node, "level", -1), "a level is what a certificate attests: add certificate: {kind: certificate, ref: ..., date: ..., reviewed_by: ...}, or list the requirements it meets", "%s: a level without a certificate", what)
		}
	}
	if c.Certificate != nil {
		v.evidence(what+" certificate", fieldAt(c.Pos, c.node, "certificate", -1), c.Certificate)
	}
}

func (v *validator) assetComponents() {
	for i := range v.m.Assets {
		a := &v.m.Assets[i]
		if a.Component != "" && v.kinds[a.Component] != "component" && !v.unreadable(a.Component) {
			v.add(fieldAt(a.Pos, a.node, "component", -1), "component takes the id of an entry of components:", "asset %s: unknown component %q", a.ID, a.Component)
		}
	}
}
