package sheet

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// Table is one sheet as read: the header and the data rows.
type Table struct {
	Sheet  string   // the sheet read; "" for CSV
	Header []string // the first row, cells trimmed
	Rows   []Row    // data rows with at least one cell filled, in order
	// Empty lists the empty rows met between data rows: skipped, and
	// reported (trailing empty rows are not).
	Empty []int
	// Merged maps the number of every data row a merged range covers to
	// that range (A3:A5); such rows are refused by the importer.
	Merged map[int]string

	xlsx     bool
	date1904 bool
}

// Row is one data row: its number as the spreadsheet shows it (the header
// is row 1) and its cells, trimmed.
type Row struct {
	Num   int
	Cells []string
}

// Cell is the i-th cell, "" past the end of the row.
func (r Row) Cell(i int) string {
	if i < 0 || i >= len(r.Cells) {
		return ""
	}
	return r.Cells[i]
}

// maxEmptyRows bounds how many empty rows a sheet may hold: a sheet of a
// million empty rows compresses well and costs time to walk.
const maxEmptyRows = 10_000

// ReadXLSX checks data (CheckXLSX) and reads the sheet named want. A
// workbook without that sheet, a header with merged cells, a row of more
// than MaxCols columns or more than MaxRows data rows are refused as a
// whole.
func ReadXLSX(data []byte, want string) (*Table, error) {
	if err := CheckXLSX(data); err != nil {
		return nil, err
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		UnzipSizeLimit:    maxTotalSize,
		UnzipXMLSizeLimit: 16 << 20, // a larger sheet is unpacked to a temporary file, not to memory
	})
	if err != nil {
		return nil, refuse("文件已损坏，无法读取（不是有效的 .xlsx 工作簿）")
	}
	defer f.Close()
	sheets := f.GetSheetList()
	found := false
	for _, s := range sheets {
		found = found || s == want
	}
	if !found {
		return nil, refuse("未找到工作表「%s」（文件中的工作表：%s）：请使用下载的模板，在「%s」工作表中填写", want, clip(strings.Join(sheets, "、")), want)
	}
	t := &Table{Sheet: want, Merged: map[int]string{}, xlsx: true}
	if p, err := f.GetWorkbookProps(); err == nil && p.Date1904 != nil {
		t.date1904 = *p.Date1904
	}
	merged, err := f.GetMergeCells(want, true)
	if err != nil {
		return nil, refuse("文件已损坏，无法读取合并单元格")
	}
	for _, m := range merged {
		_, r1, err1 := excelize.CellNameToCoordinates(m.GetStartAxis())
		_, r2, err2 := excelize.CellNameToCoordinates(m.GetEndAxis())
		if err1 != nil || err2 != nil {
			return nil, refuse("文件已损坏，无法读取合并单元格")
		}
		ref := m.GetStartAxis() + ":" + m.GetEndAxis()
		if r1 <= 1 {
			return nil, refuse("表头有合并单元格（%s）：请取消合并，每列一个表头", ref)
		}
		if r2-r1 > MaxRows {
			r2 = r1 + MaxRows
		}
		for r := r1; r <= r2; r++ {
			if _, ok := t.Merged[r]; !ok {
				t.Merged[r] = ref
			}
		}
	}
	rows, err := f.Rows(want)
	if err != nil {
		return nil, refuse("文件已损坏，无法读取工作表「%s」", want)
	}
	defer rows.Close()
	n := 0
	var pendingEmpty []int
	for rows.Next() {
		n++
		cols, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, refuse("文件已损坏：第 %d 行无法读取", n)
		}
		if err := t.add(n, cols, &pendingEmpty); err != nil {
			return nil, err
		}
	}
	if err := rows.Error(); err != nil {
		return nil, refuse("文件已损坏，无法读取工作表「%s」", want)
	}
	return t.done()
}

// add takes row n: the header, an empty row or a data row.
func (t *Table) add(n int, cols []string, pendingEmpty *[]int) error {
	for i := range cols {
		cols[i] = strings.TrimSpace(cols[i])
	}
	for len(cols) > 0 && cols[len(cols)-1] == "" {
		cols = cols[:len(cols)-1]
	}
	if len(cols) > MaxCols {
		return refuse("第 %d 行有 %d 列，超过上限 %d 列：请使用下载的模板", n, len(cols), MaxCols)
	}
	if t.Header == nil {
		if len(cols) == 0 {
			return refuse("第 1 行（表头）为空：请使用下载的模板，表头在第 1 行")
		}
		t.Header = cols
		return nil
	}
	if len(cols) == 0 {
		*pendingEmpty = append(*pendingEmpty, n)
		if len(*pendingEmpty)+len(t.Empty) > maxEmptyRows {
			return refuse("空行超过 %d 行，请删除空行后再导入", maxEmptyRows)
		}
		return nil
	}
	if len(t.Rows) == MaxRows {
		return refuse("数据超过 %d 行（第 %d 行起），请拆分成多个文件分批导入", MaxRows, n)
	}
	t.Empty = append(t.Empty, *pendingEmpty...)
	*pendingEmpty = (*pendingEmpty)[:0]
	t.Rows = append(t.Rows, Row{Num: n, Cells: cols})
	return nil
}

func (t *Table) done() (*Table, error) {
	if t.Header == nil {
		return nil, refuse("文件为空：请使用下载的模板，表头在第 1 行")
	}
	return t, nil
}

// ReadCSV reads a CSV file: UTF-8 (with or without the byte-order mark
// Excel writes) or GB18030 (what Excel on a Chinese Windows saves as
// "CSV"), comma-separated, the header in the first record.
func ReadCSV(data []byte) (*Table, error) {
	if len(data) > MaxFileSize {
		return nil, refuse("文件超过 %d MiB，请拆分后分批导入", MaxFileSize>>20)
	}
	if bytes.HasPrefix(data, []byte("PK\x03\x04")) || bytes.HasPrefix(data, oleMagic) {
		return nil, refuse("这是 Excel 工作簿而不是 CSV 文件：请以 .xlsx 扩展名上传")
	}
	data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	if !utf8.Valid(data) {
		dec, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
		if err != nil || !utf8.Valid(dec) {
			return nil, refuse("无法识别文件的字符编码：请另存为 UTF-8 编码的 CSV 或 .xlsx")
		}
		data = dec
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	t := &Table{Merged: map[int]string{}}
	// Rows are numbered by the line they start on, as a spreadsheet shows
	// them; encoding/csv skips blank lines, which are counted here as the
	// empty rows they are.
	var pendingEmpty []int
	consumed, offset := 0, int64(0) // lines read so far, and up to where
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, refuse("CSV 第 %d 行格式错误（引号不配对或字段不完整），请检查后重新上传", pe.StartLine)
		}
		if err != nil {
			return nil, refuse("CSV 文件无法读取")
		}
		start, _ := r.FieldPos(0)
		for blank := consumed + 1; blank < start; blank++ {
			if err := t.add(blank, nil, &pendingEmpty); err != nil {
				return nil, err
			}
		}
		next := r.InputOffset()
		consumed += bytes.Count(data[offset:next], []byte("\n"))
		offset = next
		if err := t.add(start, rec, &pendingEmpty); err != nil {
			return nil, err
		}
	}
	return t.done()
}

var (
	dateText  = regexp.MustCompile(`^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+0{1,2}:00(?::00)?)?$`)
	dateDigit = regexp.MustCompile(`^\d{8}$`)
)

// Date reads a date cell: 2026-06-30, 2026/6/30, 2026.6.30, 2026年6月30日,
// 20260630, or, in a workbook, a date as Excel stores it (a serial day
// number). The date is returned as dates are stored: midnight UTC of that
// day. ok is false for anything else.
func (t *Table) Date(s string) (d time.Time, ok bool) {
	s = strings.TrimSpace(s)
	var y, m, day int
	switch {
	case dateText.MatchString(s):
		p := dateText.FindStringSubmatch(s)
		y, _ = strconv.Atoi(p[1])
		m, _ = strconv.Atoi(p[2])
		day, _ = strconv.Atoi(p[3])
	case dateDigit.MatchString(s):
		y, _ = strconv.Atoi(s[:4])
		m, _ = strconv.Atoi(s[4:6])
		day, _ = strconv.Atoi(s[6:])
	case t.xlsx:
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || f < 1 || f > 2958465 || f != float64(int(f)) {
			return time.Time{}, false
		}
		tm, err := excelize.ExcelDateToTime(f, t.date1904)
		if err != nil {
			return time.Time{}, false
		}
		y, m, day = tm.Year(), int(tm.Month()), tm.Day()
	default:
		return time.Time{}, false
	}
	d = time.Date(y, time.Month(m), day, 0, 0, 0, 0, time.UTC)
	if d.Year() != y || int(d.Month()) != m || d.Day() != day || y < 1900 || y > 2200 {
		return time.Time{}, false // 2026-02-30 does not roll over
	}
	return d, true
}
