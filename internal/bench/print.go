package bench

import (
	"fmt"
	"io"
)

// Print writes the report as a table: each figure for each variant, and the
// product's figure as a ratio of the baseline's from the same run.
func Print(w io.Writer, r *Report) {
	fmt.Fprintf(w, "corpus: %d capabilities, %d queries, seed %d, %d CPUs\n", r.Docs, r.Queries, r.Seed, r.CPUs)
	for _, v := range r.Variants {
		if v.Measured < r.Queries {
			fmt.Fprintf(w, "%s: %d of %d queries timed before the time budget ran out\n", v.Name, v.Measured, r.Queries)
		}
	}
	fmt.Fprintln(w)
	if len(r.Variants) == 0 {
		return
	}
	rows := []struct {
		name   string
		get    func(Figures) float64
		better string // "higher" or "lower"
	}{
		{"analyzer MB/s", func(f Figures) float64 { return f.AnalyzerMBs }, "higher"},
		{"indexing docs/s", func(f Figures) float64 { return f.IndexDocsS }, "higher"},
		{"index size MB", func(f Figures) float64 { return f.IndexMB }, "lower"},
		{"match p50 ms", func(f Figures) float64 { return f.P50MS }, "lower"},
		{"match p95 ms", func(f Figures) float64 { return f.P95MS }, "lower"},
		{"match p99 ms", func(f Figures) float64 { return f.P99MS }, "lower"},
		{"ready ms", func(f Figures) float64 { return f.ReadyMS }, "lower"},
		{"heap when ready MB", func(f Figures) float64 { return f.HeapMB }, "lower"},
		{"peak heap MB", func(f Figures) float64 { return f.PeakMB }, "lower"},
	}
	fmt.Fprintf(w, "%-20s", "")
	for _, v := range r.Variants {
		fmt.Fprintf(w, "%12s", v.Name)
	}
	if len(r.Variants) > 1 {
		fmt.Fprintf(w, "%10s  (%s/%s)", "ratio", r.Variants[0].Name, r.Variants[1].Name)
	}
	fmt.Fprintln(w)
	for _, row := range rows {
		fmt.Fprintf(w, "%-20s", row.name)
		for _, v := range r.Variants {
			fmt.Fprintf(w, "%12.1f", row.get(v))
		}
		if len(r.Variants) > 1 {
			if base := row.get(r.Variants[1]); base > 0 {
				fmt.Fprintf(w, "%9.3gx  %s is better", row.get(r.Variants[0])/base, row.better)
			}
		}
		fmt.Fprintln(w)
	}
}
