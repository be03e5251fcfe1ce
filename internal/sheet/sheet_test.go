package sheet

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"hash/crc32"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// workbook builds a real .xlsx with excelize: sheet name, rows from row 1.
func workbook(t testing.TB, sheet string, rows [][]any, merge ...[2]string) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		t.Fatal(err)
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if r == nil {
			continue
		}
		if err := f.SetSheetRow(sheet, cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	for _, m := range merge {
		if err := f.MergeCell(sheet, m[0], m[1]); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// zipOf writes a zip archive of the given parts; a part's data is
// deflated as given.
func zipOf(t testing.TB, parts map[string][]byte, order ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for _, name := range order {
		fw, err := w.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(parts[name])
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

var skeleton = map[string][]byte{
	"[Content_Types].xml": []byte(`<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"></Types>`),
	"xl/workbook.xml":     []byte(`<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets><sheet name="技术需求" sheetId="1"/></sheets></workbook>`),
}

// bombPart deflates n bytes of '0': about a thousand to one.
func bombPart(t testing.TB, w *zip.Writer, name string, n int) {
	t.Helper()
	fw, err := w.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate})
	if err != nil {
		t.Fatal(err)
	}
	chunk := bytes.Repeat([]byte("0"), 1<<20)
	for n > 0 {
		k := min(n, len(chunk))
		fw.Write(chunk[:k])
		n -= k
	}
}

func highRatioBomb(t testing.TB) []byte {
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for _, name := range []string{"[Content_Types].xml", "xl/workbook.xml"} {
		fw, _ := w.Create(name)
		fw.Write(skeleton[name])
	}
	bombPart(t, w, "xl/worksheets/sheet1.xml", 60<<20) // under the part limit: the ratio catches it
	w.Close()
	return buf.Bytes()
}

func nestedBomb(t testing.TB, name string) []byte {
	inner := highRatioBomb(t)
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for _, n := range []string{"[Content_Types].xml", "xl/workbook.xml"} {
		fw, _ := w.Create(n)
		fw.Write(skeleton[n])
	}
	fw, _ := w.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store})
	fw.Write(inner)
	w.Close()
	return buf.Bytes()
}

// lyingBomb declares a small sheet whose data inflates to 200 MiB: the
// directory looks harmless, the inflating stops at the declared size.
func lyingBomb(t testing.TB) []byte {
	var comp bytes.Buffer
	fl, _ := flate.NewWriter(&comp, flate.BestCompression)
	chunk := bytes.Repeat([]byte("<row/>"), 1<<17)
	for i := 0; i < 200<<20/len(chunk); i++ {
		fl.Write(chunk)
	}
	fl.Close()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for _, n := range []string{"[Content_Types].xml", "xl/workbook.xml"} {
		fw, _ := w.Create(n)
		fw.Write(skeleton[n])
	}
	h := &zip.FileHeader{Name: "xl/worksheets/sheet1.xml", Method: zip.Deflate,
		CompressedSize64: uint64(comp.Len()), UncompressedSize64: 4096, CRC32: crc32.ChecksumIEEE(chunk[:4096])}
	fw, err := w.CreateRaw(h)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(comp.Bytes())
	w.Close()
	return buf.Bytes()
}

// measure runs fn and reports its time and the bytes it allocated (all of
// them, freed or not: the heap cannot have grown by more).
func measure(fn func()) (time.Duration, uint64, int64) {
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	fn()
	d := time.Since(start)
	runtime.ReadMemStats(&after)
	return d, after.TotalAlloc - before.TotalAlloc, int64(after.HeapAlloc) - int64(before.HeapAlloc)
}

// TestImportBombRefused: a high-ratio bomb, bombs nested under an
// embedding's name and under an image's name, and a bomb whose directory
// lies about its size are refused in under a second, allocating less than
// 50 MB on the way (so the heap cannot grow past that).
func TestImportBombRefused(t *testing.T) {
	cases := []struct {
		name string
		data []byte
		want string
	}{
		{"high ratio", highRatioBomb(t), "压缩比异常"},
		{"nested as an embedding", nestedBomb(t, "xl/embeddings/oleObject1.bin"), "内嵌有其他压缩文件"},
		{"nested under an image's name", nestedBomb(t, "xl/media/image1.png"), "内嵌有其他压缩文件"},
		{"lying directory", lyingBomb(t), "文件已损坏"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			d, alloc, heap := measure(func() { _, err = ReadXLSX(tc.data, "技术需求") })
			t.Logf("%s: %d KiB file refused in %v, %.1f MB allocated, heap %+.1f MB: %v", tc.name, len(tc.data)>>10, d,
				float64(alloc)/1e6, float64(heap)/1e6, err)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
			if d > time.Second {
				t.Errorf("refused in %v, want under a second", d)
			}
			if alloc > 50<<20 {
				t.Errorf("allocated %d MB on the way, want under 50", alloc>>20)
			}
		})
	}
}

// TestImportBombDirectory: a directory of too many parts, parts declared
// too large, and files that are not workbooks are refused from the
// directory alone.
func TestImportBombDirectory(t *testing.T) {
	many := map[string][]byte{}
	order := []string{"[Content_Types].xml", "xl/workbook.xml"}
	for k, v := range skeleton {
		many[k] = v
	}
	for i := 0; i < maxEntries; i++ {
		n := "xl/p" + string(rune('a'+i%26)) + strings.Repeat("x", i/26) + ".xml"
		many[n] = []byte("<a/>")
		order = append(order, n)
	}
	var big bytes.Buffer
	w := zip.NewWriter(&big)
	for _, n := range []string{"[Content_Types].xml", "xl/workbook.xml"} {
		fw, _ := w.Create(n)
		fw.Write(skeleton[n])
	}
	for i := 0; i < 3; i++ {
		bombPart(t, w, "xl/worksheets/sheet"+string(rune('1'+i))+".xml", 50<<20)
	}
	w.Close()
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"too many parts", zipOf(t, many, order...), "部件过多"},
		{"too large in total", big.Bytes(), "压缩比异常"},
		{"not a zip", []byte("标题,问题描述\n"), "不是有效的 .xlsx"},
		{"old xls", append(append([]byte{}, oleMagic...), make([]byte, 512)...), "旧版 .xls"},
		{"truncated", highRatioBomb(t)[:4096], "已损坏"},
		{"no workbook", zipOf(t, map[string][]byte{"a.txt": []byte("x")}, "a.txt"), "不是 Excel 工作簿"},
		{"over 10 MiB", append([]byte("PK\x03\x04"), make([]byte, MaxFileSize)...), "超过 10 MiB"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckXLSX(tc.data)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestImportReadXlsx(t *testing.T) {
	data := workbook(t, "技术需求", [][]any{
		{"单位名称*", " 需求名称* ", "截止日期"},
		{"甲公司", "电池热管理", 46203},
		nil, // an empty row between data rows
		{"乙公司", "=1+1", "2026年6月30日"},
		{"丙公司", "合并", "x"},
		{"", "", ""},
		{"丁公司", "y", ""},
		nil, nil, // trailing empty rows are not reported
	}, [2]string{"A5", "A7"})
	tb, err := ReadXLSX(data, "技术需求")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(tb.Header, "|"); got != "单位名称*|需求名称*|截止日期" {
		t.Errorf("header %q", got)
	}
	var nums []int
	for _, r := range tb.Rows {
		nums = append(nums, r.Num)
	}
	if len(nums) != 4 || nums[0] != 2 || nums[1] != 4 || nums[2] != 5 || nums[3] != 7 {
		t.Errorf("data rows %v, want [2 4 5 7]", nums)
	}
	if len(tb.Empty) != 2 || tb.Empty[0] != 3 || tb.Empty[1] != 6 {
		t.Errorf("empty rows %v, want [3 6]", tb.Empty)
	}
	if tb.Merged[5] != "A5:A7" || tb.Merged[7] != "A5:A7" || tb.Merged[4] != "" {
		t.Errorf("merged %v", tb.Merged)
	}
	for _, c := range []struct {
		cell string
		want string
	}{{tb.Rows[0].Cell(2), "2026-06-30"}, {tb.Rows[1].Cell(2), "2026-06-30"}} {
		d, ok := tb.Date(c.cell)
		if !ok || d.Format("2006-01-02") != c.want {
			t.Errorf("Date(%q) = %v %v, want %s", c.cell, d, ok, c.want)
		}
	}
	if _, ok := tb.Date("x"); ok {
		t.Error("x read as a date")
	}
	if _, ok := tb.Date("2026-02-30"); ok {
		t.Error("2026-02-30 read as a date")
	}

	if _, err := ReadXLSX(data, "科技成果"); err == nil || !strings.Contains(err.Error(), "未找到工作表「科技成果」（文件中的工作表：技术需求）") {
		t.Errorf("wrong sheet: %v", err)
	}
	merged := workbook(t, "技术需求", [][]any{{"单位名称", "需求名称"}, {"a", "b"}}, [2]string{"A1", "B1"})
	if _, err := ReadXLSX(merged, "技术需求"); err == nil || !strings.Contains(err.Error(), "表头有合并单元格（A1:B1）") {
		t.Errorf("merged header: %v", err)
	}
	wide := make([]any, MaxCols+1)
	for i := range wide {
		wide[i] = "列"
	}
	if _, err := ReadXLSX(workbook(t, "技术需求", [][]any{wide}), "技术需求"); err == nil || !strings.Contains(err.Error(), "超过上限 50 列") {
		t.Errorf("51 columns: %v", err)
	}
}

func TestImportRowLimit(t *testing.T) {
	var b strings.Builder
	b.WriteString("单位名称,需求名称\n")
	for i := 0; i < MaxRows; i++ {
		b.WriteString("甲公司,需求\n")
	}
	if tb, err := ReadCSV([]byte(b.String())); err != nil || len(tb.Rows) != MaxRows {
		t.Fatalf("10,000 rows: %v", err)
	}
	b.WriteString("\n\n甲公司,多一行\n")
	_, err := ReadCSV([]byte(b.String()))
	if err == nil || !strings.Contains(err.Error(), "数据超过 10000 行（第 10004 行起）") {
		t.Fatalf("10,001 rows: %v", err)
	}
	rows := [][]any{{"单位名称", "需求名称"}}
	for i := 0; i <= MaxRows; i++ {
		rows = append(rows, []any{"甲公司", "需求"})
	}
	_, err = ReadXLSX(workbook(t, "技术需求", rows), "技术需求")
	if err == nil || !strings.Contains(err.Error(), "数据超过 10000 行") {
		t.Fatalf("10,001 rows in a workbook: %v", err)
	}
}

func TestImportReadCSV(t *testing.T) {
	gbk := []byte{0xb5, 0xa5, 0xce, 0xbb, 0xc3, 0xfb, 0xb3, 0xc6, ',', 'x', '\n', 0xbc, 0xd7, ',', 'y', '\n'} // 单位名称,x 甲,y
	for _, tc := range []struct {
		name string
		data string
		want string
	}{
		{"utf-8 with BOM", "\xEF\xBB\xBF单位名称,x\n甲,y\n", "单位名称"},
		{"gb18030", string(gbk), "单位名称"},
	} {
		tb, err := ReadCSV([]byte(tc.data))
		if err != nil || tb.Header[0] != tc.want || tb.Rows[0].Cell(0) != "甲" {
			t.Errorf("%s: %v %+v", tc.name, err, tb)
		}
	}
	if _, err := ReadCSV([]byte("a,b\n\"x,y\n")); err == nil || !strings.Contains(err.Error(), "CSV 第 2 行格式错误") {
		t.Errorf("bad quotes: %v", err)
	}
	if _, err := ReadCSV([]byte("PK\x03\x04")); err == nil {
		t.Error("a zip taken as CSV")
	}
	if _, err := ReadCSV(nil); err == nil || !strings.Contains(err.Error(), "文件为空") {
		t.Errorf("empty: %v", err)
	}
}

// TestXlsxWriter: the streaming writer's output read back: header,
// neutralised text, Beijing times, numbers.
func TestXlsxWriter(t *testing.T) {
	w, err := NewWriter("审计日志", []Column{{"时间", 20}, {"详情", 40}, {"数", 8}})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 3, 1, 16, 30, 0, 0, time.UTC) // 00:30 on 2 March in Beijing
	w.Add(at, "=HYPERLINK(\"http://evil\")", 3)
	w.Add(time.Time{}, "普通文本", 4.5)
	var buf bytes.Buffer
	if _, err := w.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	w.Close()
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("审计日志")
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"时间", "详情", "数"}, {"2026-03-02 00:30:00", "'=HYPERLINK(\"http://evil\")", "3"}, {"", "普通文本", "4.5"}}
	for i := range want {
		if strings.Join(rows[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("row %d = %q, want %q", i+1, rows[i], want[i])
		}
	}
	panes, err := f.GetPanes("审计日志")
	if err != nil || !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("header row not frozen: %+v %v", panes, err)
	}
	if wd, _ := f.GetColWidth("审计日志", "B"); wd != 40 {
		t.Errorf("column B width %v", wd)
	}
}
