package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"duijie/internal/duijie"
)

// runAuditPurge removes audit entries older than a date at least 184 days
// back; the store refuses anything younger (see sqlite.DB.PurgeAudit).
func runAuditPurge(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("audit-purge", flag.ContinueOnError)
	dir := dataDirFlag(fs)
	before := fs.String("before", "", "remove entries before this date (Beijing time, 2026-01-01), at least 184 days ago")
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	day, err := time.ParseInLocation(duijie.DateLayout, *before, duijie.ChinaTime)
	if err != nil {
		return fmt.Errorf("--before: want a date like 2026-01-01: %w", err)
	}
	db, _, err := openStore(ctx, *dir, false)
	if err != nil {
		return err
	}
	defer db.Close()
	n, err := db.PurgeAudit(ctx, "", day)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "removed %d audit entries before %s\n", n, *before)
	return nil
}
