// Command duijie is the Duijie service and its tools: one binary, one
// subcommand each.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

// command is one subcommand.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

func commands() []command {
	return []command{
		{"serve", "serve the portal (the default command)", runServe},
		{"eval", "rank an evaluation set with every variant and score it", runEval},
		{"prepare-csl", "turn the CSL keyword set into an evaluation set", runPrepareCSL},
		{"segeval", "score segmentation against an icwb2 gold file", runSegEval},
		{"bench", "benchmark analysis, indexing and matching against bleve-cjk and MLT baselines", runBench},
		{"import-demo", "load the demo set into the store and index it", runImportDemo},
		{"reindex", "rebuild the search index from the store", runReindex},
		{"backup", "copy the store to one file, also while the portal runs", runBackup},
		{"audit-purge", "remove audit entries older than a date at least 184 days back", runAuditPurge},
		{"scale", "add generated capabilities to a store, for load figures at 10k and 100k", runScale},
		{"load", "load a portal on this machine with bounded bursts of requests; req/s and latency", runLoad},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run dispatches to a subcommand and returns the exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") && args[0] != "-h" && args[0] != "--help" {
		args = append([]string{"serve"}, args...) // serve is the default
	}
	if args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stderr)
		return 0
	}
	for _, c := range commands() {
		if c.name == args[0] {
			err := c.run(ctx, args[1:], stdout, stderr)
			switch {
			case err == nil:
				return 0
			case errors.Is(err, flag.ErrHelp):
				return 0
			case errors.Is(err, errUsage):
				return 2
			default:
				fmt.Fprintf(stderr, "duijie %s: %v\n", c.name, err)
				return 1
			}
		}
	}
	fmt.Fprintf(stderr, "duijie: unknown command %q\n\n", args[0])
	usage(stderr)
	return 2
}

// errUsage is returned after a flag error was already printed.
var errUsage = errors.New("usage")

func usage(w io.Writer) {
	fmt.Fprintln(w, "Usage: duijie <command> [flags]\n\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-12s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'duijie <command> -h' for a command's flags.")
}

// parseFlags parses args, printing errors and usage to stderr.
func parseFlags(fs *flag.FlagSet, args []string, stderr io.Writer) error {
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
		return errUsage
	}
	return nil
}
