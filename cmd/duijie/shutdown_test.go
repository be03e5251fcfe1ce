package main

import (
	"bufio"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestE2EGracefulShutdown starts the real binary, begins a request, sends
// SIGTERM while the request's body is still arriving, and holds the
// portal to finishing that request with 200 before it stops accepting,
// closes the index and the store, and exits 0.
func TestE2EGracefulShutdown(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "duijie")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	s := startE2E(t, bin, filepath.Join(tmp, "data"), "graceful")
	addr := strings.TrimPrefix(s.base, "http://")

	// The request: headers and half its body now, the rest after SIGTERM.
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(30 * time.Second))
	if _, err := conn.Write([]byte("GET /readyz HTTP/1.1\r\nHost: " + addr + "\r\nContent-Length: 10\r\n\r\n12345")); err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond) // the server has read the headers
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	time.Sleep(500 * time.Millisecond)
	select {
	case <-s.exited:
		t.Fatalf("exited with a request in flight: %v", s.err)
	default:
	}
	// No new connections once shutting down.
	if c2, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		c2.Close()
		t.Error("still accepting connections after SIGTERM")
	}
	if _, err := conn.Write([]byte("67890")); err != nil {
		t.Fatal(err)
	}
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("the request in flight got no answer: %v", err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Errorf("the request in flight: %d, want 200", res.StatusCode)
	}
	rid := res.Header.Get("X-Request-Id")
	select {
	case <-s.exited:
	case <-time.After(15 * time.Second):
		t.Fatal("still running 15 s after SIGTERM")
	}
	if s.err != nil {
		t.Fatalf("exit: %v, want 0", s.err)
	}
	log, _ := os.ReadFile(s.logf)
	order := []string{"shutting down", "stopped serving", "closing the index, then the store"}
	at := 0
	for _, want := range order {
		i := strings.Index(string(log[at:]), want)
		if i < 0 {
			t.Fatalf("log lacks %q after byte %d:\n%s", want, at, log)
		}
		at += i
	}
	// stderr is not a terminal: JSON lines, the request's with its id.
	found := false
	for _, line := range strings.Split(strings.TrimSpace(string(log)), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("log line is not JSON: %q", line)
		}
		if rec["msg"] == "request" && rec["path"] == "/readyz" {
			found = rec["rid"] == rid && rid != ""
		}
	}
	if !found {
		t.Errorf("no JSON request line for /readyz with rid %q:\n%s", rid, log)
	}
}
