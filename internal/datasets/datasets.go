// Package datasets finds the public datasets of ../shared/datasets for
// tests and evaluation. Where they are absent a test skips with a clear
// message, except under CI=true, where it fails: CI must run them.
package datasets

import (
	"os"
	"path/filepath"
	"testing"
)

// Env names a datasets folder explicitly.
const Env = "DUIJIE_DATASETS"

// Find returns the datasets folder: $DUIJIE_DATASETS, or shared/datasets
// beside the repository (found by walking up from the working directory to
// go.mod). ok is false when neither exists.
func Find() (dir string, ok bool) {
	if d := os.Getenv(Env); d != "" {
		_, err := os.Stat(d)
		return d, err == nil
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", false
	}
	for d := wd; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			ds := filepath.Join(filepath.Dir(d), "shared", "datasets")
			_, err := os.Stat(ds)
			return ds, err == nil
		}
		if filepath.Dir(d) == d {
			return "", false
		}
	}
}

// Require returns the path of name inside the datasets folder, or skips the
// test (fails it when CI=true) if it is not there.
func Require(tb testing.TB, name string) string {
	tb.Helper()
	dir, ok := Find()
	p := filepath.Join(dir, name)
	if ok {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	msg := "dataset " + name + " not found: put the shared datasets beside the repository (../shared/datasets) or set " + Env
	if os.Getenv("CI") == "true" {
		tb.Fatal(msg + " (CI=true: dataset tests must run)")
	}
	tb.Skip(msg)
	return ""
}
