package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// e2eServer is a running duijie binary.
type e2eServer struct {
	cmd    *exec.Cmd
	base   string        // http://127.0.0.1:PORT
	exited chan struct{} // closed when the process has been waited for
	err    error         // Wait's answer, once exited is closed
	logf   string        // its stderr
}

// startE2E starts `duijie serve` on a free port and waits until it says it
// is serving.
func startE2E(t *testing.T, bin, dir, name string) *e2eServer {
	t.Helper()
	s := &e2eServer{exited: make(chan struct{}), logf: filepath.Join(filepath.Dir(dir), name+".log")}
	logFile, err := os.Create(s.logf)
	if err != nil {
		t.Fatal(err)
	}
	s.cmd = exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--data", dir)
	s.cmd.Env = append(os.Environ(), "DUIJIE_ADDR=", "DUIJIE_DEMO=")
	s.cmd.Stderr = logFile
	stdout, err := s.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if a, ok := strings.CutPrefix(sc.Text(), "Duijie is serving "); ok {
				ready <- strings.Fields(a)[0]
			}
		}
		io.Copy(io.Discard, stdout)
		s.err = s.cmd.Wait()
		logFile.Close()
		close(s.exited)
	}()
	t.Cleanup(func() {
		s.cmd.Process.Kill()
		<-s.exited
		if t.Failed() {
			b, _ := os.ReadFile(s.logf)
			t.Logf("%s stderr (last 3000 bytes):\n%s", name, b[max(0, len(b)-3000):])
		}
	})
	select {
	case u := <-ready:
		s.base = strings.TrimSuffix(u, "/")
		t.Logf("%s ready at %s in %v", name, s.base, time.Since(start).Round(time.Millisecond))
	case <-s.exited:
		t.Fatalf("%s exited before serving: %v", name, s.err)
	case <-time.After(90 * time.Second):
		t.Fatalf("%s not serving after 90 s", name)
	}
	return s
}

var e2eClient = &http.Client{Timeout: 20 * time.Second}

// call sends a JSON request and decodes a JSON answer into out.
func (s *e2eServer) call(method, path, token string, in, out any) (int, error) {
	var body bytes.Buffer
	if in != nil {
		json.NewEncoder(&body).Encode(in)
	}
	req, err := http.NewRequest(method, s.base+path, &body)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := e2eClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err == nil && resp.StatusCode >= 300 {
		err = fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, b)
	} else if err == nil && out != nil {
		err = json.Unmarshal(b, out)
	}
	return resp.StatusCode, err
}

type e2eItem struct {
	ID     string `json:"id"`
	Title  string `json:"title"`
	Status string `json:"status"`
}

// listAll pages through the anonymous challenge list (q optional) and
// returns every item by id, failing on a duplicate or a total that does not
// match the items.
func (s *e2eServer) listAll(t *testing.T, q string) map[string]e2eItem {
	t.Helper()
	seen := map[string]e2eItem{}
	total := -1
	for offset := 0; ; offset += 50 {
		var l struct {
			Items []e2eItem
			Total int
		}
		path := fmt.Sprintf("/api/v1/challenges?limit=50&offset=%d&q=%s", offset, url.QueryEscape(q))
		if _, err := s.call("GET", path, "", nil, &l); err != nil {
			t.Fatal(err)
		}
		if total >= 0 && l.Total != total {
			t.Fatalf("list %q: total %d at offset %d, was %d", q, l.Total, offset, total)
		}
		total = l.Total
		for _, it := range l.Items {
			if _, dup := seen[it.ID]; dup {
				t.Fatalf("list %q: %s listed twice", q, it.ID)
			}
			seen[it.ID] = it
		}
		if len(l.Items) < 50 {
			break
		}
	}
	if len(seen) != total {
		t.Fatalf("list %q: total %d but %d items", q, total, len(seen))
	}
	return seen
}
