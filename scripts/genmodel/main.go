// Command genmodel writes a large synthetic plant model for benchmarks:
//
//	go run ./scripts/genmodel -o /tmp/large.yaml            # 2,000 zones, 50,000 assets, 5,000 conduits
//	go run ./scripts/genmodel -zones 200 -assets 5000 -conduits 500
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/zonewarden/zonewarden/internal/model/modelgen"
)

func main() {
	s := modelgen.Large
	out := flag.String("o", "-", "output file")
	flag.IntVar(&s.Zones, "zones", s.Zones, "zones")
	flag.IntVar(&s.Assets, "assets", s.Assets, "assets")
	flag.IntVar(&s.Conduits, "conduits", s.Conduits, "conduits")
	flag.IntVar(&s.Threats, "threats", s.Threats, "threats")
	flag.IntVar(&s.Countermeasures, "countermeasures", s.Countermeasures, "countermeasures")
	flag.Uint64Var(&s.Seed, "seed", s.Seed, "random seed")
	flag.Parse()
	w := os.Stdout
	if *out != "-" {
		f, err := os.Create(*out)
		if err != nil {
			fmt.Fprintln(os.Stderr, "genmodel:", err)
			os.Exit(2)
		}
		defer f.Close()
		w = f
	}
	if err := modelgen.Write(w, s); err != nil {
		fmt.Fprintln(os.Stderr, "genmodel:", err)
		os.Exit(1)
	}
}
