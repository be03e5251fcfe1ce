package calls

import (
	"archive/zip"
	"bytes"
	"strings"
	"testing"

	"duijie/internal/duijie"
)

// withTypes is an OOXML package whose [Content_Types].xml is types.
func withTypes(t *testing.T, types string, parts map[string][]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	all := map[string][]byte{"[Content_Types].xml": []byte(types), "_rels/.rels": []byte(`<?xml version="1.0"?><Relationships/>`)}
	for k, v := range parts {
		all[k] = v
	}
	for name, data := range all {
		f, err := w.Create(name)
		must(t, err)
		f.Write(data)
	}
	must(t, w.Close())
	return buf.Bytes()
}

// TestSniffMacrosAndHiddenParts: documents with macros or ActiveX are
// refused (a .docm renamed .docx, its VBA project under any name, a legacy
// .doc or .xls with a VBA storage); an OLE object, an executable or an
// archive hidden in a part named .xml, or declaring a size of zero, is
// refused; polyglots with an accepted leading type stay accepted (they are
// only ever served as typed downloads).
func TestSniffMacrosAndHiddenParts(t *testing.T) {
	doc := []byte(`<?xml version="1.0"?><document>方案</document>`)
	ole := append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 504)...)
	docm := `<?xml version="1.0"?><Types><Override PartName="/word/document.xml" ContentType="application/vnd.ms-word.document.macroEnabled.main+xml"/></Types>`
	plainTypes := `<?xml version="1.0"?><Types/>`
	zeroSized := func() []byte {
		// An OLE part whose directory entry claims 0 bytes (stored, so
		// archive/zip reads what is there until it checks the size).
		var buf bytes.Buffer
		w := zip.NewWriter(&buf)
		for name, data := range map[string][]byte{"[Content_Types].xml": []byte(plainTypes), "word/document.xml": doc} {
			f, _ := w.Create(name)
			f.Write(data)
		}
		f, _ := w.CreateRaw(&zip.FileHeader{Name: "word/embeddings/oleObject1.dat", Method: zip.Store, CRC32: 0, CompressedSize64: 8, UncompressedSize64: 0})
		f.Write(ole[:8])
		w.Close()
		return buf.Bytes()
	}
	legacyMacro := append(append([]byte{}, ole...), utf16le("_VBA_PROJECT_CUR")...)
	for _, tc := range []struct {
		name    string
		data    []byte
		refused string
	}{
		{"docm as docx", withTypes(t, docm, map[string][]byte{"word/document.xml": doc}), "含有宏"},
		{"vbaProject under its name", withTypes(t, plainTypes, map[string][]byte{"word/document.xml": doc, "word/vbaProject.bin": ole}), "含有宏"},
		{"ActiveX control", withTypes(t, plainTypes, map[string][]byte{"word/document.xml": doc, "word/activeX/activeX1.xml": doc}), "含有宏"},
		{"OLE named .xml", withTypes(t, plainTypes, map[string][]byte{"word/document.xml": doc, "word/embeddings/x.xml": ole}), "内嵌有其他"},
		{"exe named .png", withTypes(t, plainTypes, map[string][]byte{"word/document.xml": doc, "word/media/image1.png": append([]byte("MZ\x90\x00"), make([]byte, 64)...)}), "内嵌有其他"},
		{"zip in a .rels", withTypes(t, plainTypes, map[string][]byte{"word/document.xml": doc, "word/_rels/x.rels": []byte("PK\x03\x04....")}), "内嵌有其他"},
		{"part claiming zero bytes", zeroSized(), "已损坏"},
		{"legacy .xls with VBA", legacyMacro, "含有宏"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			typ, _, err := Sniff(tc.data)
			if duijie.ErrorCode(err) != duijie.EINVALID || !strings.Contains(err.Error(), tc.refused) {
				t.Errorf("accepted as %q (%v); want refused with %q", typ, err, tc.refused)
			}
		})
	}
	// Polyglots keep their leading type: served as typed downloads only.
	for want, data := range map[string][]byte{
		TypePDF: []byte("%PDF-1.4\n<html><script>alert(1)</script></html>\n%%EOF\n"),
		TypePNG: []byte("\x89PNG\r\n\x1a\n<svg onload=alert(1)>"),
	} {
		if typ, _, err := Sniff(data); err != nil || typ != want {
			t.Errorf("polyglot %q: %q %v", want, typ, err)
		}
	}
	// A plain OLE file without a VBA storage is still a legacy document.
	if typ, _, err := Sniff(ole); err != nil || typ != TypeOLE {
		t.Errorf("legacy document: %q %v", typ, err)
	}
}

// TestSniffEmptyPart: an empty part (a blank customXml item) does not make
// a document unreadable.
func TestSniffEmptyPart(t *testing.T) {
	data := withTypes(t, `<?xml version="1.0"?><Types/>`, map[string][]byte{"word/document.xml": []byte("<d/>"), "customXml/item1.xml": nil})
	if typ, _, err := Sniff(data); err != nil || typ != TypeDOCX {
		t.Errorf("%q %v", typ, err)
	}
}
