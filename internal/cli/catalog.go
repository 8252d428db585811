package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/zonewarden/zonewarden/internal/catalog"
)

func init() { commands = append(commands, newCatalogCmd) }

const standardAll = "all"

var catalogFormats = []string{"table", "json", "csv", "md"}

type catalogOptions struct {
	standard string
	fr, sl   int
	kind     string
	search   string
	format   string
	output   string
}

func newCatalogCmd() *cobra.Command {
	var o catalogOptions
	cmd := &cobra.Command{
		Use:   "catalog",
		Short: "List IEC 62443 requirements with their security levels",
		Long: `catalog lists the requirements zonewarden assesses against: the system requirements
of IEC 62443-3-3 (SR and their enhancements RE) and the component requirements of
IEC 62443-4-2 (CR, and SAR/EDR/HDR/NDR for software applications, embedded, host and
network devices). Each has a short title, its foundational requirement, the lowest
security level at which it applies, and a description and evidence list written in
zonewarden's own words. --sl keeps what applies at that level; 62443-4-2 entries the
catalog does not level (shown as "-") are then left out. --kind constraint lists the
clause 4 constraints instead (62443-3-3 CSC 1-3, 62443-4-2 CCSC 1-4), which hold for
every requirement and have no level of their own. See docs/catalog.md.`,
		Example: `  zonewarden catalog --sl 2 --fr 5           # what SL 2 asks of FR 5 (restricted data flow)
  zonewarden catalog --standard 62443-4-2 --kind EDR
  zonewarden catalog --standard all --search boot -f md
  zonewarden catalog --standard all --kind constraint
  zonewarden catalog -f json -o catalog.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runCatalog(cmd, o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.standard, "standard", catalog.StandardSystem, "standard to list: 62443-3-3, 62443-4-2 or all")
	f.IntVar(&o.fr, "fr", 0, "only foundational requirement `N` (1-7)")
	f.IntVar(&o.sl, "sl", 0, "only requirements that apply at security level `N` (1-4)")
	f.StringVar(&o.kind, "kind", "", "only requirements of kind `K`: "+kindList()+" (the clause 4 constraints)")
	f.StringVar(&o.search, "search", "", "only requirements whose id, title, description or evidence contains `TEXT`")
	f.StringVarP(&o.format, "format", "f", "table", "output format: "+strings.Join(catalogFormats, ", "))
	f.StringVarP(&o.output, "output", "o", "", "write to `FILE` instead of standard output")
	return cmd
}

func runCatalog(cmd *cobra.Command, o catalogOptions) error {
	filter, err := catalogFilter(cmd, o)
	if err != nil {
		return usageErr(err)
	}
	c := catalog.Default()
	reqs := c.Filter(filter)

	var buf bytes.Buffer
	switch o.format {
	case "table":
		err = writeCatalogTable(&buf, reqs)
	case "json":
		err = writeCatalogJSON(&buf, reqs)
	case "csv":
		err = catalog.WriteCSV(&buf, reqs)
	case "md":
		err = writeCatalogMarkdown(&buf, reqs)
	}
	if err != nil {
		return fmt.Errorf("rendering the catalog as %s: %w", o.format, err)
	}

	// Say what --sl left out, so that an empty or short 62443-4-2 list is not mistaken
	// for the standard having nothing to ask.
	if filter.SL != 0 && filter.Standard != catalog.StandardSystem {
		unlevelled := filter
		unlevelled.SL = 0
		n := 0
		for _, r := range c.Filter(unlevelled) {
			if r.LowestSL == 0 && r.Kind != catalog.KindConstraint {
				n++
			}
		}
		if n > 0 {
			fmt.Fprintf(cmd.ErrOrStderr(), "zonewarden: %d matching 62443-4-2 requirements have no level in this catalog and are not listed with --sl (see docs/catalog.md)\n", n)
		}
	}

	out, err := openOutput(cmd, o.output)
	if err != nil {
		return err
	}
	_, err = out.w.Write(buf.Bytes())
	return out.commit(err)
}

// catalogFilter checks the flags and turns them into a catalog filter. Every message
// names the valid values.
func catalogFilter(cmd *cobra.Command, o catalogOptions) (catalog.Filter, error) {
	var f catalog.Filter
	switch o.standard {
	case catalog.StandardSystem, catalog.StandardComponent:
		f.Standard = o.standard
	case standardAll:
	default:
		return f, fmt.Errorf("--standard %q: want %s or %s", o.standard,
			strings.Join(catalog.Standards(), ", "), standardAll)
	}
	if cmd.Flags().Changed("fr") {
		if catalog.FRName(o.fr) == "" {
			return f, fmt.Errorf("--fr %d: want a foundational requirement from 1 to 7 (%s)", o.fr, frList())
		}
		f.FR = o.fr
	}
	if cmd.Flags().Changed("sl") {
		if o.sl < 1 || o.sl > 4 {
			return f, fmt.Errorf("--sl %d: want a security level from 1 to 4", o.sl)
		}
		f.SL = o.sl
	}
	if strings.EqualFold(o.kind, catalog.KindConstraint) {
		f.Kind = catalog.KindConstraint // both standards have constraints
	} else if o.kind != "" {
		std := catalog.StandardOfKind(o.kind)
		if std == "" {
			return f, fmt.Errorf("--kind %q: want one of %s", o.kind, kindList())
		}
		if f.Standard != "" && std != f.Standard {
			return f, fmt.Errorf("--kind %s belongs to %s, not %s: add --standard %s or --standard %s",
				strings.ToUpper(o.kind), std, f.Standard, std, standardAll)
		}
		f.Kind = o.kind
	}
	if !slices.Contains(catalogFormats, o.format) {
		return f, fmt.Errorf("-f %q: want one of %s", o.format, strings.Join(catalogFormats, ", "))
	}
	f.Query = o.search
	return f, nil
}

func kindList() string {
	return strings.Join(append(catalog.Kinds(), catalog.KindConstraint), ", ")
}

// frText shows a requirement's FR as "5 RDF", and a constraint's, which spans every FR, as "-".
func frText(fr int) string {
	if catalog.FRName(fr) == "" {
		return "-"
	}
	return strconv.Itoa(fr) + " " + catalog.FRCode(fr)
}

func frList() string {
	var parts []string
	for fr := 1; catalog.FRName(fr) != ""; fr++ {
		parts = append(parts, strconv.Itoa(fr)+" "+catalog.FRCode(fr))
	}
	return strings.Join(parts, ", ")
}

// levelText shows an unlevelled requirement as "-".
func levelText(sl int) string {
	if sl == 0 {
		return "-"
	}
	return strconv.Itoa(sl)
}

func writeCatalogTable(w io.Writer, reqs []catalog.Requirement) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tFR\tSL\tTITLE")
	for _, r := range reqs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.ID, frText(r.FR), levelText(r.LowestSL), r.Title)
	}
	return tw.Flush()
}

// writeCatalogJSON writes an array of requirements (docs/schemas/catalog.schema.json);
// an empty selection is [], never null.
func writeCatalogJSON(w io.Writer, reqs []catalog.Requirement) error {
	if reqs == nil {
		reqs = []catalog.Requirement{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(reqs)
}

func writeCatalogMarkdown(w io.Writer, reqs []catalog.Requirement) error {
	var b strings.Builder
	b.WriteString("| ID | FR | Kind | Lowest SL | Title | Description |\n")
	b.WriteString("|----|----|------|-----------|-------|-------------|\n")
	for _, r := range reqs {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", r.ID, frText(r.FR), r.Kind,
			levelText(r.LowestSL), markdownCell(r.Title), markdownCell(r.Description))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// markdownCell keeps text from breaking out of a table cell.
func markdownCell(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s)
}
