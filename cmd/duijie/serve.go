package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"duijie/internal/auth"
	"duijie/internal/duijie"
	"duijie/internal/indexer"
	"duijie/internal/portal"
	"duijie/internal/server"
)

// runServe starts the portal: store and index in the data folder, the
// demo set loaded into a new store unless --demo=false, which instead
// creates the first administrator with a one-time password.
func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	addr := fs.String("addr", envOr("DUIJIE_ADDR", ":8080"), "listen address HOST:PORT (env DUIJIE_ADDR)")
	dir := dataDirFlag(fs)
	withDemo := fs.Bool("demo", envOr("DUIJIE_DEMO", "true") != "false", "load the demo set into a new store (env DUIJIE_DEMO)")
	insecure := fs.Bool("insecure-cookies", os.Getenv("DUIJIE_INSECURE_COOKIES") == "true",
		"cookies without Secure, for plain HTTP on a LAN (env DUIJIE_INSECURE_COOKIES); localhost works without it")
	queueDays := fs.Int("queue-days", envInt("DUIJIE_QUEUE_DAYS", 7), "days a broker has to take up a proposal or request (env DUIJIE_QUEUE_DAYS)")
	answerDays := fs.Int("answer-days", envInt("DUIJIE_ANSWER_DAYS", 7), "days both sides have to answer a recommendation (env DUIJIE_ANSWER_DAYS)")
	logFormat := fs.String("log-format", envOr("DUIJIE_LOG_FORMAT", "auto"), "log format on stderr: json, text, or auto (text on a terminal, JSON otherwise) (env DUIJIE_LOG_FORMAT)")
	negotiateDays := fs.Int("negotiate-days", envInt("DUIJIE_NEGOTIATE_DAYS", 30), "days in 洽谈中 without a broker's note before it is overdue (env DUIJIE_NEGOTIATE_DAYS)")
	trustedProxies := fs.String("trusted-proxies", os.Getenv("DUIJIE_TRUSTED_PROXIES"), "reverse proxies whose X-Forwarded-For and X-Forwarded-Proto are believed: addresses or CIDR ranges, comma-separated (env DUIJIE_TRUSTED_PROXIES)")
	publicURL := fs.String("public-url", os.Getenv("DUIJIE_PUBLIC_URL"), "the portal's address as browsers see it, https://host; the Origin check compares with it (env DUIJIE_PUBLIC_URL)")
	// metrics: the token is read from the environment after parsing, so
	// that --help does not print it as the flag's default
	metricsToken := fs.String("metrics-token", "", "bearer token for GET /metrics; without one /metrics answers 404 (env DUIJIE_METRICS_TOKEN, preferred: a flag shows in ps)")
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	if *metricsToken == "" {
		*metricsToken = os.Getenv("DUIJIE_METRICS_TOKEN")
	}
	proxies, err := server.ParseTrustedProxies(*trustedProxies)
	if err != nil {
		fmt.Fprintf(stderr, "--trusted-proxies: %v\n", err)
		return errUsage
	}
	if _, err := server.ParsePublicURL(*publicURL); err != nil {
		fmt.Fprintf(stderr, "--public-url: %v\n", err)
		return errUsage
	}
	deadlines, err := deadlinesOf(*queueDays, *answerDays, *negotiateDays)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return errUsage
	}
	log, err := newLogger(*logFormat, stderr)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return errUsage
	}
	db, idxPath, err := openStore(ctx, *dir, true)
	if err != nil {
		return err
	}
	defer db.Close()
	ix, err := indexer.OpenIndexes(idxPath)
	if err != nil {
		return fmt.Errorf("%w (is another duijie serving %s?)", err, *dir)
	}
	// Heal the index after a crash (the outbox) or a loss (a rebuild).
	if ix, err = healIndex(ctx, db, ix, idxPath, log); err != nil {
		if ix != nil {
			ix.Close()
		}
		return err
	}
	defer ix.Close() // the index is closed on every way out: bleve holds a file lock
	svc, err := portal.NewWith(ctx, db, ix, auth.NewHasher(auth.DefaultParams, 2), log, deadlines)
	if err != nil {
		return err
	}
	empty, err := svc.Empty(ctx)
	if err != nil {
		return err
	}
	loginsPath := filepath.Join(*dir, "demo-logins.txt")
	switch {
	case empty && *withDemo:
		// The set's dates move to today, so that it shows as written.
		today := duijie.Today(time.Now())
		if _, err := svc.LoadDemoOn(ctx, today, func(logins []portal.Login) error { return writeLogins(loginsPath, logins) }); err != nil {
			return err
		}
	case empty:
		_, err := svc.FirstAdmin(ctx, func(admin portal.Login) error {
			_, err := fmt.Fprintf(stdout, "First administrator: %s  one-time password: %s\n(shown once; it must be changed at first sign-in)\n",
				admin.Username, admin.Password)
			return err
		})
		if err != nil {
			return err
		}
	}
	if b, err := os.ReadFile(loginsPath); err == nil {
		fmt.Fprintf(stdout, "Demo sign-ins (%s):\n%s", loginsPath, b)
		fmt.Fprintln(stdout, "This is a demo store: its accounts' passwords are printed here. For real use start with --demo=false on a new --data folder.")
	}
	srv, err := server.New(server.Config{Service: svc, Log: log, SecureCookies: !*insecure,
		TrustedProxies: proxies, PublicURL: *publicURL, MetricsToken: *metricsToken})
	if err != nil {
		return err
	}
	runCtx, stopRun := context.WithCancel(ctx)
	runDone := make(chan struct{})
	go func() { svc.Run(runCtx, 2*time.Second); close(runDone) }()
	// On SIGTERM or Ctrl-C, Listen stops accepting and waits up to
	// shutdownGrace for the requests in flight; then the index sync
	// stops, the outbox is applied once more, and the deferred closes run:
	// the index, then the store.
	err = srv.Listen(ctx, *addr, func(a string) {
		fmt.Fprintf(stdout, "Duijie is serving http://%s/ (data in %s)\n", displayAddr(a), *dir)
	})
	log.Info("stopped serving", "err", err)
	stopRun()
	<-runDone
	svc.Sync(context.WithoutCancel(ctx))
	// The match-list openings counted in memory are written before the
	// store closes.
	svc.Reports().WaitViews()
	log.Info("closing the index, then the store") // the closes deferred above
	if errors.Is(err, context.Canceled) {
		err = nil
	}
	return err
}

// newLogger is the portal's structured log on w: JSON lines for a log
// collector, or text for a person at a terminal; "auto" picks by whether
// w is a terminal.
func newLogger(format string, w io.Writer) (*slog.Logger, error) {
	opts := &slog.HandlerOptions{Level: slog.LevelInfo}
	if format == "auto" {
		format = "json"
		if isTerminal(w) {
			format = "text"
		}
	}
	switch format {
	case "json":
		return duijie.RequestLog(slog.New(slog.NewJSONHandler(w, opts))), nil
	case "text":
		return duijie.RequestLog(slog.New(slog.NewTextHandler(w, opts))), nil
	}
	return nil, fmt.Errorf("--log-format must be json, text or auto, not %q", format)
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// deadlinesOf checks the reply deadlines given in days.
func deadlinesOf(queue, answer, negotiate int) (duijie.Deadlines, error) {
	for _, d := range []struct {
		flag string
		days int
	}{{"--queue-days", queue}, {"--answer-days", answer}, {"--negotiate-days", negotiate}} {
		if d.days < 1 || d.days > 365 {
			return duijie.Deadlines{}, fmt.Errorf("%s must be between 1 and 365 days, not %d", d.flag, d.days)
		}
	}
	day := 24 * time.Hour
	return duijie.Deadlines{Queue: time.Duration(queue) * day, Answer: time.Duration(answer) * day,
		Negotiate: time.Duration(negotiate) * day}, nil
}

// envInt reads a whole number from the environment; def when unset or not
// a number (the flag's own check reports a bad value given on the command
// line).
func envInt(key string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(key)); err == nil {
		return n
	}
	return def
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

// displayAddr turns a listener address into one a browser can open.
func displayAddr(a string) string {
	if strings.HasPrefix(a, "[::]:") || strings.HasPrefix(a, "0.0.0.0:") {
		return "localhost:" + a[strings.LastIndex(a, ":")+1:]
	}
	return a
}

// writeLogins keeps the demo sign-ins in the data folder, readable by
// its owner only, so that every start can print them again. The file is
// written whole or not at all (a temporary file renamed over it).
func writeLogins(path string, logins []portal.Login) error {
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, l := range logins {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", l.Username, l.Password, l.Role.Label(), l.Org)
	}
	if err := errors.Join(tw.Flush(), w.Flush(), f.Sync(), f.Close()); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	if d, err := os.Open(filepath.Dir(path)); err == nil {
		d.Sync() // the rename itself on disk
		d.Close()
	}
	return nil
}
