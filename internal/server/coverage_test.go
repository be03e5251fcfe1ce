package server

import (
	"encoding/json"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"

	"duijie/web"
)

// recorder notes which statuses each route of the table answered in the
// scenario tables.
type recorder struct {
	mu     sync.Mutex
	routes []route
	res    []*regexp.Regexp
	seen   map[string]map[int]bool // "METHOD /path/:id" -> statuses
}

func newRecorder(routes []route) *recorder {
	r := &recorder{routes: routes, seen: map[string]map[int]bool{}}
	param := regexp.MustCompile(`:[a-z]+`)
	for _, rt := range routes {
		r.res = append(r.res, regexp.MustCompile("^"+param.ReplaceAllString(regexp.QuoteMeta(rt.path), `[^/]+`)+"$"))
	}
	return r
}

// hit records a request; the first route in table order that matches
// wins, as in the router (static segments are listed before :id).
func (r *recorder) hit(method, target string, status int) {
	u, err := url.Parse(target)
	if err != nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for i, rt := range r.routes {
		if rt.method == method && r.res[i].MatchString(u.Path) {
			key := rt.method + " " + rt.path
			if r.seen[key] == nil {
				r.seen[key] = map[int]bool{}
			}
			r.seen[key][status] = true
			return
		}
	}
}

func (r *recorder) check(t *testing.T) {
	t.Helper()
	var missing []string
	for _, rt := range r.routes {
		key := rt.method + " " + rt.path
		got := r.seen[key]
		need := func(what string, ok bool) {
			if !ok {
				missing = append(missing, key+": "+what)
			}
		}
		need("success", got[200] || got[201] || got[303])
		if !rt.allow.public && rt.allow.roles[0] != "" && len(rt.allow.roles) < 6 {
			need("wrong role (403)", got[403])
		}
		if strings.Contains(rt.path, ":id") {
			need("missing object (404)", got[404])
		}
		noInput := rt.path == "/logout" || strings.HasSuffix(rt.path, "/status") || strings.HasSuffix(rt.path, "/unlock") ||
			strings.HasPrefix(rt.path, "/broker/contacts/")
		if (rt.method == "POST" || rt.method == "PUT") && !noInput {
			need("bad input (422)", got[422] || got[401] || got[409])
		}
	}
	sort.Strings(missing)
	for _, m := range missing {
		t.Errorf("scenario tables lack %s", m)
	}
}

// TestOpenAPIDocumentsEveryRoute: each API route of the table is in the
// OpenAPI document with its method, and the document names no other.
func TestOpenAPIDocumentsEveryRoute(t *testing.T) {
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(web.OpenAPI, &doc); err != nil {
		t.Fatal(err)
	}
	param := regexp.MustCompile(`:([a-z]+)`)
	inTable := map[string]bool{}
	for _, r := range (&Server{}).routes() {
		if !strings.HasPrefix(r.path, "/api/") {
			continue
		}
		path := param.ReplaceAllString(r.path, "{$1}")
		key := strings.ToLower(r.method) + " " + path
		inTable[key] = true
		if _, ok := doc.Paths[path][strings.ToLower(r.method)]; !ok {
			t.Errorf("openapi.json lacks %s", key)
		}
	}
	for path, ops := range doc.Paths {
		for method := range ops {
			if !inTable[method+" "+path] {
				t.Errorf("openapi.json documents %s %s, which no route serves", method, path)
			}
		}
	}
}
