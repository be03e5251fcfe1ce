package bench

import (
	"fmt"
	"io"
	"strings"
)

// Print writes the report as a table: each figure for each variant, then
// the product's figure as a ratio of each baseline's from the same run. A
// variant on another variant's index shows its index figures as "=" (they
// are that index's) and has no ratio for them.
func Print(w io.Writer, r *Report) {
	fmt.Fprintf(w, "corpus: %d capabilities, %d queries, seed %d, %d CPUs\n", r.Docs, r.Queries, r.Seed, r.CPUs)
	for _, v := range r.Variants {
		if v.Measured < r.Queries {
			fmt.Fprintf(w, "%s: %d of %d queries timed before the time budget ran out\n", v.Name, v.Measured, r.Queries)
		}
		if v.Index != "" && v.Index != v.Name {
			fmt.Fprintf(w, "%s: %s on the %s index\n", v.Name, v.Method, v.Index)
		}
	}
	fmt.Fprintln(w)
	if len(r.Variants) == 0 {
		return
	}
	rows := []struct {
		name    string
		get     func(Figures) float64
		better  string // "higher" or "lower"
		ofIndex bool   // a figure of the index, not of the query
	}{
		{"analyzer MB/s", func(f Figures) float64 { return f.AnalyzerMBs }, "higher", true},
		{"indexing docs/s", func(f Figures) float64 { return f.IndexDocsS }, "higher", true},
		{"index size MB", func(f Figures) float64 { return f.IndexMB }, "lower", true},
		{"match p50 ms", func(f Figures) float64 { return f.P50MS }, "lower", false},
		{"match p95 ms", func(f Figures) float64 { return f.P95MS }, "lower", false},
		{"match p99 ms", func(f Figures) float64 { return f.P99MS }, "lower", false},
		{"ready ms", func(f Figures) float64 { return f.ReadyMS }, "lower", false},
		{"heap when ready MB", func(f Figures) float64 { return f.HeapMB }, "lower", false},
		{"peak heap MB", func(f Figures) float64 { return f.PeakMB }, "lower", false},
	}
	shared := func(f Figures) bool { return f.Index != "" && f.Index != f.Name }
	prod, bases := r.Variants[0], r.Variants[1:]
	fmt.Fprintf(w, "%-20s", "")
	for _, v := range r.Variants {
		fmt.Fprintf(w, "%11s", v.Name)
	}
	fmt.Fprintf(w, "  |")
	for _, b := range bases {
		fmt.Fprintf(w, "%11s", "/"+b.Name)
	}
	fmt.Fprintln(w)
	for _, row := range rows {
		fmt.Fprintf(w, "%-20s", row.name)
		for _, v := range r.Variants {
			if row.ofIndex && shared(v) {
				fmt.Fprintf(w, "%11s", "=")
			} else {
				fmt.Fprintf(w, "%11.1f", row.get(v))
			}
		}
		fmt.Fprintf(w, "  |")
		for _, b := range bases {
			if base := row.get(b); base > 0 && !(row.ofIndex && shared(b)) {
				fmt.Fprintf(w, "%10.3gx", row.get(prod)/base)
			} else {
				fmt.Fprintf(w, "%11s", "")
			}
		}
		fmt.Fprintf(w, "  %s is better\n", row.better)
	}
	fmt.Fprintf(w, "\nratios: %s's figure over each baseline's, same run (%s)\n", prod.Name, strings.Join(names(bases), ", "))
}

func names(fs []Figures) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.Name
	}
	return out
}
