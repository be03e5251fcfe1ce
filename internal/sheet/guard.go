// Package sheet reads and writes the spreadsheets the bureau exchanges:
// .xlsx through excelize, .csv through encoding/csv. An uploaded .xlsx is
// a zip archive, and a zip archive can expand a few kilobytes into
// gigabytes: CheckXLSX refuses anything suspicious from the archive's
// directory before a single entry is inflated, and only then is the file
// handed to excelize. Messages are in Chinese, for the broker who uploaded.
package sheet

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"io"
	"path"
	"strings"

	"duijie/internal/duijie"
)

// Limits of an uploaded file.
const (
	MaxFileSize = 10 << 20 // bytes of the upload, .xlsx or .csv
	MaxRows     = 10_000   // data rows (the header and empty rows not counted)
	MaxCols     = 50       // columns of any row

	// Of the archive inside an .xlsx. A workbook of 10,000 rows has about
	// a dozen parts, its largest (the sheet and the shared strings) a few
	// tens of MB inflated, compressed 5 to 20 times.
	maxEntries    = 200       // parts of the archive
	maxEntrySize  = 64 << 20  // declared inflated size of one part
	maxTotalSize  = 128 << 20 // declared inflated size of all parts
	maxRatio      = 100       // inflated : compressed, for parts over ratioFloor
	ratioFloor    = 1 << 20   // small parts may compress as well as they like
	maxCentralDir = 1 << 20   // bytes of the zip's central directory
)

// refuse is the error of a file refused as a whole.
func refuse(format string, args ...any) error {
	return duijie.Errorf(duijie.EINVALID, format, args...)
}

var (
	oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1} // .xls, and encrypted .xlsx
	// magics of archives and containers that have no place inside a
	// workbook's parts: a nested archive is a second bomb waiting.
	nestedMagics = [][]byte{
		{'P', 'K', 3, 4}, {'P', 'K', 5, 6}, {'P', 'K', 7, 8}, // zip (xlsx, docx, jar …)
		{0x1F, 0x8B},                         // gzip
		{'7', 'z', 0xBC, 0xAF},               // 7z
		{'R', 'a', 'r', '!'},                 // rar
		{'B', 'Z', 'h'},                      // bzip2
		{0xFD, '7', 'z', 'X', 'Z'},           // xz
		{0x28, 0xB5, 0x2F, 0xFD},             // zstd
		{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1}, // OLE (embedded objects, .xls)
	}
	nestedExts = map[string]bool{".zip": true, ".xlsx": true, ".xlsm": true, ".xls": true, ".docx": true, ".pptx": true,
		".gz": true, ".tgz": true, ".7z": true, ".rar": true, ".bz2": true, ".xz": true, ".zst": true, ".jar": true, ".bin": true, ".cab": true}
)

// CheckXLSX decides from the archive's directory alone whether data may be
// opened as a workbook: its size, the number of parts, every part's
// declared inflated size and compression ratio, the total, encryption,
// nested archives and embedded objects. Nothing is inflated but the first
// bytes of each part (to find archives under innocent names). The declared
// sizes are binding: archive/zip fails a part that inflates past its
// declared size, so a lying directory gets no further either.
func CheckXLSX(data []byte) error {
	if len(data) > MaxFileSize {
		return refuse("文件超过 %d MiB，请拆分后分批导入", MaxFileSize>>20)
	}
	if bytes.HasPrefix(data, oleMagic) {
		return refuse("这是旧版 .xls 文件或加密的工作簿：请在 Excel 中另存为不加密的 .xlsx 后再导入")
	}
	if !bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		return refuse("文件不是有效的 .xlsx 工作簿，请使用下载的模板")
	}
	if err := checkDirectory(data); err != nil {
		return err
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return refuse("文件已损坏，无法读取（不是有效的 .xlsx 工作簿）")
	}
	var total uint64
	has := map[string]bool{}
	for _, f := range zr.File {
		name := f.Name
		has[name] = true
		if strings.HasPrefix(name, "/") || strings.Contains(name, "\\") || strings.Contains(name, "..") {
			return refuse("文件已损坏：压缩包内含有异常路径")
		}
		if f.Flags&0x1 != 0 {
			return refuse("文件内容已加密，请另存为不加密的 .xlsx 后再导入")
		}
		if f.Method != zip.Store && f.Method != zip.Deflate {
			return refuse("文件使用了不支持的压缩方式，请在 Excel 中重新保存为 .xlsx")
		}
		u, c := f.UncompressedSize64, f.CompressedSize64
		if u > maxEntrySize {
			return refuse("文件内的部件 %s 解压后达 %d MiB，超过上限 %d MiB，疑似压缩炸弹，已拒绝", clip(name), u>>20, maxEntrySize>>20)
		}
		if total += u; total > maxTotalSize {
			return refuse("文件解压后超过 %d MiB，疑似压缩炸弹，已拒绝", maxTotalSize>>20)
		}
		if u > ratioFloor && (c == 0 || u/c > maxRatio) {
			return refuse("文件内的部件 %s 压缩比异常（超过 %d:1），疑似压缩炸弹，已拒绝", clip(name), maxRatio)
		}
		if nestedExts[strings.ToLower(path.Ext(name))] || strings.Contains(strings.ToLower(name), "embeddings/") {
			return refuse("文件内嵌有其他压缩文件或对象（%s），请删除嵌入对象或另存为普通工作簿后再导入", clip(name))
		}
	}
	if !has["[Content_Types].xml"] || !has["xl/workbook.xml"] {
		return refuse("文件不是 Excel 工作簿（缺少工作簿结构），请使用下载的模板")
	}
	// Archives under other names: read the first bytes of each part.
	head := make([]byte, 8)
	for _, f := range zr.File {
		if f.UncompressedSize64 < 2 {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return refuse("文件已损坏，无法读取")
		}
		n, err := io.ReadFull(rc, head)
		rc.Close()
		if err != nil && err != io.ErrUnexpectedEOF {
			return refuse("文件已损坏，无法读取")
		}
		for _, m := range nestedMagics {
			if bytes.HasPrefix(head[:n], m) {
				return refuse("文件内嵌有其他压缩文件或对象（%s），请删除嵌入对象或另存为普通工作簿后再导入", clip(f.Name))
			}
		}
	}
	return nil
}

// checkDirectory reads the end-of-central-directory record before
// archive/zip does, so that a directory of a million entries is refused
// before a million File structs are made.
func checkDirectory(data []byte) error {
	const eocdLen = 22
	if len(data) < eocdLen {
		return refuse("文件已损坏，无法读取（不是有效的 .xlsx 工作簿）")
	}
	start := len(data) - eocdLen - 0xFFFF // the comment is at most 64 KiB
	if start < 0 {
		start = 0
	}
	i := bytes.LastIndex(data[start:], []byte("PK\x05\x06"))
	if i < 0 || start+i+eocdLen > len(data) {
		return refuse("文件已损坏，无法读取（不是有效的 .xlsx 工作簿）")
	}
	rec := data[start+i:]
	entries := binary.LittleEndian.Uint16(rec[10:])
	dirSize := binary.LittleEndian.Uint32(rec[12:])
	switch {
	case entries == 0xFFFF || dirSize == 0xFFFFFFFF:
		return refuse("文件使用了不支持的 ZIP64 格式，请在 Excel 中重新保存为 .xlsx")
	case int(entries) > maxEntries:
		return refuse("文件内的部件过多（%d 个，上限 %d 个），已拒绝", entries, maxEntries)
	case dirSize > maxCentralDir:
		return refuse("文件目录过大，已拒绝")
	}
	return nil
}

// clip shortens a name for a message, without control characters.
func clip(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, strings.ToValidUTF8(s, "?"))
	if r := []rune(s); len(r) > 60 {
		return string(r[:60]) + "…"
	}
	return s
}
