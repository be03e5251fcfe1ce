package server

import "os"

// tempDir is a folder for the shared stack (t.TempDir belongs to one
// test; this one lives for the test binary).
func tempDir() (string, error) { return os.MkdirTemp("", "duijie-server-test-") }
