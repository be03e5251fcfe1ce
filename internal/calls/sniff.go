package calls

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"io"
	"strings"

	"duijie/internal/duijie"
)

// Attachments are accepted by what they are, never by their name or the
// browser's Content-Type: PDF, PNG, JPEG, OOXML documents (.docx, .xlsx,
// .pptx, opened only after a zip-bomb check of the archive's directory)
// and legacy OLE office files (.doc, .xls, .ppt). Anything else is refused.
//
// What is decided about content that passes the magic bytes:
//   - Macros are refused: an OOXML package whose content types declare a
//     macro-enabled main part, a VBA project or ActiveX controls, or that
//     carries an executable or another archive in any part (whatever the
//     part is called); a legacy Word or Excel file with a VBA project
//     storage (_VBA_PROJECT, _VBA_PROJECT_CUR). A legacy PowerPoint file
//     keeps its VBA inside a compressed record that is not looked into:
//     accepted, like the rest of an OLE file, as a download only.
//   - Polyglots (a PNG, JPEG or PDF that is also HTML, script or an
//     archive) are accepted by their leading type and are harmless as
//     served: always as a download (Content-Disposition: attachment), typed
//     as sniffed, with nosniff and a sandboxing CSP, never inline in the
//     portal's origin. PDF JavaScript runs, if at all, in the reader.
//   - SVG, HTML, XML, text, executables and archives that are not OOXML
//     have no accepted magic bytes and are refused.

// Types of attachment.
const (
	TypePDF  = "application/pdf"
	TypePNG  = "image/png"
	TypeJPEG = "image/jpeg"
	TypeDOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	TypeXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	TypePPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
	TypeOLE  = "application/vnd.ms-office" // .doc, .xls or .ppt: the container says no more
)

// Limits of the archive inside an OOXML attachment (see internal/sheet for
// the same guard of uploaded workbooks).
const (
	zipMaxEntries   = 1000
	zipMaxEntrySize = 64 << 20
	zipMaxTotal     = 256 << 20
	zipMaxRatio     = 100
	zipRatioFloor   = 1 << 20
	zipMaxDir       = 2 << 20
)

// errMacros is the message for a document that carries macros.
const errMacros = "文档含有宏（VBA）或 ActiveX 控件，出于安全考虑不予接收；请另存为不含宏的 .docx / .xlsx / .pptx 或 PDF 后再上传"

// utf16le is s (ASCII) as UTF-16LE, as OLE directory entries name streams.
func utf16le(s string) []byte {
	b := make([]byte, 0, 2*len(s))
	for i := 0; i < len(s); i++ {
		b = append(b, s[i], 0)
	}
	return b
}

// macroTypes are the content types, and part names, of macros and
// controls in an OOXML package (docm, xlsm, pptm, xlsb, templates with
// macros, add-ins, ActiveX).
var macroTypes = []string{"macroenabled", "vbaproject", "activex", "vbadata", "ms-office.vba", "addin.macro"}

func refuse(format string, args ...any) error { return duijie.Errorf(duijie.EINVALID, format, args...) }

// ErrType is the message for a file of a type not accepted.
const ErrType = "不支持的文件类型：附件只能是 PDF、Word / Excel / PowerPoint 文档（.docx .xlsx .pptx 或旧版 .doc .xls .ppt）或 PNG / JPEG 图片（按文件内容判断，与文件名无关）"

// Sniff decides an attachment's type from its content and returns the
// MIME type and the extension that goes with it.
func Sniff(data []byte) (typ, ext string, err error) {
	switch {
	case len(data) == 0:
		return "", "", refuse("文件是空的，请重新选择")
	case len(data) > duijie.MaxAttachment:
		return "", "", refuse("文件超过 %d MiB，请压缩或拆分后再上传", duijie.MaxAttachment>>20)
	case bytes.HasPrefix(data, []byte("%PDF-")):
		return TypePDF, ".pdf", nil
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		return TypePNG, ".png", nil
	case bytes.HasPrefix(data, []byte{0xFF, 0xD8, 0xFF}):
		return TypeJPEG, ".jpg", nil
	case bytes.HasPrefix(data, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}):
		if bytes.Contains(data, utf16le("_VBA_PROJECT")) {
			return "", "", refuse(errMacros)
		}
		return TypeOLE, ".doc", nil
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		return sniffOOXML(data)
	}
	return "", "", refuse(ErrType)
}

// sniffOOXML checks a zip archive from its directory before anything is
// inflated (entries, declared sizes, ratios, encryption, nested archives)
// and tells a Word, Excel or PowerPoint document by its main part.
func sniffOOXML(data []byte) (string, string, error) {
	if err := zipDirectory(data); err != nil {
		return "", "", err
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return "", "", refuse("文件已损坏，无法读取")
	}
	var total uint64
	has := map[string]bool{}
	for _, f := range zr.File {
		name := f.Name
		has[name] = true
		u, c := f.UncompressedSize64, f.CompressedSize64
		switch {
		case strings.HasPrefix(name, "/") || strings.Contains(name, "\\") || strings.Contains(name, ".."):
			return "", "", refuse("文件已损坏：压缩包内含有异常路径")
		case f.Flags&0x1 != 0:
			return "", "", refuse("文档已加密，请另存为不加密的文档后再上传")
		case f.Method != zip.Store && f.Method != zip.Deflate:
			return "", "", refuse("文档使用了不支持的压缩方式，请重新保存后再上传")
		case (f.Method == zip.Store && c != u) || (u == 0 && c > 16):
			// Sizes that disagree with the data: a reader that trusts
			// the data would see a part this check did not.
			return "", "", refuse("文件已损坏，无法读取")
		case u > zipMaxEntrySize:
			return "", "", refuse("文档内的部件解压后超过 %d MiB，疑似压缩炸弹，已拒绝", zipMaxEntrySize>>20)
		case u > zipRatioFloor && (c == 0 || u/c > zipMaxRatio):
			return "", "", refuse("文档内的部件压缩比异常（超过 %d:1），疑似压缩炸弹，已拒绝", zipMaxRatio)
		}
		if total += u; total > zipMaxTotal {
			return "", "", refuse("文档解压后超过 %d MiB，疑似压缩炸弹，已拒绝", zipMaxTotal>>20)
		}
	}
	if !has["[Content_Types].xml"] {
		return "", "", refuse(ErrType)
	}
	for _, f := range zr.File {
		lower := strings.ToLower(f.Name)
		for _, m := range macroTypes {
			if strings.Contains(lower, m) {
				return "", "", refuse(errMacros)
			}
		}
		if f.Name != "[Content_Types].xml" {
			continue
		}
		if f.UncompressedSize64 > zipMaxDir {
			return "", "", refuse("文件已损坏，无法读取")
		}
		rc, err := f.Open()
		if err != nil {
			return "", "", refuse("文件已损坏，无法读取")
		}
		types, err := io.ReadAll(io.LimitReader(rc, zipMaxDir+1))
		rc.Close()
		if err != nil || len(types) > zipMaxDir {
			return "", "", refuse("文件已损坏，无法读取")
		}
		lt := bytes.ToLower(types)
		for _, m := range macroTypes {
			if bytes.Contains(lt, []byte(m)) {
				return "", "", refuse(errMacros)
			}
		}
	}
	// Parts that are archives or programs, whatever they are called and
	// whatever size the directory claims (embedded objects are OLE or zip
	// containers): a nested archive is a second bomb, a program or an OLE
	// object is not a document.
	head := make([]byte, 8)
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			return "", "", refuse("文件已损坏，无法读取")
		}
		n, err := io.ReadFull(rc, head)
		rc.Close()
		if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
			return "", "", refuse("文件已损坏，无法读取")
		}
		if bytes.HasPrefix(head[:n], []byte("PK")) || bytes.HasPrefix(head[:n], []byte{0x1F, 0x8B}) ||
			bytes.HasPrefix(head[:n], []byte{0xD0, 0xCF, 0x11, 0xE0}) || bytes.HasPrefix(head[:n], []byte("MZ")) ||
			bytes.HasPrefix(head[:n], []byte("\x7fELF")) || bytes.HasPrefix(head[:n], []byte("7z\xbc\xaf")) ||
			bytes.HasPrefix(head[:n], []byte("Rar!")) {
			return "", "", refuse("文档内嵌有其他压缩文件或对象，请删除嵌入对象后再上传")
		}
	}
	switch {
	case has["word/document.xml"]:
		return TypeDOCX, ".docx", nil
	case has["xl/workbook.xml"]:
		return TypeXLSX, ".xlsx", nil
	case has["ppt/presentation.xml"]:
		return TypePPTX, ".pptx", nil
	}
	return "", "", refuse(ErrType)
}

// zipDirectory reads the end-of-central-directory record before
// archive/zip does, so that a directory of a million entries is refused
// before a million File structs are made.
func zipDirectory(data []byte) error {
	const eocdLen = 22
	if len(data) < eocdLen {
		return refuse("文件已损坏，无法读取")
	}
	start := len(data) - eocdLen - 0xFFFF
	if start < 0 {
		start = 0
	}
	i := bytes.LastIndex(data[start:], []byte("PK\x05\x06"))
	if i < 0 || start+i+eocdLen > len(data) {
		return refuse("文件已损坏，无法读取")
	}
	rec := data[start+i:]
	entries := binary.LittleEndian.Uint16(rec[10:])
	dirSize := binary.LittleEndian.Uint32(rec[12:])
	switch {
	case entries == 0xFFFF || dirSize == 0xFFFFFFFF:
		return refuse("文档使用了不支持的 ZIP64 格式，请重新保存后再上传")
	case int(entries) > zipMaxEntries:
		return refuse("文档内的部件过多（%d 个），已拒绝", entries)
	case dirSize > zipMaxDir:
		return refuse("文档目录过大，已拒绝")
	}
	return nil
}
