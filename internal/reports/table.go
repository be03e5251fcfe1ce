package reports

import (
	"fmt"
	"strconv"

	"duijie/internal/duijie"
)

// Kind is what a table cell holds; it decides how the page prints it
// and what an .xlsx cell gets (text, a whole number, a number of 万元
// with two decimals, a share, a decimal with one place).
type Kind int

// Cell kinds.
const (
	KindText   Kind = iota
	KindInt         // N
	KindWan         // N 元, shown as 万元 with two decimals
	KindShare       // N of D, shown as a percentage with one decimal
	KindTenths      // N tenths: 12 → 1.2
)

// Cell is one value of a table.
type Cell struct {
	Kind Kind
	S    string
	N, D int64
}

// Text, Int, Wan, Share and Tenths make cells.
func Text(s string) Cell     { return Cell{Kind: KindText, S: s} }
func Int(n int) Cell         { return Cell{Kind: KindInt, N: int64(n)} }
func Wan(yuan int64) Cell    { return Cell{Kind: KindWan, N: yuan} }
func Share(n, of int64) Cell { return Cell{Kind: KindShare, N: n, D: of} }
func Tenths(n int64) Cell    { return Cell{Kind: KindTenths, N: n} }

// textOr is Text(s), or Text(empty) when s is "".
func textOr(s, empty string) Cell {
	if s == "" {
		return Text(empty)
	}
	return Text(s)
}

// String is the cell as the page prints it: 万元 with two decimals,
// shares as 12.5%, a share of nothing as —.
func (c Cell) String() string {
	switch c.Kind {
	case KindInt:
		return strconv.FormatInt(c.N, 10)
	case KindWan:
		return duijie.Yuan(c.N)
	case KindShare:
		if c.D == 0 {
			return "—"
		}
		t := permille(c.N, c.D)
		return fmt.Sprintf("%d.%d%%", t/10, t%10)
	case KindTenths:
		return fmt.Sprintf("%d.%d", c.N/10, c.N%10)
	}
	return c.S
}

// permille is n/d in tenths of a percent, rounded half up, in integers.
func permille(n, d int64) int64 { return (n*1000 + d/2) / d }

// Num reports whether the cell is a number (right-aligned on the page).
func (c Cell) Num() bool { return c.Kind != KindText }

// Column is a table's column: its Chinese header and its width in an
// .xlsx sheet (characters).
type Column struct {
	Header string
	Width  float64
}

// Table is a dashboard table: shown beside its chart and exported as a
// sheet of the dashboard's workbook.
type Table struct {
	Name    string // sheet name, ≤ 31 characters
	Columns []Column
	Rows    [][]Cell
}

// Chart is a horizontal bar chart drawn on the server as SVG, with its
// numbers in Table.
type Chart struct {
	ID    string // anchor and SVG title id
	Title string
	Note  string
	Unit  string // of the bars' values
	Bars  []Bar
	Table Table
}

// Bar is one bar, laid out for the SVG (a 640-wide view box: labels end
// at x=190, bars start at x=200 and are up to 300 wide, the value follows
// the bar).
type Bar struct {
	Label, Value string
	Y, TextY     int // top of the bar, baseline of its texts
	W            int // bar width
	ValueX       int // where the value is written
}

// Chart geometry.
const (
	chartBarX    = 200
	chartBarMax  = 300
	chartRowStep = 30
	chartBarH    = 20
)

// Height is the chart's view-box height.
func (c Chart) Height() int { return len(c.Bars)*chartRowStep + 10 }

// bars lays bars out, scaled to the largest value (all zero: no bar drawn
// but the labels and values stay).
func bars(labels []string, values []int64, shown []string) []Bar {
	var top int64
	for _, v := range values {
		top = max(top, v)
	}
	out := make([]Bar, len(labels))
	for i := range labels {
		w := 0
		if top > 0 {
			w = int((values[i]*chartBarMax + top/2) / top)
			if values[i] > 0 {
				w = max(w, 2)
			}
		}
		out[i] = Bar{Label: labels[i], Value: shown[i], Y: 6 + i*chartRowStep, TextY: 6 + i*chartRowStep + 15, W: w,
			ValueX: chartBarX + w + 8}
	}
	return out
}

// FunnelStep is one step of the funnel, laid out as a centred bar.
type FunnelStep struct {
	Label string
	Note  string
	Count int
	Side  bool // measured beside the funnel, not a step every posting passes
	Of    Cell // share of the first step
	Conv  Cell // share of the step before
	X, W  int  // centred bar in a 640-wide view box
	Y     int
	TextY int
}

// FunnelHeight is the funnel's view-box height.
func FunnelHeight(steps []FunnelStep) int { return len(steps)*44 + 6 }

func layoutFunnel(steps []FunnelStep) {
	top := 0
	for _, s := range steps {
		top = max(top, s.Count)
	}
	for i := range steps {
		w := 640
		if top > 0 {
			w = max((steps[i].Count*600+top/2)/top, 40) + 40
		}
		steps[i].W, steps[i].X = w, (640-w)/2
		steps[i].Y, steps[i].TextY = 4+i*44, 4+i*44+25
	}
}
