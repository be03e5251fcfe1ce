package main

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"duijie/internal/sqlite"
)

// crashKills is how many times TestE2ECrashRestart kills the portal:
// 50 in the normal suite, DUIJIE_CRASH_KILLS in the long mode the README
// names (200).
func crashKills(t *testing.T) int {
	v := os.Getenv("DUIJIE_CRASH_KILLS")
	if v == "" {
		return 50
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		t.Fatalf("DUIJIE_CRASH_KILLS=%q: want a positive number", v)
	}
	return n
}

// e2eMarker makes a title token the search finds as one word.
func e2eMarker(i int) string { return fmt.Sprintf("zqx%05dkv", i) }

// e2eVersion makes a problem token naming the version of an update.
func e2eVersion(i, v int) string { return fmt.Sprintf("ver%05dq%03d", i, v) }

// crashLedger is what the clients sent and what the portal acknowledged,
// over every run.
type crashLedger struct {
	mu      sync.Mutex
	sent    map[int]bool   // creations sent, by marker
	acked   map[int]string // creations acknowledged: marker -> id
	verSent map[int]map[int]bool
	verAck  map[int]int // highest acknowledged version of an update, by marker
}

func (l *crashLedger) ackedIDs() map[int]string {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := map[int]string{}
	for i, id := range l.acked {
		out[i] = id
	}
	return out
}

// TestE2ECrashRestart starts the real binary on :0 with a temp data dir
// and, crashKills times, writes through the API from four clients
// (creations of challenges, and updates of ones acknowledged before), kills
// the portal with SIGKILL after a random number of acknowledgements with
// the rest in flight, checks the store file with PRAGMA integrity_check,
// restarts it, and finds every acknowledged write: each creation by id
// and in the list, each update at its acknowledged version or a later
// one that was sent, and the index caught up (the marker words of this
// run's writes are found by search, and only where they belong).
func TestE2ECrashRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary again and again")
	}
	kills := crashKills(t)
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
	dbPath := filepath.Join(dir, "duijie.db")

	s := startE2E(t, bin, dir, "run0")
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
	if _, err := s.call("POST", "/api/v1/tokens", "", map[string]string{"username": "qiye", "password": password}, &tok); err != nil {
		t.Fatal(err)
	}
	demo := s.listAll(t, "")
	if len(demo) == 0 {
		t.Fatal("the demo set lists no challenges")
	}

	led := &crashLedger{sent: map[int]bool{}, acked: map[int]string{}, verSent: map[int]map[int]bool{}, verAck: map[int]int{}}
	rng := rand.New(rand.NewPCG(1, 2)) // the same kill points every run
	next, version := 0, 0
	var totalSent, totalAcked, extra int
	startAll := time.Now()
	for k := range kills {
		// This run's work: 10 creations and up to 4 updates of challenges
		// acknowledged in earlier runs, shuffled; the kill comes after
		// killAt acknowledgements.
		type job struct{ create, marker, ver int }
		var jobs []job
		for range 10 {
			jobs = append(jobs, job{create: 1, marker: next})
			next++
		}
		earlier := led.ackedIDs()
		for j := 0; j < 4 && len(earlier) > 0; j++ {
			m := rng.IntN(next)
			if _, ok := earlier[m]; ok {
				version++
				jobs = append(jobs, job{marker: m, ver: version})
			}
		}
		rng.Shuffle(len(jobs), func(a, b int) { jobs[a], jobs[b] = jobs[b], jobs[a] })
		killAt := 1 + rng.IntN(len(jobs)-1)

		runAcked := map[int]string{} // creations acknowledged in this run
		runVers := map[int]int{}     // updates acknowledged in this run
		var rmu sync.Mutex
		acks := 0
		queue := make(chan job)
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() {
				for jb := range queue {
					in := map[string]any{"title": e2eMarker(jb.marker) + " 动力电池热失控预警", "problem": "需要在热失控前十分钟给出预警，误报率低于千分之一。",
						"industry": "nev", "modes": []string{"技术开发"}, "visibility": "public", "keywords": []string{"热失控"}, "publish": true}
					method, path := "POST", "/api/v1/challenges"
					led.mu.Lock()
					if jb.create == 1 {
						led.sent[jb.marker] = true
					} else {
						method, path = "PUT", "/api/v1/challenges/"+led.acked[jb.marker]
						in["problem"] = "需要在热失控前十分钟给出预警。" + e2eVersion(jb.marker, jb.ver)
						if led.verSent[jb.marker] == nil {
							led.verSent[jb.marker] = map[int]bool{}
						}
						led.verSent[jb.marker][jb.ver] = true
					}
					led.mu.Unlock()
					var out struct{ ID string }
					code, err := s.call(method, path, tok.Token, in, &out)
					if code == 0 || err != nil && code >= 500 {
						continue // the connection broke in the kill, or the portal was going down
					}
					if err != nil {
						t.Errorf("run %d: %s %s answered %d: %v", k, method, path, code, err)
						continue
					}
					led.mu.Lock()
					if jb.create == 1 {
						led.acked[jb.marker] = out.ID
					} else if jb.ver > led.verAck[jb.marker] {
						led.verAck[jb.marker] = jb.ver
					}
					led.mu.Unlock()
					rmu.Lock()
					if jb.create == 1 {
						runAcked[jb.marker] = out.ID
					} else {
						runVers[jb.marker] = jb.ver
					}
					acks++
					if acks == killAt {
						s.cmd.Process.Kill() // SIGKILL, the rest in flight or not yet sent
					}
					rmu.Unlock()
				}
			})
		}
		for _, jb := range jobs {
			select {
			case queue <- jb:
			case <-s.exited:
			}
		}
		close(queue)
		wg.Wait()
		if acks < killAt {
			t.Fatalf("run %d: %d of %d writes acknowledged, the kill was to come after %d", k, acks, len(jobs), killAt)
		}
		<-s.exited
		totalSent += len(jobs)
		totalAcked += acks

		integrityCheck(t, dbPath, k)
		s = startE2E(t, bin, dir, fmt.Sprintf("run%d", k+1))
		for m, id := range runAcked {
			var got e2eItem
			if _, err := s.call("GET", "/api/v1/challenges/"+id, "", nil, &got); err != nil {
				t.Fatalf("run %d: acknowledged creation %d lost: %v", k, m, err)
			}
			if !strings.HasPrefix(got.Title, e2eMarker(m)+" ") || got.Status != "published" {
				t.Errorf("run %d: %s: title %q status %q after restart", k, id, got.Title, got.Status)
			}
			if hits := s.listAll(t, e2eMarker(m)); len(hits) != 1 || hits[id].ID != id {
				t.Errorf("run %d: search for %s finds %v, want only %s", k, e2eMarker(m), hits, id)
			}
		}
		for m, v := range runVers {
			id := led.acked[m]
			var got struct{ Problem string }
			if _, err := s.call("GET", "/api/v1/challenges/"+id, "", nil, &got); err != nil {
				t.Fatal(err)
			}
			var stored int
			if _, err := fmt.Sscanf(got.Problem[strings.Index(got.Problem, "ver"):], "ver%05dq%03d", new(int), &stored); err != nil ||
				stored < v || !led.verSent[m][stored] {
				t.Errorf("run %d: %s problem %q, want version %d or a later one sent", k, id, got.Problem, v)
				continue
			}
			if hits := s.listAll(t, e2eVersion(m, stored)); len(hits) != 1 || hits[id].ID != id {
				t.Errorf("run %d: search for %s finds %v, want only %s", k, e2eVersion(m, stored), hits, id)
			}
		}
		if t.Failed() {
			t.FailNow()
		}
	}
	t.Logf("%d kills in %v: %d writes sent, %d acknowledged", kills, time.Since(startAll).Round(time.Millisecond), totalSent, totalAcked)

	// The end state, from the store (the lists page only through the first
	// 1,000 postings, which 200 kills pass): every acknowledged creation
	// is there under its title, and of ours only what was sent; the
	// list's total is the demo set, those, and the ones committed whose
	// answer the kill took; and the index agrees with the store, each of
	// ours found by its marker alone.
	ctx := context.Background()
	db, err := sqlite.OpenReadOnly(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ids, err := db.PostingIDs(ctx, "challenge")
	if err != nil {
		t.Fatal(err)
	}
	stored := map[int]string{} // marker -> id, ours only
	for _, id := range ids {
		c, err := db.Challenge(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		var m int
		if !strings.HasPrefix(c.Title, "zqx") {
			continue
		}
		if _, err := fmt.Sscanf(c.Title, "zqx%05dkv", &m); err != nil || !led.sent[m] || led.acked[m] != "" && led.acked[m] != id {
			t.Errorf("unexpected challenge %s %q after the kills", id, c.Title)
			continue
		}
		stored[m] = id
		if led.acked[m] == "" {
			extra++ // sent, committed, but the answer was lost in a kill
		}
	}
	for m, id := range led.acked {
		if stored[m] != id {
			t.Errorf("acknowledged %s (%s) is not in the store", id, e2eMarker(m))
		}
	}
	var first struct{ Total int }
	if _, err := s.call("GET", "/api/v1/challenges?limit=1", "", nil, &first); err != nil {
		t.Fatal(err)
	}
	if want := len(demo) + len(led.acked) + extra; first.Total != want {
		t.Errorf("%d challenges listed, want %d demo + %d acknowledged + %d unacknowledged", first.Total, len(demo), len(led.acked), extra)
	}
	for m, id := range stored {
		if hits := s.listAll(t, e2eMarker(m)); len(hits) != 1 || hits[id].ID != id {
			t.Errorf("stored %s: search for %s finds %v", id, e2eMarker(m), hits)
		}
	}
	for id := range demo {
		if _, err := s.call("GET", "/api/v1/challenges/"+id, "", nil, nil); err != nil {
			t.Errorf("demo challenge %s after the kills: %v", id, err)
		}
	}
	t.Logf("after the kills: %d listed = %d demo + %d acknowledged + %d committed unacknowledged", first.Total, len(demo), len(led.acked), extra)

	// Graceful stop.
	if err := s.cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	select {
	case <-s.exited:
		if s.err != nil {
			t.Errorf("after SIGINT: %v", s.err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("still running 15 s after SIGINT")
	}
}

// integrityCheck runs PRAGMA integrity_check on the store a kill left
// behind, before the portal opens it again.
func integrityCheck(t *testing.T, path string, run int) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var res []string
	rows, err := db.Query(`PRAGMA integrity_check`)
	if err != nil {
		t.Fatalf("run %d: integrity_check: %v", run, err)
	}
	defer rows.Close()
	for rows.Next() {
		var r string
		if err := rows.Scan(&r); err != nil {
			t.Fatal(err)
		}
		res = append(res, r)
	}
	if len(res) != 1 || res[0] != "ok" {
		t.Fatalf("run %d: integrity_check after the kill: %v", run, res)
	}
}
