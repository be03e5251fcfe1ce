package calls

import (
	"archive/zip"
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"duijie/internal/duijie"
)

// office makes an OOXML document: [Content_Types].xml, the main part and
// extra parts.
func office(t testing.TB, main string, extra map[string][]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	parts := map[string][]byte{"[Content_Types].xml": []byte(`<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`),
		"_rels/.rels": []byte(`<?xml version="1.0"?><Relationships/>`)}
	if main != "" {
		parts[main] = []byte(`<?xml version="1.0"?><document>方案</document>`)
	}
	for k, v := range extra {
		parts[k] = v
	}
	for name, data := range parts {
		f, err := w.Create(name)
		must(t, err)
		f.Write(data)
	}
	must(t, w.Close())
	return buf.Bytes()
}

func pictures(t testing.TB) (pngData, jpegData []byte) {
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	img.Set(1, 1, color.RGBA{200, 10, 10, 255})
	var p, j bytes.Buffer
	must(t, png.Encode(&p, img))
	must(t, jpeg.Encode(&j, img, nil))
	return p.Bytes(), j.Bytes()
}

// TestSniffAttachment: types come from the content; renamed executables,
// HTML named .pdf, zip archives that are no document and zip bombs are
// refused with a Chinese message.
func TestSniffAttachment(t *testing.T) {
	pngData, jpegData := pictures(t)
	pdf := []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
	plain := func(name string, data []byte) []byte {
		var buf bytes.Buffer
		w := zip.NewWriter(&buf)
		f, _ := w.Create(name)
		f.Write(data)
		w.Close()
		return buf.Bytes()
	}
	for _, tc := range []struct {
		name    string
		data    []byte
		typ     string
		refused string
	}{
		{name: "方案.pdf", data: pdf, typ: TypePDF},
		{name: "照片.png", data: pngData, typ: TypePNG},
		{name: "照片.jpg", data: jpegData, typ: TypeJPEG},
		{name: "方案.docx", data: office(t, "word/document.xml", map[string][]byte{"word/media/image1.png": pngData}), typ: TypeDOCX},
		{name: "预算.xlsx", data: office(t, "xl/workbook.xml", nil), typ: TypeXLSX},
		{name: "汇报.pptx", data: office(t, "ppt/presentation.xml", nil), typ: TypePPTX},
		{name: "旧版.doc", data: append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 504)...), typ: TypeOLE},
		{name: "setup.pdf", data: append([]byte("MZ\x90\x00\x03\x00\x00\x00"), make([]byte, 200)...), refused: "不支持的文件类型"},
		{name: "说明.pdf", data: []byte("<!DOCTYPE html><html><script>alert(1)</script></html>"), refused: "不支持的文件类型"},
		{name: "方案.docx", data: plain("payload.txt", []byte("hello")), refused: "不支持的文件类型"},
		{name: "炸弹.docx", data: office(t, "word/document.xml", map[string][]byte{"word/media/big.bin": make([]byte, 8<<20)}), refused: "疑似压缩炸弹"},
		{name: "套娃.docx", data: office(t, "word/document.xml", map[string][]byte{"word/embeddings/x.bin": plain("a.txt", []byte("x"))}), refused: "内嵌有其他压缩文件"},
		{name: "空.pdf", data: nil, refused: "文件是空的"},
		{name: "大.pdf", data: append([]byte("%PDF-"), make([]byte, duijie.MaxAttachment)...), refused: "超过 10 MiB"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			typ, _, err := Sniff(tc.data)
			if tc.refused != "" {
				if duijie.ErrorCode(err) != duijie.EINVALID || !strings.Contains(err.Error(), tc.refused) {
					t.Errorf("got %q, %v; want refused with %q", typ, err, tc.refused)
				}
				return
			}
			if err != nil || typ != tc.typ {
				t.Errorf("got %q, %v; want %q", typ, err, tc.typ)
			}
		})
	}
}

func TestCleanName(t *testing.T) {
	for in, want := range map[string]string{
		"方案.pdf":                 "方案.pdf",
		`C:\Users\张\方案.pdf`:      "方案.pdf",
		"../../etc/passwd":       "passwd.pdf",
		"setup.exe":              "setup.exe.pdf",
		"a\"b;\r\nc.pdf":         "abc.pdf",
		"photo.JPEG":             "photo.JPEG",
		"":                       "附件.pdf",
		strings.Repeat("长", 100): strings.Repeat("长", 76) + ".pdf",
	} {
		if got := cleanName(in, ".pdf"); got != want && !(in == "photo.JPEG") {
			t.Errorf("cleanName(%q) = %q, want %q", in, got, want)
		}
	}
	if got := cleanName("photo.JPEG", ".jpg"); got != "photo.JPEG" {
		t.Errorf("a .jpeg stays: %q", got)
	}
}

// TestPanelRights: a proposal and its attachments are read by the
// proposing institute, brokers and the experts on the call's panel only;
// an expert not on the panel, another institute and the enterprise
// (before the award) get ENOTFOUND; downloads are audited.
func TestPanelRights(t *testing.T) {
	e := newEnv(t)
	c, err := e.s.Create(e.ctx, e.as("broker"), "ch-1", CallInput{Reward: 80, Deadline: duijie.Today(t0).AddDate(0, 0, 3), Criteria: criteria})
	must(t, err)
	p := &duijie.Proposal{Summary: "低温电解液添加剂与负极表面改性相结合", Plan: "分两阶段完成。", Budget: 60, Team: "教授 1 名"}
	must(t, e.s.Submit(e.ctx, e.as("yuansuo"), c.ID, p))
	pdf := []byte("%PDF-1.7\n%%EOF\n")
	at, err := e.s.AddAttachment(e.ctx, e.as("yuansuo"), c.ID, p.ID, "技术方案.exe", pdf)
	must(t, err)
	if at.Name != "技术方案.exe.pdf" || at.Type != TypePDF {
		t.Errorf("attachment %+v", at)
	}
	if _, err := e.s.AddAttachment(e.ctx, e.as("hfut"), c.ID, p.ID, "x.pdf", pdf); duijie.ErrorCode(err) != duijie.ENOTFOUND {
		t.Errorf("another institute adds a file: %v", err)
	}
	for i := 1; i < duijie.MaxAttachments; i++ {
		_, err := e.s.AddAttachment(e.ctx, e.as("yuansuo"), c.ID, p.ID, "x.pdf", pdf)
		must(t, err)
	}
	if _, err := e.s.AddAttachment(e.ctx, e.as("yuansuo"), c.ID, p.ID, "x.pdf", pdf); duijie.ErrorCode(err) != duijie.ECONFLICT {
		t.Errorf("a sixth file: %v", err)
	}
	must(t, e.s.Submit(e.ctx, e.as("hfut"), c.ID, &duijie.Proposal{Summary: "固态电解质界面优化方案用于低温", Plan: "一年。", Team: "副教授 2 名"}))
	e.clock.Add(4 * 24 * 3600e9)
	panel, err := e.s.Draw(e.ctx, e.as("broker"), c.ID, 3)
	must(t, err)
	var outsider string
	for _, id := range panel.Candidates {
		if !has(panel.Members, id) {
			outsider = "zj" + id[3:]
		}
	}
	member := "zj" + panel.Members[0][3:]
	for _, who := range []string{"hfut", "lvtc", "qiye", outsider, "zj01"} {
		if _, err := e.s.Proposal(e.ctx, e.as(who), c.ID, p.ID); duijie.ErrorCode(err) != duijie.ENOTFOUND {
			t.Errorf("%s reads the proposal: %v", who, err)
		}
		if _, _, err := e.s.Download(e.ctx, e.as(who), c.ID, p.ID, at.ID); duijie.ErrorCode(err) != duijie.ENOTFOUND {
			t.Errorf("%s downloads the attachment: %v", who, err)
		}
	}
	for _, who := range []string{"yuansuo", "broker", member} {
		if _, err := e.s.Proposal(e.ctx, e.as(who), c.ID, p.ID); err != nil {
			t.Errorf("%s cannot read the proposal: %v", who, err)
		}
		_, data, err := e.s.Download(e.ctx, e.as(who), c.ID, p.ID, at.ID)
		if err != nil || !bytes.Equal(data, pdf) {
			t.Errorf("%s cannot download: %v", who, err)
		}
	}
	entries, err := e.db.AuditLog(e.ctx, duijie.AuditAttachmentGet, 10)
	must(t, err)
	if len(entries) != 3 {
		t.Errorf("%d download entries, want 3", len(entries))
	}
	// An outsider expert sees the call but no proposals.
	v, err := e.s.Get(e.ctx, e.as(outsider), c.ID)
	must(t, err)
	if v.OnPanel || len(v.Proposals) != 0 {
		t.Errorf("outsider's view: %+v", v)
	}
	if err := e.s.Score(e.ctx, e.as(outsider), c.ID, p.ID, []int{80, 80, 80}, "方案可行，建议补充中试数据。"); duijie.ErrorCode(err) != duijie.ENOTFOUND {
		t.Errorf("an outsider scores: %v", err)
	}
	// After the deadline the owner can change nothing.
	if err := e.s.Submit(e.ctx, e.as("yuansuo"), c.ID, &duijie.Proposal{Summary: "改一下方案摘要的内容试试", Plan: "x", Team: "y"}); duijie.ErrorCode(err) != duijie.ECONFLICT {
		t.Errorf("a change after the deadline: %v", err)
	}
}

// TestPanelReviewAndAward: the panel scores on the published criteria,
// experts see only their own scores, the ranking is the mean of weighted
// scores, the award needs every review, becomes an introduction at 双方确认
// and the call is 已揭榜; the enterprise then reads the winning proposal.
func TestPanelReviewAndAward(t *testing.T) {
	e := newEnv(t)
	c := e.callWithBids()
	panel, err := e.s.Draw(e.ctx, e.as("broker"), c.ID, 3)
	must(t, err)
	v, err := e.s.Get(e.ctx, e.as("broker"), c.ID)
	must(t, err)
	a, b := v.Proposals[0], v.Proposals[1]
	if _, err := e.s.Award(e.ctx, e.as("broker"), c.ID, a.ID, ""); duijie.ErrorCode(err) != duijie.ECONFLICT || !strings.Contains(err.Error(), "0 / 6") {
		t.Errorf("award before the reviews: %v", err)
	}
	first := "zj" + panel.Members[0][3:]
	if err := e.s.Score(e.ctx, e.as(first), c.ID, a.ID, []int{90, 80}, "很好的方案，值得支持。"); duijie.ErrorCode(err) != duijie.EINVALID {
		t.Errorf("two scores for three criteria: %v", err)
	}
	if err := e.s.Score(e.ctx, e.as(first), c.ID, a.ID, []int{90, 80, 101}, "很好的方案，值得支持。"); duijie.ErrorCode(err) != duijie.EINVALID {
		t.Errorf("a score of 101: %v", err)
	}
	for i, m := range panel.Members {
		who := "zj" + m[3:]
		must(t, e.s.Score(e.ctx, e.as(who), c.ID, a.ID, []int{90, 80, 70 + i}, "技术路线清晰，团队有相关积累。"))
		must(t, e.s.Score(e.ctx, e.as(who), c.ID, b.ID, []int{60, 70, 80}, "方案可行但创新性一般，经费偏高。"))
	}
	pv, err := e.s.Proposal(e.ctx, e.as(first), c.ID, a.ID)
	must(t, err)
	if pv.Review == nil || len(pv.Reviews) != 0 {
		t.Errorf("an expert's view of reviews: own %+v, others %d", pv.Review, len(pv.Reviews))
	}
	v, err = e.s.Get(e.ctx, e.as("broker"), c.ID)
	must(t, err)
	// a: 0.4*90 + 0.3*80 + 0.3*(70,71,72) = 81, 81.3, 81.6 → mean 81.30
	if len(v.Ranking) != 2 || v.Ranking[0].Proposal.ID != a.ID || v.Ranking[0].Mean != 8130 || v.Ranking[1].Mean != 6900 || !v.MayAward {
		t.Errorf("ranking %+v, may award %t", v.Ranking, v.MayAward)
	}
	if _, err := e.s.Award(e.ctx, e.as("broker"), c.ID, "pr-nope", ""); duijie.ErrorCode(err) != duijie.EINVALID {
		t.Errorf("award to another call's proposal: %v", err)
	}
	intro, err := e.s.Award(e.ctx, e.as("broker"), c.ID, a.ID, "请尽快启动洽谈。")
	must(t, err)
	n, err := e.db.Introduction(e.ctx, intro)
	must(t, err)
	if n.Stage != duijie.StageConfirmed || n.EntOrgID != "ent" || n.InstOrgID != a.OrgID || n.ChallengeID != "ch-1" || n.BrokerID != "u-broker" {
		t.Errorf("introduction %+v", n)
	}
	got, err := e.s.Get(e.ctx, e.as("qiye"), c.ID)
	must(t, err)
	if got.Status != duijie.CallAwarded || got.AwardIntro != intro || len(got.Proposals) != 1 || got.Proposals[0].ID != a.ID {
		t.Errorf("the enterprise's view after the award: %+v", got)
	}
	if _, err := e.s.Proposal(e.ctx, e.as("qiye"), c.ID, b.ID); duijie.ErrorCode(err) != duijie.ENOTFOUND {
		t.Errorf("the enterprise reads a losing proposal: %v", err)
	}
	if err := e.s.Score(e.ctx, e.as(first), c.ID, a.ID, []int{1, 1, 1}, "评审结束后再改分试试。"); duijie.ErrorCode(err) != duijie.ECONFLICT {
		t.Errorf("a score after the award: %v", err)
	}
	data, name, err := e.s.Results(e.ctx, e.as("broker"), c.ID)
	must(t, err)
	f, err := excelize.OpenReader(bytes.NewReader(data))
	must(t, err)
	rows, err := f.GetRows("评审结果")
	must(t, err)
	if !strings.HasSuffix(name, ".xlsx") || len(rows) != 7 || rows[0][4] != "技术先进性（40）" || rows[1][0] != "1" || rows[1][2] != "81.3" {
		t.Errorf("results %s: %v", name, rows)
	}
	if _, _, err := e.s.Results(e.ctx, e.as("qiye"), c.ID); duijie.ErrorCode(err) != duijie.EFORBIDDEN {
		t.Errorf("results for the enterprise: %v", err)
	}
	rec, err := e.s.Expert(e.ctx, e.as("broker"), panel.Members[0])
	must(t, err)
	if len(rec.Reviews) != 2 || len(rec.Panels) != 1 {
		t.Errorf("the expert's record: %d reviews, %d panels", len(rec.Reviews), len(rec.Panels))
	}
}

// TestExpertPool: apply, 入库 with an account and a one-time password,
// 退回, 淘汰 with a reason (the account disabled), the status history, the
// audited contact reveal.
func TestExpertPool(t *testing.T) {
	e := newEnv(t)
	anon := Actor{IP: "192.0.2.9"}
	x := &duijie.Expert{Username: "wanglaoshi", Name: "王老师", Industry: "nev", Title: "研究员", OrgName: " 安徽理工大学 ", Phone: "13912345678"}
	must(t, e.s.Apply(e.ctx, anon, x))
	if x.OrgID != "inst-f" || x.Status != duijie.ExpertApplied {
		t.Errorf("application %+v", x)
	}
	// The same username again (or an account's): no oracle of accounts,
	// the application is taken under the name with a suffix.
	for _, name := range []string{"wanglaoshi", "broker"} {
		y := &duijie.Expert{Username: name, Name: "王", Industry: "nev", Title: "x", OrgName: "y", Phone: "13912345678"}
		if err := e.s.Apply(e.ctx, anon, y); err != nil || !strings.HasPrefix(y.Username, name+"-") || !duijie.ValidUsername(y.Username) {
			t.Errorf("the username %s taken: %v, given %q", name, err, y.Username)
		}
	}
	if err := e.s.Apply(e.ctx, anon, &duijie.Expert{Username: "1x"}); duijie.ErrorCode(err) != duijie.EINVALID {
		t.Errorf("an empty application: %v", err)
	}
	u, pw, err := e.s.Admit(e.ctx, e.as("broker"), x.ID, "资质核实无误")
	must(t, err)
	if u.Role != duijie.RoleExpert || u.OrgID != "" || !u.MustChange || len(pw) < 12 {
		t.Errorf("account %+v, password %q", u, pw)
	}
	if _, _, err := e.s.Admit(e.ctx, e.as("broker"), x.ID, ""); duijie.ErrorCode(err) != duijie.ECONFLICT {
		t.Errorf("admitted twice: %v", err)
	}
	if err := e.s.Remove(e.ctx, e.as("broker"), x.ID, ""); duijie.ErrorCode(err) != duijie.EINVALID {
		t.Errorf("removed without a reason: %v", err)
	}
	must(t, e.s.Remove(e.ctx, e.as("broker"), x.ID, "连续两次无故缺席评审"))
	stored, err := e.db.User(e.ctx, u.ID)
	must(t, err)
	if !stored.Disabled {
		t.Error("the removed expert's account is still enabled")
	}
	rec, err := e.s.Expert(e.ctx, e.as("broker"), x.ID)
	must(t, err)
	if len(rec.Events) != 3 || rec.Events[2].To != duijie.ExpertRemoved || rec.Events[2].Note != "连续两次无故缺席评审" {
		t.Errorf("history %+v", rec.Events)
	}
	if _, err := e.s.RevealContact(e.ctx, e.as("broker"), x.ID, ""); duijie.ErrorCode(err) != duijie.EINVALID {
		t.Errorf("a reveal without a purpose: %v", err)
	}
	got, err := e.s.RevealContact(e.ctx, e.as("broker"), x.ID, "通知参加评审")
	must(t, err)
	if got.Phone != "13912345678" {
		t.Errorf("revealed %q", got.Phone)
	}
	entries, err := e.db.AuditLog(e.ctx, duijie.AuditExpertContact, 10)
	must(t, err)
	if len(entries) != 1 || entries[0].Detail != "通知参加评审" {
		t.Errorf("reveal audit %+v", entries)
	}
	for i := 0; i < ApplicationsPerHour; i++ {
		err := e.s.Apply(e.ctx, Actor{IP: "198.51.100.7"}, &duijie.Expert{Username: fmt.Sprintf("spam%d", i), Name: "某", Industry: "nev", Title: "x", OrgName: "y", Phone: "13900000000"})
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := e.s.Apply(e.ctx, Actor{IP: "198.51.100.7"}, &duijie.Expert{Username: "spam99", Name: "某", Industry: "nev", Title: "x", OrgName: "y", Phone: "13900000000"}); duijie.ErrorCode(err) != duijie.ETOOMANY {
		t.Errorf("application %d from one address: %v", ApplicationsPerHour+1, err)
	}
	y := &duijie.Expert{Username: "lilaoshi", Name: "李老师", Industry: "ai", Title: "讲师", OrgName: "某大学", Phone: "0564-3300000"}
	must(t, e.s.Apply(e.ctx, anon, y))
	must(t, e.s.Return(e.ctx, e.as("broker"), y.ID, "职称不满足副高以上要求"))
	if _, err := e.s.Experts(e.ctx, e.as("yuansuo"), ""); duijie.ErrorCode(err) != duijie.EFORBIDDEN {
		t.Errorf("an institute lists the pool: %v", err)
	}
	// An expert on the panel of a call under review is not removed.
	c := e.callWithBids()
	p, err := e.s.Draw(e.ctx, e.as("broker"), c.ID, 3)
	must(t, err)
	if err := e.s.Remove(e.ctx, e.as("broker"), p.Members[0], "利益冲突"); duijie.ErrorCode(err) != duijie.ECONFLICT {
		t.Errorf("removed while reviewing: %v", err)
	}
}

// TestPanelAwardMovesOpenIntroduction: when the winner already has an
// open introduction with the enterprise about the challenge (an earlier
// 揭榜 interest), the award moves that one on to 双方确认 instead of
// making a second.
func TestPanelAwardMovesOpenIntroduction(t *testing.T) {
	e := newEnv(t)
	c := e.callWithBids()
	panel, err := e.s.Draw(e.ctx, e.as("broker"), c.ID, 3)
	must(t, err)
	v, err := e.s.Get(e.ctx, e.as("broker"), c.ID)
	must(t, err)
	win := v.Proposals[0]
	at := e.clock.Now().Add(-time.Hour)
	must(t, e.db.CreateIntroductions(e.ctx, []*duijie.Introduction{{ID: "in-open", Origin: duijie.OriginBroker, Stage: duijie.StageRecommended,
		ChallengeID: "ch-1", EntOrgID: "ent", InstOrgID: win.OrgID, Created: at, Updated: at}}, nil, nil))
	for _, m := range panel.Members {
		for _, p := range v.Proposals {
			must(t, e.s.Score(e.ctx, e.as("zj"+m[3:]), c.ID, p.ID, []int{80, 80, 80}, "方案可行，建议立项支持。"))
		}
	}
	id, err := e.s.Award(e.ctx, e.as("broker"), c.ID, win.ID, "")
	must(t, err)
	n, err := e.db.Introduction(e.ctx, id)
	must(t, err)
	if id != "in-open" || n.Stage != duijie.StageConfirmed || n.EntAnswer != duijie.AnswerAccepted || n.BrokerID != "u-broker" {
		t.Errorf("award %s: %+v", id, n)
	}
}

// TestCallWithdraw: a withdrawn call stays readable to the bureau, its
// enterprise and its bidders, who are told why; nobody else sees it.
func TestCallWithdraw(t *testing.T) {
	e := newEnv(t)
	c := e.callWithBids()
	if err := e.s.Withdraw(e.ctx, e.as("broker"), c.ID, ""); duijie.ErrorCode(err) != duijie.EINVALID {
		t.Errorf("without a reason: %v", err)
	}
	must(t, e.s.Withdraw(e.ctx, e.as("broker"), c.ID, "企业调整研发计划"))
	for who, want := range map[string]string{"broker": "", "qiye": "", "yuansuo": "", "lvtc": duijie.ENOTFOUND, "zj05": duijie.ENOTFOUND} {
		if _, err := e.s.Get(e.ctx, e.as(who), c.ID); duijie.ErrorCode(err) != want {
			t.Errorf("%s reads the withdrawn call: %v", who, err)
		}
	}
	if _, err := e.s.Get(e.ctx, Actor{}, c.ID); duijie.ErrorCode(err) != duijie.ENOTFOUND {
		t.Errorf("anyone reads the withdrawn call: %v", err)
	}
	msgs, _, err := e.db.Messages(e.ctx, "u-a", 0, 10)
	must(t, err)
	if len(msgs) != 1 || !strings.Contains(msgs[0].Body, "企业调整研发计划") {
		t.Errorf("the bidder's messages: %+v", msgs)
	}
	if err := e.s.Withdraw(e.ctx, e.as("broker"), c.ID, "再撤一次"); duijie.ErrorCode(err) != duijie.ECONFLICT {
		t.Errorf("withdrawn twice: %v", err)
	}
}

// TestCleanNameHostile: bidi overrides (an .exe that reads as .pdf), C1
// controls, line and paragraph separators, zero-width characters, NUL,
// invalid UTF-8 and Windows-reserved characters are dropped from a stored
// name; leading dots go; what is left always ends in the sniffed type.
func TestCleanNameHostile(t *testing.T) {
	for in, want := range map[string]string{
		"合同\u202Efdp.exe":          "合同fdp.exe.pdf",
		"a\u2066b\u2069c.pdf":      "abc.pdf",
		"\u200b方\u00a0案\u0085.pdf": "方\u00a0案.pdf",
		"x\u2028y\u2029z.pdf":      "xyz.pdf",
		"nul\x00byte.pdf":          "nulbyte.pdf",
		"bad\xff\xfeutf8.pdf":      "badutf8.pdf",
		"a<b>c:d*e?f|g.pdf":        "abcdefg.pdf",
		"...":                      "附件.pdf",
		".htaccess":                "htaccess.pdf",
		"\ufeff.pdf":               "pdf.pdf",
	} {
		got := cleanName(in, ".pdf")
		if got != want {
			t.Errorf("cleanName(%q) = %q, want %q", in, got, want)
		}
		if !utf8.ValidString(got) {
			t.Errorf("cleanName(%q) is not UTF-8", in)
		}
	}
}
