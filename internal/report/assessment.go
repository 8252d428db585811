package report

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/zonewarden/zonewarden/internal/assess"
	"github.com/zonewarden/zonewarden/internal/textsafe"
)

// Assessment writes an assessment result in format f.
func Assessment(w io.Writer, res *assess.Result, f Format) error {
	switch f {
	case Table:
		return assessmentTable(w, res)
	case JSON:
		return assessmentJSON(w, res)
	case Markdown:
		return assessmentMarkdown(w, res)
	case CSV:
		return gapCSV(w, res)
	case HTML:
		return assessmentHTML(w, res)
	}
	return fmt.Errorf("assessment: format %q is not supported", f)
}

// assessmentJSON writes the result as writeJSON would, but one zone, conduit, gap,
// action or finding at a time, so that the JSON of a plant with thousands of zones is
// never held in memory whole.
func assessmentJSON(w io.Writer, res *assess.Result) error {
	if err := writeAssessmentJSON(w, res); err != nil {
		return fmt.Errorf("assessment json: %w", err)
	}
	return nil
}

func writeAssessmentJSON(w io.Writer, res *assess.Result) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	var buf bytes.Buffer
	// put writes v indented for its depth, without the newline the encoder appends.
	put := func(v any, prefix string) error {
		buf.Reset()
		e := json.NewEncoder(&buf)
		e.SetEscapeHTML(false)
		e.SetIndent(prefix, "  ")
		if err := e.Encode(v); err != nil {
			return err
		}
		_, err := bw.Write(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
		return err
	}
	bw.WriteString("{")
	for i, f := range []struct {
		name string
		v    any
	}{{"schema_version", res.SchemaVersion}, {"system", res.System}, {"date", res.Date}, {"approval", res.Approval}, {"summary", res.Summary}, {"risk", res.Risk}} {
		if f.name == "approval" && res.Approval == nil {
			continue // omitted when not checked, as the struct's JSON tag says
		}
		if i > 0 {
			bw.WriteString(",")
		}
		fmt.Fprintf(bw, "\n  %q: ", f.name)
		if err := put(f.v, "  "); err != nil {
			return err
		}
	}
	for _, l := range []struct {
		name string
		n    int
		item func(i int) any
	}{
		{"zones", len(res.Zones), func(i int) any { return &res.Zones[i] }},
		{"conduits", len(res.Conduits), func(i int) any { return &res.Conduits[i] }},
		{"countermeasures", len(res.Countermeasures), func(i int) any { return &res.Countermeasures[i] }},
		{"asset_capabilities", len(res.Capabilities), func(i int) any { return &res.Capabilities[i] }},
		{"gaps", len(res.Gaps), func(i int) any { return &res.Gaps[i] }},
		{"plan", len(res.Plan), func(i int) any { return &res.Plan[i] }},
		{"findings", len(res.Findings), func(i int) any { return &res.Findings[i] }},
		{"observed_violations", len(res.Observed), func(i int) any { return &res.Observed[i] }},
	} {
		if l.name == "observed_violations" && l.n == 0 {
			continue // omitted without captures, as the struct's JSON tag says
		}
		fmt.Fprintf(bw, ",\n  %q: [", l.name)
		for i := 0; i < l.n; i++ {
			if i > 0 {
				bw.WriteString(",")
			}
			bw.WriteString("\n    ")
			if err := put(l.item(i), "    "); err != nil {
				return err
			}
		}
		if l.n > 0 {
			bw.WriteString("\n  ")
		}
		bw.WriteString("]")
	}
	if res.Traffic != nil {
		bw.WriteString(",\n  \"traffic\": ")
		if err := put(res.Traffic, "  "); err != nil {
			return err
		}
	}
	bw.WriteString("\n}\n")
	// bufio keeps its first error: every write above that failed shows here.
	return bw.Flush()
}

// gapCSV writes one row per missing requirement of each gap: the list a team works
// through in a spreadsheet or imports into a tracker. Text cells go through
// textsafe.CSV: no control character and no formula reaches the spreadsheet.
func gapCSV(w io.Writer, res *assess.Result) error {
	cw := csv.NewWriter(w)
	c := textsafe.CSV
	var err error
	put := func(row ...string) {
		if err == nil {
			err = cw.Write(row)
		}
	}
	// sl_achieved is SL-A evidenced; state "claimed" marks a requirement an implemented
	// countermeasure claims without current evidence. A gap that the components' SL-C
	// causes alone has one row with requirement "SL-C" naming the assets in capped_by.
	put("subject", "kind", "fr", "sl_target", "sl_achieved", "requirement", "title", "lowest_sl", "state", "sl_achieved_claimed", "capped_by")
	claimed := map[string]int{}
	for _, list := range [][]assess.Subject{res.Zones, res.Conduits} {
		for _, s := range list {
			for _, st := range s.FRs {
				claimed[s.ID+"\x00"+strconv.Itoa(st.FR)] = st.AchievedClaimed
			}
		}
	}
	for _, g := range res.Gaps {
		cl := strconv.Itoa(claimed[g.Subject+"\x00"+strconv.Itoa(g.FR)])
		capped := c(strings.Join(g.CappedBy, " "))
		for _, m := range g.Missing {
			put(c(g.Subject), c(g.Kind), strconv.Itoa(g.FR), strconv.Itoa(g.Target), strconv.Itoa(g.Achieved),
				c(m.ID), c(m.Title), strconv.Itoa(m.LowestSL), c(m.State), cl, capped)
		}
		if len(g.Missing) == 0 && g.Capability != nil {
			put(c(g.Subject), c(g.Kind), strconv.Itoa(g.FR), strconv.Itoa(g.Target), strconv.Itoa(g.Achieved),
				"SL-C", "component capability below the target", strconv.Itoa(*g.Capability), "capped", cl, capped)
		}
	}
	if err == nil {
		cw.Flush()
		err = cw.Error()
	}
	if err != nil {
		return fmt.Errorf("gap csv: %w", err)
	}
	return nil
}

// capabilityLines says where each known SL-C comes from (the asset's sl_capability, or
// its component's certificate, stated level or 62443-4-2 answers), whose SL-C a
// compensating countermeasure stands in for, then, zone by zone, which assets cap which FR
// (their SL-C is below what the requirements alone give, or below SL-T) and where
// capability is not demonstrated. Every report prints these lines, in this order, so that
// a shortened list keeps the sources and compensations.
func capabilityLines(res *assess.Result) []string {
	var out []string
	for _, c := range res.Capabilities {
		out = append(out, capabilitySource(c))
	}
	for _, z := range res.Zones {
		for _, st := range z.FRs {
			if c := st.Capability; c != nil {
				for _, cp := range c.Compensated {
					out = append(out, fmt.Sprintf("zone %s FR%d: %s's SL-C does not cap it: compensated by %s (%s)",
						z.ID, st.FR, cp.Asset, cp.Countermeasure, cp.Rationale))
				}
			}
		}
	}
	for _, z := range res.Zones {
		var unknownFRs []string
		var unknown []string
		for _, st := range z.FRs {
			c := st.Capability
			if c == nil {
				continue
			}
			switch {
			case c.Level != nil && c.Capped:
				out = append(out, fmt.Sprintf("zone %s FR%d: capped at SL-C %d by %s (SL-A %d evidenced, %d claimed, SL-T %d)",
					z.ID, st.FR, *c.Level, strings.Join(c.CappedBy, ", "), st.Achieved, st.AchievedClaimed, st.Target))
			case c.Level != nil && *c.Level < st.Target:
				out = append(out, fmt.Sprintf("zone %s FR%d: SL-C %d of %s is below SL-T %d: the zone cannot reach its target on this FR with them",
					z.ID, st.FR, *c.Level, strings.Join(c.CappedBy, ", "), st.Target))
			}
			if len(c.Unknown) > 0 {
				unknownFRs = append(unknownFRs, strconv.Itoa(st.FR))
				for _, a := range c.Unknown {
					if !slicesContains(unknown, a) {
						unknown = append(unknown, a)
					}
				}
			}
		}
		if len(unknown) > 0 {
			out = append(out, fmt.Sprintf("zone %s FR %s: capability not demonstrated for %s (SL-A shown without their cap)",
				z.ID, strings.Join(unknownFRs, ","), strings.Join(unknown, ", ")))
		}
	}
	return out
}

// capabilitySource says what an asset's SL-C is and where it comes from.
func capabilitySource(c assess.AssetCapability) string {
	var from string
	switch c.Source {
	case assess.SourceAsset:
		from = "stated on the asset (sl_capability)"
	case assess.SourceCertificate:
		from = "attested by the current certificate of component " + c.Component
	case assess.SourceStatedLevel:
		from = "the level stated for component " + c.Component + ", without a certificate"
	case assess.SourceComponentAnswers:
		from = "computed from component " + c.Component + "'s 62443-4-2 answers (meets)"
	default:
		from = c.Source
	}
	l := c.Level
	return fmt.Sprintf("%s (zone %s): SL-C %d %d %d %d %d %d %d (FR1-7), %s",
		c.Asset, c.Zone, l[0], l[1], l[2], l[3], l[4], l[5], l[6], from)
}

func slicesContains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
