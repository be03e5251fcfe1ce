package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"duijie/internal/sqlite"
)

// runBackup copies the store of a data folder, running portal or not, to
// one file: VACUUM INTO beside it, integrity_check on the copy, fsync and
// rename. The search indexes are not copied (they are locked by a running
// portal, and derived data: a start rebuilds them from the store).
func runBackup(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	dir := dataDirFlag(fs)
	out := fs.String("out", "", "the backup file to write")
	force := fs.Bool("force", false, "replace an existing backup file")
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	if *out == "" {
		fmt.Fprintln(stderr, "backup needs --out FILE")
		fs.Usage()
		return errUsage
	}
	if _, err := os.Stat(*out); err == nil && !*force {
		return fmt.Errorf("%s exists (--force replaces it)", *out)
	} else if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	dbPath, _ := storePaths(*dir)
	if _, err := os.Stat(dbPath); err != nil {
		return fmt.Errorf("no store at %s: %w", dbPath, err)
	}
	// Read-only and without migrations: the running portal keeps the
	// store open (WAL lets a second process read), and the bleve indexes,
	// which it locks, are not touched.
	db, err := sqlite.OpenReadOnly(ctx, dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	info, err := db.Backup(ctx, *out)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backed up %s to %s: %d bytes, integrity_check ok\n", dbPath, info.Path, info.Size)
	for _, tc := range info.Tables {
		fmt.Fprintf(stdout, "  %-24s %d rows\n", tc.Name, tc.Rows)
	}
	return nil
}
