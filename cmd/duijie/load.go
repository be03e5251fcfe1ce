package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
)

// runLoad sends bounded bursts of GET requests to a portal running on this
// machine and reports throughput and latency per path, with the static
// stylesheet measured in the same run as the baseline. It refuses any
// address that is not loopback: it is for measuring one's own portal.
func runLoad(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	base := fs.String("url", "http://127.0.0.1:8080", "the portal's address (loopback only)")
	paths := fs.String("paths", "/challenges/ch-a001,/capabilities/cap-a001,/,/challenges?q=电池热管理,/api/v1/capabilities?q=石斛",
		"comma-separated paths to measure, each on its own")
	concurrency := fs.Int("c", 20, "concurrent clients (1–200)")
	duration := fs.Duration("d", 10*time.Second, "how long each path is loaded (at most 2m)")
	maxRequests := fs.Int("n", 100_000, "at most this many requests per path")
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	u, err := url.Parse(*base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("load: --url %q is not an http(s) address", *base)
	}
	if err := loopbackOnly(ctx, u.Hostname()); err != nil {
		return err
	}
	switch {
	case *concurrency < 1 || *concurrency > 200:
		return errors.New("load: -c must be between 1 and 200")
	case *duration <= 0 || *duration > 2*time.Minute:
		return errors.New("load: -d must be between 0 and 2m")
	case *maxRequests < 1 || *maxRequests > 1_000_000:
		return errors.New("load: -n must be between 1 and 1,000,000")
	}
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: *concurrency}}
	list := append([]string{"/static/app.css"}, strings.Split(*paths, ",")...)
	fmt.Fprintf(stdout, "%d clients, %s per path, at most %d requests per path, against %s\n\n", *concurrency, *duration, *maxRequests, u.Host)
	fmt.Fprintf(stdout, "%-46s %9s %8s %8s %8s %8s %7s\n", "path", "req/s", "p50 ms", "p95 ms", "p99 ms", "×base", "errors")
	var baseline float64
	for i, p := range list {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		r, err := loadPath(ctx, client, strings.TrimRight(*base, "/")+p, *concurrency, *duration, *maxRequests)
		if err != nil {
			return err
		}
		name := p
		if i == 0 {
			baseline, name = r.perSecond, p+" (baseline)"
		}
		ratio := "–"
		if baseline > 0 && r.perSecond > 0 {
			ratio = fmt.Sprintf("%.3f", r.perSecond/baseline)
		}
		fmt.Fprintf(stdout, "%-46s %9.0f %8.1f %8.1f %8.1f %8s %7d\n", name, r.perSecond, ms(r.p50), ms(r.p95), ms(r.p99), ratio, r.errors)
	}
	return nil
}

// loopbackOnly refuses a host that resolves to anything but loopback.
func loopbackOnly(ctx context.Context, host string) error {
	addrs, err := net.DefaultResolver.LookupIPAddr(ctx, host)
	if err != nil {
		return fmt.Errorf("load: %w", err)
	}
	for _, a := range addrs {
		if !a.IP.IsLoopback() {
			return fmt.Errorf("load: %s is not a loopback address; load only a portal on this machine", host)
		}
	}
	return nil
}

type loadResult struct {
	perSecond     float64
	p50, p95, p99 time.Duration
	errors        int
}

// loadPath keeps c clients busy on one URL for d or n requests, whichever
// comes first, after a short warm-up.
func loadPath(ctx context.Context, client *http.Client, target string, c int, d time.Duration, n int) (loadResult, error) {
	get := func() (time.Duration, error) {
		start := time.Now()
		req, err := http.NewRequestWithContext(ctx, "GET", target, nil)
		if err != nil {
			return 0, err
		}
		res, err := client.Do(req)
		if err != nil {
			return 0, err
		}
		_, err = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if err == nil && res.StatusCode != http.StatusOK {
			err = fmt.Errorf("status %d", res.StatusCode)
		}
		return time.Since(start), err
	}
	for range min(c, 20) { // warm-up: connections, caches
		if _, err := get(); err != nil {
			return loadResult{}, fmt.Errorf("load: GET %s: %w", target, err)
		}
	}
	var mu sync.Mutex
	var lat []time.Duration
	var errs int
	sent := make(chan struct{}, n)
	for range n {
		sent <- struct{}{}
	}
	close(sent)
	deadline := time.Now().Add(d)
	start := time.Now()
	var wg sync.WaitGroup
	for range c {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			bad := 0
			for range sent {
				if time.Now().After(deadline) || ctx.Err() != nil {
					break
				}
				if t, err := get(); err != nil {
					bad++
				} else {
					mine = append(mine, t)
				}
			}
			mu.Lock()
			lat, errs = append(lat, mine...), errs+bad
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	slices.Sort(lat)
	pct := func(p float64) time.Duration {
		if len(lat) == 0 {
			return 0
		}
		return lat[min(len(lat)-1, int(p*float64(len(lat))))]
	}
	return loadResult{perSecond: float64(len(lat)) / elapsed.Seconds(), p50: pct(0.50), p95: pct(0.95), p99: pct(0.99), errors: errs}, nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
