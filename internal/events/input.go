package events

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"duijie/internal/duijie"
)

// Input is what a broker types for an event.
type Input struct {
	Theme      string
	Industries []duijie.Industry
	Day        time.Time // zero: not given or not a date
	Place      string
	Slots      []string
	Tables     int
}

func (in *Input) check() error {
	in.Theme, in.Place = strings.TrimSpace(in.Theme), strings.TrimSpace(in.Place)
	f := map[string]string{}
	switch n := utf8.RuneCountInString(in.Theme); {
	case duijie.BadText(in.Theme, false) != "":
		f["theme"] = "主题" + duijie.BadText(in.Theme, false)
	case n == 0:
		f["theme"] = "请填写对接会主题"
	case n > MaxTheme:
		f["theme"] = fmt.Sprintf("主题不能超过 %d 个字", MaxTheme)
	}
	var inds []duijie.Industry
	seenInd := map[duijie.Industry]bool{}
	for _, i := range in.Industries {
		if i.Label() == "" {
			f["industries"] = "不支持的产业，请从列表中选择"
			break
		}
		if !seenInd[i] { // a form repeating one industry thousands of times stores it once
			seenInd[i] = true
			inds = append(inds, i)
		}
	}
	in.Industries = inds
	seenSlot := map[string]bool{}
	switch {
	case in.Day.IsZero():
		f["day"] = "请按 年-月-日 填写日期，例如 2026-12-20"
	case in.Day.Year() < 2000 || in.Day.Year() > 2100:
		f["day"] = "日期应在 2000 年到 2100 年之间"
	}
	switch n := utf8.RuneCountInString(in.Place); {
	case duijie.BadText(in.Place, false) != "":
		f["place"] = "地点" + duijie.BadText(in.Place, false)
	case n == 0:
		f["place"] = "请填写地点"
	case n > MaxPlace:
		f["place"] = fmt.Sprintf("地点不能超过 %d 个字", MaxPlace)
	}
	var slots []string
	slotErr := ""
	for _, l := range in.Slots {
		if len(slots) > MaxSlots {
			break // refused below; a pasted list of thousands is not read to the end
		}
		if l = strings.TrimSpace(l); l != "" {
			slots = append(slots, l)
			if seenSlot[l] && slotErr == "" {
				slotErr = "时段不能重复，每行填写一个不同的时段"
			}
			seenSlot[l] = true
		}
		if bad := duijie.BadText(l, false); bad != "" && slotErr == "" {
			slotErr = "时段" + bad
		}
		if utf8.RuneCountInString(l) > MaxSlotLabel && slotErr == "" {
			slotErr = fmt.Sprintf("每个时段不能超过 %d 个字", MaxSlotLabel)
		}
	}
	in.Slots = slots
	switch {
	case slotErr != "":
		f["slots"] = slotErr
	case len(slots) == 0:
		f["slots"] = "请至少填写一个时段，每行一个，例如 09:00–09:20"
	case len(slots) > MaxSlots:
		f["slots"] = fmt.Sprintf("时段不能超过 %d 个", MaxSlots)
	}
	if in.Tables < 1 || in.Tables > MaxTables {
		f["tables"] = fmt.Sprintf("桌数应为 1 到 %d 之间的整数", MaxTables)
	}
	if len(f) > 0 {
		return &duijie.Error{Code: duijie.EINVALID, Message: "请检查填写的内容", Fields: f}
	}
	return nil
}
