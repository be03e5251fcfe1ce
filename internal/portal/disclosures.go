package portal

import (
	"context"

	"duijie/internal/duijie"
)

// disclosures are the hidden bodies one answer shows, each posting once.
type disclosures []*Item

func (d *disclosures) add(it *Item) {
	if it.hidden == "" {
		return
	}
	for _, o := range *d {
		if o.ID == it.ID {
			return
		}
	}
	*d = append(*d, it)
}

// auditDisclosures records every hidden body a list showed (a snippet, a
// match's text), as a detail view does: one entry per posting per answer,
// written together.
func (s *Service) auditDisclosures(ctx context.Context, a Actor, d disclosures) {
	if len(d) == 0 {
		return
	}
	entries := make([]duijie.AuditEntry, len(d))
	for i, it := range d {
		entries[i] = duijie.AuditEntry{Actor: a.User.IDOrEmpty(), Action: duijie.AuditConfidential,
			Object: "challenge:" + it.ID, Detail: string(it.hidden) + " list", IP: a.IP}
	}
	s.db.AuditAll(ctx, s.log, entries)
}
