package portal

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"path"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"duijie/internal/duijie"
	"duijie/internal/importer"
	"duijie/internal/sheet"
	"duijie/internal/sqlite"
)

// Audit actions of imports.
const (
	AuditImportPreview = "import.preview" // a file checked (or refused)
	AuditImportCommit  = "import.commit"  // a dry run confirmed and written
)

// ImportUpload is a file a broker uploaded.
type ImportUpload struct {
	Kind     importer.Kind
	FileName string
	Data     []byte
}

// ImportRowStatus is what confirming will do with a row.
type ImportRowStatus string

// Row statuses.
const (
	ImportCreate    ImportRowStatus = "create"    // 将新建
	ImportDuplicate ImportRowStatus = "duplicate" // 疑似重复，不导入
	ImportError     ImportRowStatus = "error"     // 有错误，不导入
)

// ImportRow is one data row of a dry run.
type ImportRow struct {
	Row      int
	Status   ImportRowStatus
	Title    string
	OrgName  string
	OrgNote  string        // 已注册单位 / 新建单位（待审核） …
	Posting  duijie.Status // the new posting's status (ImportCreate)
	Dup      *ImportDup
	Problems []importer.Problem
}

// ImportDup is what a row duplicates: a posting of the store, or an
// earlier row of the same file (Row > 0).
type ImportDup struct {
	Type, ID, Title, OrgName string
	Row                      int
	Reason                   string
}

// ImportPlan is a dry run: every row and what confirming would do. It is
// kept on the server, keyed by a random id and bound to the broker's
// session, until it is confirmed once, replaced by the broker's next
// upload, or expires (ImportPlanTTL).
type ImportPlan struct {
	ID                                   string
	Kind                                 importer.Kind
	FileName                             string
	SHA256                               string
	Size                                 int
	Rows                                 []ImportRow
	Notes                                []importer.Problem // about the file: empty rows, the example row, ignored columns
	Creates, Duplicates, Errors, NewOrgs int
	Created                              time.Time

	user, session string
	batch         *sqlite.ImportBatch
}

// ImportPlanTTL is how long a dry run waits for its confirmation.
const ImportPlanTTL = 30 * time.Minute

// importPlans holds the dry runs waiting for confirmation: one per broker
// (a new upload replaces the last), so that memory stays bounded.
type importPlans struct {
	mu     sync.Mutex
	byID   map[string]*ImportPlan
	byUser map[string]string
}

func newImportPlans() *importPlans {
	return &importPlans{byID: map[string]*ImportPlan{}, byUser: map[string]string{}}
}

func (ps *importPlans) put(p *ImportPlan) {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	if old, ok := ps.byUser[p.user]; ok {
		delete(ps.byID, old)
	}
	ps.byID[p.ID], ps.byUser[p.user] = p, p.ID
}

// get returns the caller's plan, or nil: another broker's plan, another
// session's, an expired one and a missing one look alike.
func (ps *importPlans) get(id, user, session string, now time.Time) *ImportPlan {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	p := ps.byID[id]
	if p == nil || p.user != user || p.session != session {
		return nil
	}
	if now.Sub(p.Created) > ImportPlanTTL {
		ps.drop(p)
		return nil
	}
	return p
}

// take removes the caller's plan and returns it: only one confirmation
// can ever get it.
func (ps *importPlans) take(id, user, session string, now time.Time) *ImportPlan {
	p := ps.get(id, user, session, now)
	if p != nil {
		ps.mu.Lock()
		ps.drop(p)
		ps.mu.Unlock()
	}
	return p
}

func (ps *importPlans) drop(p *ImportPlan) {
	delete(ps.byID, p.ID)
	if ps.byUser[p.user] == p.ID {
		delete(ps.byUser, p.user)
	}
}

var errPlanGone = duijie.Errorf(duijie.ENOTFOUND, "导入预览不存在、已确认或已过期（%d 分钟），请重新上传文件", int(ImportPlanTTL.Minutes()))

// ImportTemplate is the .xlsx template of a kind; brokers only.
func (s *Service) ImportTemplate(a Actor, k importer.Kind) ([]byte, error) {
	if !a.User.Is(duijie.RoleBroker) {
		return nil, duijie.Errorf(duijie.EFORBIDDEN, "只有科技局技术经纪人可以导入")
	}
	return importer.Template(k)
}

// ImportDryRun reads an uploaded file and decides every row: created,
// duplicate or error; nothing is written but the audit entry. The plan is
// kept for ConfirmImport, bound to the broker's session. A file refused as
// a whole (size, format, zip bomb, wrong sheet, missing columns, too many
// rows) returns an EINVALID error and is audited as refused.
func (s *Service) ImportDryRun(ctx context.Context, a Actor, session string, up ImportUpload) (*ImportPlan, error) {
	if !a.User.Is(duijie.RoleBroker) {
		return nil, duijie.Errorf(duijie.EFORBIDDEN, "只有科技局技术经纪人可以导入")
	}
	if _, ok := importer.ParseKind(string(up.Kind)); !ok {
		return nil, duijie.Errorf(duijie.EINVALID, "请选择导入技术需求还是科技成果")
	}
	sum := sha256.Sum256(up.Data)
	p := &ImportPlan{ID: randomToken(), Kind: up.Kind, FileName: cleanFileName(up.FileName), SHA256: hex.EncodeToString(sum[:]),
		Size: len(up.Data), Created: s.now(), user: a.User.ID, session: session}
	refused := func(err error) (*ImportPlan, error) {
		s.audit(ctx, a, AuditImportPreview, "import:"+p.ID, p.describe()+" 拒绝："+errMessage(err))
		return nil, err
	}
	var t *sheet.Table
	var err error
	switch ext := strings.ToLower(path.Ext(p.FileName)); {
	case len(up.Data) == 0:
		return refused(duijie.Errorf(duijie.EINVALID, "请选择要上传的文件"))
	case len(up.Data) > sheet.MaxFileSize:
		return refused(duijie.Errorf(duijie.EINVALID, "文件超过 %d MiB，请拆分后分批导入", sheet.MaxFileSize>>20))
	case ext == ".xlsx":
		t, err = sheet.ReadXLSX(up.Data, up.Kind.Label())
	case ext == ".csv":
		t, err = sheet.ReadCSV(up.Data)
	default:
		return refused(duijie.Errorf(duijie.EINVALID, "只支持 .xlsx 和 .csv 文件（旧版 .xls 请在 Excel 中另存为 .xlsx）"))
	}
	if err != nil {
		return refused(err)
	}
	today := today(s.now())
	parsed, err := importer.Parse(up.Kind, t, today)
	if err != nil {
		return refused(err)
	}
	p.Notes = parsed.Notes
	if err := s.plan(ctx, p, parsed, today); err != nil {
		return nil, err
	}
	s.imports.put(p)
	s.audit(ctx, a, AuditImportPreview, "import:"+p.ID, p.describe()+fmt.Sprintf(" 将新建 %d 行，新建单位 %d 个，疑似重复 %d 行，错误 %d 行",
		p.Creates, p.NewOrgs, p.Duplicates, p.Errors))
	return p, nil
}

// ImportPlanOf returns the caller's dry run, ENOTFOUND when it is not the
// caller's session's, was confirmed, or expired.
func (s *Service) ImportPlanOf(a Actor, session, id string) (*ImportPlan, error) {
	if !a.User.Is(duijie.RoleBroker) {
		return nil, duijie.Errorf(duijie.EFORBIDDEN, "只有科技局技术经纪人可以导入")
	}
	p := s.imports.get(id, a.User.ID, session, s.now())
	if p == nil {
		return nil, errPlanGone
	}
	return p, nil
}

// ConfirmImport writes a dry run's new rows, all or nothing, in one
// transaction with its audit entry, and indexes them through the outbox.
// The plan is taken out before the write, so a second confirmation (a
// double click, a replayed request) finds nothing: ENOTFOUND. A plan
// with nothing to create is refused (EINVALID) and kept.
func (s *Service) ConfirmImport(ctx context.Context, a Actor, session, id string) (*ImportPlan, error) {
	p, err := s.ImportPlanOf(a, session, id)
	if err != nil {
		return nil, err
	}
	if p.Creates == 0 {
		return nil, duijie.Errorf(duijie.EINVALID, "没有可导入的行：请修改文件中的错误后重新上传")
	}
	if p = s.imports.take(id, a.User.ID, session, s.now()); p == nil {
		return nil, errPlanGone
	}
	b := p.batch
	b.Audit = duijie.AuditEntry{Actor: a.User.ID, Action: AuditImportCommit, Object: "import:" + p.ID, IP: a.IP,
		Detail: p.describe() + fmt.Sprintf(" 导入 %d 行，新建单位 %d 个，跳过疑似重复 %d 行、错误 %d 行", p.Creates, p.NewOrgs, p.Duplicates, p.Errors)}
	if err := s.db.Import(ctx, b); err != nil {
		return nil, err
	}
	s.Sync(ctx)
	return p, nil
}

// describe is the plan's file for the audit log.
func (p *ImportPlan) describe() string {
	return fmt.Sprintf("%s 文件「%s」（%d 字节，SHA-256 %s）", p.Kind.Label(), p.FileName, p.Size, p.SHA256)
}

// cleanFileName keeps the base name of an upload, printable and short.
func cleanFileName(name string) string {
	name = strings.ToValidUTF8(name, "?")
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return -1
		}
		return r
	}, name)
	if utf8.RuneCountInString(name) > 100 {
		name = string([]rune(name)[:100])
	}
	if name == "" {
		name = "（无文件名）"
	}
	return name
}

// errMessage is the Chinese message of a domain error.
func errMessage(err error) string {
	var e *duijie.Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "系统内部错误"
}
