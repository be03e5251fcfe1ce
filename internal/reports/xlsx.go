package reports

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"duijie/internal/duijie"
)

// book writes a workbook sheet by sheet with excelize's stream writer, so
// that a long list is never held in memory as cells: a frozen header row
// of Chinese names, column widths, dates as dates, amounts as numbers,
// and text neutralised against formula injection.
type book struct {
	f      *excelize.File
	sw     *excelize.StreamWriter
	sheets int
	row    int
	styles struct{ header, date, datetime, int, wan, share, tenths int }
}

func newBook() (*book, error) {
	b := &book{f: excelize.NewFile()}
	var err error
	style := func(s *excelize.Style) int {
		if err != nil {
			return 0
		}
		var id int
		id, err = b.f.NewStyle(s)
		return id
	}
	custom := func(f string) *string { return &f }
	b.styles.header = style(&excelize.Style{Font: &excelize.Font{Bold: true},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDE7F0"}}})
	b.styles.date = style(&excelize.Style{CustomNumFmt: custom("yyyy-mm-dd")})
	b.styles.datetime = style(&excelize.Style{CustomNumFmt: custom("yyyy-mm-dd hh:mm")})
	b.styles.int = style(&excelize.Style{NumFmt: 3})    // #,##0
	b.styles.wan = style(&excelize.Style{NumFmt: 4})    // #,##0.00
	b.styles.share = style(&excelize.Style{NumFmt: 10}) // 0.00%
	b.styles.tenths = style(&excelize.Style{CustomNumFmt: custom("0.0")})
	if err != nil {
		b.f.Close()
		return nil, fmt.Errorf("reports: xlsx styles: %w", err)
	}
	b.f.SetDocProps(&excelize.DocProperties{Creator: "六安科技成果与技术需求对接平台", Language: "zh-CN"})
	return b, nil
}

// col is a column of an exported list: header, width, and how its
// values are written.
type col struct {
	Header string
	Width  float64
	Kind   colKind
}

type colKind int

const (
	colText     colKind = iota
	colInt              // int, int64
	colYuan             // int64 元, as a whole number
	colWan              // int64 元, written as 万元 rounded to two decimals
	colDate             // time.Time date (zero: empty)
	colDateTime         // time.Time instant, written in China time
	colShare            // Cell of KindShare
	colTenths           // Cell of KindTenths
)

// sheet starts a new sheet (the first one replaces the default Sheet1)
// with its header row; the previous sheet is flushed.
func (b *book) sheet(name string, cols []col) error {
	if err := b.flush(); err != nil {
		return err
	}
	name = sheetName(name)
	if b.sheets == 0 {
		if err := b.f.SetSheetName("Sheet1", name); err != nil {
			return err
		}
	} else if _, err := b.f.NewSheet(name); err != nil {
		return err
	}
	b.sheets++
	sw, err := b.f.NewStreamWriter(name)
	if err != nil {
		return err
	}
	for i, c := range cols {
		if err := sw.SetColWidth(i+1, i+1, c.Width); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	head := make([]any, len(cols))
	for i, c := range cols {
		head[i] = excelize.Cell{StyleID: b.styles.header, Value: c.Header}
	}
	b.sw, b.row = sw, 1
	return b.sw.SetRow("A1", head, excelize.RowOpts{Height: 20})
}

// add writes one row; values follow the sheet's columns.
func (b *book) add(cols []col, values ...any) error {
	row := make([]any, len(values))
	for i, v := range values {
		row[i] = b.cell(cols[i].Kind, v)
	}
	b.row++
	cell, err := excelize.CoordinatesToCellName(1, b.row)
	if err != nil {
		return err
	}
	return b.sw.SetRow(cell, row)
}

func (b *book) cell(k colKind, v any) any {
	switch k {
	case colInt:
		return excelize.Cell{StyleID: b.styles.int, Value: v}
	case colYuan:
		return excelize.Cell{StyleID: b.styles.int, Value: v}
	case colWan:
		return excelize.Cell{StyleID: b.styles.wan, Value: wanValue(v.(int64))}
	case colDate:
		t := v.(time.Time)
		if t.IsZero() {
			return nil
		}
		y, m, d := t.Date()
		return excelize.Cell{StyleID: b.styles.date, Value: time.Date(y, m, d, 0, 0, 0, 0, time.UTC)}
	case colDateTime:
		t := v.(time.Time)
		if t.IsZero() {
			return nil
		}
		w := t.In(duijie.ChinaTime) // the wall clock in China, as Excel has no zones
		return excelize.Cell{StyleID: b.styles.datetime,
			Value: time.Date(w.Year(), w.Month(), w.Day(), w.Hour(), w.Minute(), w.Second(), 0, time.UTC)}
	case colShare, colTenths:
		return b.number(v.(Cell))
	}
	switch x := v.(type) {
	case string:
		return Neutralize(x)
	case Cell:
		return b.number(x)
	}
	return Neutralize(fmt.Sprint(v))
}

// number writes a dashboard cell: numbers as numbers with their format,
// text neutralised.
func (b *book) number(c Cell) any {
	switch c.Kind {
	case KindInt:
		return excelize.Cell{StyleID: b.styles.int, Value: c.N}
	case KindWan:
		return excelize.Cell{StyleID: b.styles.wan, Value: wanValue(c.N)}
	case KindShare:
		if c.D == 0 {
			return nil
		}
		return excelize.Cell{StyleID: b.styles.share, Value: float64(permille(c.N, c.D)) / 1000}
	case KindTenths:
		return excelize.Cell{StyleID: b.styles.tenths, Value: float64(c.N) / 10}
	}
	return Neutralize(c.S)
}

// wanValue is an amount of 元 in 万元, rounded half up to two decimals
// in integers first (as duijie.Yuan), so that the cell shows exactly the
// figure the page shows.
func wanValue(yuan int64) float64 {
	h := (yuan + 50) / 100
	if yuan < 0 {
		h = -((-yuan + 50) / 100)
	}
	return float64(h) / 100
}

func (b *book) flush() error {
	if b.sw == nil {
		return nil
	}
	err := b.sw.Flush()
	b.sw = nil
	return err
}

// write finishes the workbook into w.
func (b *book) write(w io.Writer) error {
	defer b.f.Close()
	if err := b.flush(); err != nil {
		return err
	}
	if b.sheets == 0 {
		return fmt.Errorf("reports: a workbook without sheets")
	}
	b.f.SetActiveSheet(0)
	_, err := b.f.WriteTo(w)
	return err
}

// Neutralize keeps a spreadsheet from reading text as a formula (CSV and
// formula injection): text starting with = + - @, a tab or a carriage
// return gets a leading apostrophe, as OWASP advises.
func Neutralize(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// sheetName makes a valid sheet name: no []:*?/\ and at most 31
// characters.
func sheetName(s string) string {
	s = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) {
			return '_'
		}
		return r
	}, s)
	if r := []rune(s); len(r) > 31 {
		s = string(r[:31])
	}
	return s
}
