package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"duijie/internal/sqlite"
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

// e2eMarker makes a title token the search finds as one word.
func e2eMarker(i int) string { return fmt.Sprintf("zqx%03dkv", i) }

// TestE2ECrashRestart starts the real binary on :0 with a temp data dir,
// writes through the API, kills it mid-writes, restarts it and finds every
// acknowledged write and a consistent index.
func TestE2ECrashRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary twice")
	}
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "duijie")
	start := time.Now()
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("CGO_ENABLED=0 go build: %v\n%s", err, out)
	}
	t.Logf("built in %v", time.Since(start).Round(time.Millisecond))
	dir := filepath.Join(tmp, "data")

	s1 := startE2E(t, bin, dir, "first")
	logins, err := os.ReadFile(filepath.Join(dir, "demo-logins.txt"))
	if err != nil {
		t.Fatal(err)
	}
	var password string
	for _, line := range strings.Split(string(logins), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "qiye" {
			password = f[1]
		}
	}
	if password == "" {
		t.Fatalf("no qiye in demo-logins.txt:\n%s", logins)
	}
	var tok struct{ Token string }
	if _, err := s1.call("POST", "/api/v1/tokens", "", map[string]string{"username": "qiye", "password": password}, &tok); err != nil {
		t.Fatal(err)
	}
	before := s1.listAll(t, "")
	if len(before) == 0 {
		t.Fatal("the demo set lists no challenges")
	}

	// Write n challenges from 4 goroutines; kill the server after killAt
	// of them were acknowledged, with the rest in flight or not yet sent.
	const n, killAt, workers = 40, 16, 4
	type ack struct {
		i  int
		id string
	}
	jobs, acks := make(chan int), make(chan ack)
	var mu sync.Mutex
	sent := map[int]bool{}
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := range jobs {
				mu.Lock()
				sent[i] = true
				mu.Unlock()
				in := map[string]any{"title": e2eMarker(i) + " 动力电池热失控预警", "problem": "需要在热失控前十分钟给出预警，误报率低于千分之一。",
					"industry": "nev", "modes": []string{"技术开发"}, "visibility": "public", "keywords": []string{"热失控"}, "publish": true}
				var out struct{ ID, Title, Status string }
				code, err := s1.call("POST", "/api/v1/challenges", tok.Token, in, &out)
				if err == nil && code == http.StatusCreated && out.ID != "" {
					acks <- ack{i, out.ID}
				} else if code != 0 && code != http.StatusCreated {
					t.Errorf("write %d answered %d: %v", i, code, err) // a refusal, not a broken connection
				}
			}
		})
	}
	go func() {
		for i := range n {
			jobs <- i
		}
		close(jobs)
		wg.Wait()
		close(acks)
	}()
	acked := map[int]string{}
	start = time.Now()
	for a := range acks {
		acked[a.i] = a.id
		if len(acked) == killAt {
			s1.cmd.Process.Kill() // SIGKILL, writes in flight
		}
	}
	<-s1.exited
	t.Logf("%d writes sent, %d acknowledged before SIGKILL (%v)", len(sent), len(acked), time.Since(start).Round(time.Millisecond))
	if len(acked) < killAt || len(sent) == n && len(acked) == n {
		t.Fatalf("the kill did not land mid-writes: %d sent, %d acknowledged", len(sent), len(acked))
	}

	s2 := startE2E(t, bin, dir, "second")
	if again, err := os.ReadFile(filepath.Join(dir, "demo-logins.txt")); err != nil || !bytes.Equal(again, logins) {
		t.Errorf("demo-logins.txt changed on restart (err %v): the demo was loaded again", err)
	}
	ackedItems := map[string]e2eItem{}
	for i, id := range acked {
		var got e2eItem
		if _, err := s2.call("GET", "/api/v1/challenges/"+id, "", nil, &got); err != nil {
			t.Errorf("acknowledged write %d lost: %v", i, err)
			continue
		}
		ackedItems[id] = got
		if !strings.HasPrefix(got.Title, e2eMarker(i)+" ") || got.Status != "published" {
			t.Errorf("%s: title %q status %q after restart", id, got.Title, got.Status)
		}
		if hits := s2.listAll(t, e2eMarker(i)); len(hits) != 1 || hits[id].ID != id {
			t.Errorf("search for %s finds %v, want only %s", e2eMarker(i), hits, id)
		}
	}

	// The whole list: the demo set, every acknowledged write, and only
	// those writes in flight at the kill that the store committed.
	after := s2.listAll(t, "")
	for _, ids := range []map[string]e2eItem{before, ackedItems} {
		for id := range ids {
			if _, ok := after[id]; !ok {
				t.Errorf("%s missing from the list after restart", id)
			}
		}
	}
	extra := 0
	for id, it := range after {
		if _, ok := before[id]; ok {
			continue
		}
		var i int
		if _, err := fmt.Sscanf(it.Title, "zqx%03dkv", &i); err != nil || !sent[i] || acked[i] != "" && acked[i] != id {
			t.Errorf("unexpected challenge %s %q after restart", id, it.Title)
		} else if acked[i] == "" {
			extra++ // sent, committed, but the answer was lost in the kill
		}
	}
	if want := len(before) + len(acked) + extra; len(after) != want {
		t.Errorf("%d challenges listed, want %d demo + %d acknowledged + %d unacknowledged", len(after), len(before), len(acked), extra)
	}
	t.Logf("after restart: %d listed = %d demo + %d acknowledged + %d committed unacknowledged", len(after), len(before), len(acked), extra)

	// Graceful stop.
	if err := s2.cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	select {
	case <-s2.exited:
		if s2.err != nil {
			t.Errorf("after SIGINT: %v", s2.err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("still running 15 s after SIGINT")
	}

	// The store agrees: every challenge of ours it holds was listed.
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(dir, "duijie.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ids, err := db.PostingIDs(ctx, "challenge")
	if err != nil {
		t.Fatal(err)
	}
	ours := 0
	for _, id := range ids {
		c, err := db.Challenge(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasPrefix(c.Title, "zqx") {
			ours++
			if _, ok := after[id]; !ok {
				t.Errorf("stored %s %q is not in the index", id, c.Title)
			}
		}
	}
	if ours != len(acked)+extra {
		t.Errorf("store holds %d of our challenges, the list %d", ours, len(acked)+extra)
	}
}
