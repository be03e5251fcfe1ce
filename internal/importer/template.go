package importer

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/xuri/excelize/v2"

	"duijie/internal/duijie"
)

// Template is the downloadable .xlsx of kind k: a data sheet named after
// the kind with the headers (required ones marked *), one example row
// (skipped by the import while it is left unchanged) and drop-downs for
// the controlled values; and a notes sheet explaining every column and
// listing the controlled values: industries, modes, visibility, region
// names and codes, TRL levels.
func Template(k Kind) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	data := k.Label()
	if err := f.SetSheetName("Sheet1", data); err != nil {
		return nil, err
	}
	if _, err := f.NewSheet(NotesSheet); err != nil {
		return nil, err
	}
	head, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E8EEF4"}},
		Alignment: &excelize.Alignment{WrapText: true, Vertical: "center"}})
	if err != nil {
		return nil, err
	}
	required, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Color: "B42318"},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E8EEF4"}},
		Alignment: &excelize.Alignment{WrapText: true, Vertical: "center"}})
	if err != nil {
		return nil, err
	}
	example, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Italic: true, Color: "667085"}})
	if err != nil {
		return nil, err
	}
	text, err := f.NewStyle(&excelize.Style{NumFmt: 49}) // "@": what is typed stays text (credit codes, dates as written)
	if err != nil {
		return nil, err
	}
	cols := k.Columns()
	for i, c := range cols {
		name := colName(i)
		h := c.Header
		style := head
		if c.Required {
			h += "*"
			style = required
		}
		if err := f.SetCellStr(data, name+"1", h); err != nil {
			return nil, err
		}
		f.SetCellStyle(data, name+"1", name+"1", style)
		f.SetColWidth(data, name, name, c.Width)
		f.SetCellStr(data, name+"2", c.Example)
		f.SetCellStyle(data, name+"2", name+"2", example)
		if c.Key == "credit_code" {
			f.SetColStyle(data, name, text)
			f.SetCellStyle(data, name+"1", name+"1", style)
			f.SetCellStyle(data, name+"2", name+"2", example)
		}
		var drop []string
		switch c.Key {
		case "industry":
			for _, x := range duijie.Industries {
				drop = append(drop, x.Label)
			}
		case "visibility":
			drop = []string{"公开", "摘要公开", "仅科技局可见"}
		case "kind":
			drop = []string{"科技成果", "研究方向", "专家", "平台/设备"}
		case "trl", "trl_expect":
			drop = []string{"1", "2", "3", "4", "5", "6", "7", "8", "9"}
		}
		if drop != nil {
			dv := excelize.NewDataValidation(true)
			dv.Sqref = fmt.Sprintf("%s2:%s10001", name, name)
			if err := dv.SetDropList(drop); err != nil {
				return nil, err
			}
			dv.SetError(excelize.DataValidationErrorStyleWarning, "请从列表中选择", "请从下拉列表中选择，详见「"+NotesSheet+"」工作表")
			if err := f.AddDataValidation(data, dv); err != nil {
				return nil, err
			}
		}
	}
	if err := f.SetPanes(data, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return nil, err
	}

	// The notes sheet.
	rows := [][]string{
		{k.Label() + "导入模板 · 填写说明"},
		{"在「" + data + "」工作表中每行填写一条" + k.Label() + "，表头在第 1 行，不要改动表头、不要合并单元格。第 2 行是示例，可直接覆盖；未改动的示例行导入时自动跳过。"},
		{fmt.Sprintf("一个文件不超过 10 MiB、10000 行、50 列；也可另存为 CSV（UTF-8 或 GB18030 编码，逗号分隔，表头相同）上传。带 * 的列必须填写。")},
		{"上传后先预览：每行显示将新建、疑似重复或错误（行号、列名和原因）；确认后一次性全部导入，任何一行写入失败则全部不导入。"},
		{},
		{"列名", "是否必填", "说明", "可填写的值"},
	}
	for _, c := range cols {
		req := ""
		if c.Required {
			req = "必填"
		}
		rows = append(rows, []string{c.Header, req, c.Note, c.Values})
	}
	rows = append(rows, []string{}, []string{"所属产业", "代码"})
	for _, i := range duijie.Industries {
		rows = append(rows, []string{i.Label, string(i.Code)})
	}
	rows = append(rows, []string{}, []string{"合作方式"})
	for _, m := range duijie.Modes {
		rows = append(rows, []string{string(m)})
	}
	if k == Challenges {
		rows = append(rows, []string{}, []string{"公开范围", "说明"},
			[]string{"公开", "所有人可见"},
			[]string{"摘要公开", duijie.VisibilitySummary.Label() + "；标题、关键词和技术领域公开"},
			[]string{"仅科技局可见", "只有科技局技术经纪人可见"})
	} else {
		rows = append(rows, []string{}, []string{"类型"})
		for _, kd := range []duijie.Kind{duijie.KindAchievement, duijie.KindDirection, duijie.KindExpert, duijie.KindEquipment} {
			rows = append(rows, []string{kd.Label()})
		}
	}
	rows = append(rows, []string{}, []string{"地区", "代码", "也可写作"})
	for _, r := range duijie.Regions {
		rows = append(rows, []string{r.Label, string(r.Code), r.Short})
	}
	rows = append(rows, []string{}, []string{"技术成熟度（TRL）"})
	for _, l := range TRLLevels {
		rows = append(rows, []string{l})
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		vals := make([]any, len(r))
		for j, v := range r {
			vals[j] = v
		}
		if err := f.SetSheetRow(NotesSheet, cell, &vals); err != nil {
			return nil, err
		}
		if len(r) > 0 && (i == 0 || i == 5 || (i > 0 && len(rows[i-1]) == 0)) {
			end, _ := excelize.CoordinatesToCellName(max(len(r), 1), i+1)
			f.SetCellStyle(NotesSheet, cell, end, head)
		}
	}
	f.SetColWidth(NotesSheet, "A", "A", 22)
	f.SetColWidth(NotesSheet, "B", "B", 14)
	f.SetColWidth(NotesSheet, "C", "C", 60)
	f.SetColWidth(NotesSheet, "D", "D", 50)
	f.SetActiveSheet(0)
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// FileName is the template's download name.
func (k Kind) FileName() string {
	return strings.ReplaceAll(k.Label()+"导入模板.xlsx", " ", "")
}
