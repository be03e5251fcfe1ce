package sheet

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
)

// Column is one column of a written sheet.
type Column struct {
	Header string
	Width  float64 // in Excel's character units
}

// Writer writes one sheet through excelize's streaming writer: rows go
// out as they are added (to a temporary file past excelize's chunk size),
// with a bold, frozen header row and set column widths.
type Writer struct {
	f         *excelize.File
	sw        *excelize.StreamWriter
	row       int
	dateStyle int
}

// NewWriter starts a workbook of one sheet with the given columns.
func NewWriter(sheet string, cols []Column) (*Writer, error) {
	f := excelize.NewFile()
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return nil, err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return nil, err
	}
	head, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E8EEF4"}}})
	if err != nil {
		return nil, err
	}
	format := "yyyy-mm-dd hh:mm:ss"
	date, err := f.NewStyle(&excelize.Style{CustomNumFmt: &format})
	if err != nil {
		return nil, err
	}
	for i, c := range cols {
		if c.Width > 0 {
			if err := sw.SetColWidth(i+1, i+1, c.Width); err != nil {
				return nil, err
			}
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return nil, err
	}
	w := &Writer{f: f, sw: sw, dateStyle: date}
	cells := make([]any, len(cols))
	for i, c := range cols {
		cells[i] = excelize.Cell{StyleID: head, Value: c.Header}
	}
	if err := w.add(cells); err != nil {
		return nil, err
	}
	return w, nil
}

// Add writes a row: strings are neutralised (Neutralise), times are
// written as date-times in Beijing time, numbers as numbers.
func (w *Writer) Add(values ...any) error {
	cells := make([]any, len(values))
	for i, v := range values {
		switch v := v.(type) {
		case string:
			cells[i] = Neutralise(v)
		case time.Time:
			if v.IsZero() {
				cells[i] = nil
				continue
			}
			// excelize counts from the instant; Excel has no zones: write
			// the wall clock of Beijing.
			b := v.In(beijing)
			cells[i] = excelize.Cell{StyleID: w.dateStyle,
				Value: time.Date(b.Year(), b.Month(), b.Day(), b.Hour(), b.Minute(), b.Second(), 0, time.UTC)}
		default:
			cells[i] = v
		}
	}
	return w.add(cells)
}

func (w *Writer) add(cells []any) error {
	w.row++
	cell, err := excelize.CoordinatesToCellName(1, w.row)
	if err != nil {
		return err
	}
	return w.sw.SetRow(cell, cells)
}

// Rows is how many rows were written, the header included.
func (w *Writer) Rows() int { return w.row }

// WriteTo finishes the workbook and writes it to out.
func (w *Writer) WriteTo(out io.Writer) (int64, error) {
	if err := w.sw.Flush(); err != nil {
		return 0, fmt.Errorf("sheet: flush: %w", err)
	}
	return w.f.WriteTo(out)
}

// Close releases the workbook's temporary files.
func (w *Writer) Close() error { return w.f.Close() }

var beijing = time.FixedZone("CST", 8*3600)

// Neutralise keeps a text cell from being taken for a formula when the
// file is opened or its cells are pasted elsewhere (CSV injection): text
// that starts with = + - @, a tab or a carriage return gets a leading
// apostrophe.
func Neutralise(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
