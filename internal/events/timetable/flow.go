package timetable

import "math"

// matchSlot returns a maximum-weight matching of at most limit edges in the
// bipartite graph of the candidate edges (pairs with their weight > 0), by
// successive shortest augmenting paths of a min-cost flow (Dijkstra with
// potentials). Each augmentation adds one edge and the gains it adds do not
// increase, so stopping at the first non-gaining path, or at limit, is
// optimal for every cardinality up to limit. It returns the chosen pairs,
// ascending by index.
func matchSlot(p *Problem, edges []int, weight []float64, limit int) []int {
	if limit <= 0 || len(edges) == 0 {
		return nil
	}
	// Nodes: 0 source, 1 sink, then one per party that has an edge.
	node := map[int]int{}
	id := func(x int) int {
		if v, ok := node[x]; ok {
			return v
		}
		v := len(node) + 2
		node[x] = v
		return v
	}
	g := &graph{}
	n := 2
	for _, k := range edges {
		id(p.Pairs[k].A)
		id(p.Pairs[k].B)
	}
	n += len(node)
	g.init(n, 2*len(edges)+len(node))
	added := make([]bool, n)
	pairArc := make([]int, len(edges))
	for j, k := range edges {
		a, b := node[p.Pairs[k].A], node[p.Pairs[k].B]
		if !added[a] {
			added[a] = true
			g.add(0, a, 0)
		}
		if !added[b] {
			added[b] = true
			g.add(b, 1, 0)
		}
		pairArc[j] = g.add(a, b, -weight[j])
	}
	// Initial potentials: shortest distances in the DAG source -> A -> B -> sink.
	pot := make([]float64, n)
	for v := range pot {
		pot[v] = math.Inf(1)
	}
	pot[0] = 0
	for e := g.head[0]; e >= 0; e = g.next[e] {
		pot[g.to[e]] = 0
	}
	for j := range edges {
		arc := pairArc[j]
		b := g.to[arc]
		pot[b] = math.Min(pot[b], g.cost[arc])
	}
	for v := 2; v < n; v++ {
		for e := g.head[v]; e >= 0; e = g.next[e] {
			if g.to[e] == 1 && g.cap[e] > 0 {
				pot[1] = math.Min(pot[1], pot[v])
			}
		}
	}
	for v := range pot {
		if math.IsInf(pot[v], 1) {
			pot[v] = 0
		}
	}
	dist := make([]float64, n)
	prev := make([]int, n)
	done := make([]bool, n)
	for range limit {
		for v := range dist {
			dist[v], prev[v], done[v] = math.Inf(1), -1, false
		}
		dist[0] = 0
		h := heap{}
		h.push(0, 0)
		for h.len() > 0 {
			_, u := h.pop()
			if done[u] {
				continue
			}
			done[u] = true
			if u == 1 {
				break // the sink: its path is the shortest
			}
			for e := g.head[u]; e >= 0; e = g.next[e] {
				if g.cap[e] <= 0 {
					continue
				}
				v := g.to[e]
				rc := g.cost[e] + pot[u] - pot[v]
				if rc < 0 {
					rc = 0 // rounding; reduced costs are non-negative in exact arithmetic
				}
				if nd := dist[u] + rc; nd < dist[v] {
					dist[v], prev[v] = nd, e
					h.push(nd, v)
				}
			}
		}
		if math.IsInf(dist[1], 1) {
			break
		}
		real := dist[1] + pot[1] - pot[0]
		if real >= -1e-12 {
			break // no gaining path left
		}
		// Nodes not settled before the sink move by the sink's distance,
		// which keeps every residual reduced cost non-negative.
		for v := range pot {
			if done[v] {
				pot[v] += dist[v]
			} else {
				pot[v] += dist[1]
			}
		}
		for v := 1; v != 0; {
			e := prev[v]
			g.cap[e]--
			g.cap[e^1]++
			v = g.to[e^1]
		}
	}
	var out []int
	for j, k := range edges {
		if g.cap[pairArc[j]] == 0 {
			out = append(out, k)
		}
	}
	return out
}

// graph is a residual graph in arrays; arc e^1 is the reverse of arc e.
type graph struct {
	head, next, to, cap []int
	cost                []float64
}

func (g *graph) init(n, arcs int) {
	g.head = make([]int, n)
	for i := range g.head {
		g.head[i] = -1
	}
	g.next = make([]int, 0, 2*arcs)
	g.to = make([]int, 0, 2*arcs)
	g.cap = make([]int, 0, 2*arcs)
	g.cost = make([]float64, 0, 2*arcs)
}

// add adds an arc of capacity 1 and its reverse, returning the arc's index.
func (g *graph) add(u, v int, c float64) int {
	e := len(g.to)
	g.to = append(g.to, v, u)
	g.cap = append(g.cap, 1, 0)
	g.cost = append(g.cost, c, -c)
	g.next = append(g.next, g.head[u], g.head[v])
	g.head[u], g.head[v] = e, e+1
	return e
}

// heap is a binary min-heap of (distance, node); ties pop the lower node
// first, so the search is deterministic.
type heap struct {
	d []float64
	v []int
}

func (h *heap) len() int { return len(h.v) }

func (h *heap) less(i, j int) bool {
	return h.d[i] < h.d[j] || (h.d[i] == h.d[j] && h.v[i] < h.v[j])
}

func (h *heap) swap(i, j int) {
	h.d[i], h.d[j] = h.d[j], h.d[i]
	h.v[i], h.v[j] = h.v[j], h.v[i]
}

func (h *heap) push(d float64, v int) {
	h.d = append(h.d, d)
	h.v = append(h.v, v)
	for i := len(h.v) - 1; i > 0; {
		p := (i - 1) / 2
		if !h.less(i, p) {
			break
		}
		h.swap(i, p)
		i = p
	}
}

func (h *heap) pop() (float64, int) {
	d, v := h.d[0], h.v[0]
	last := len(h.v) - 1
	h.swap(0, last)
	h.d, h.v = h.d[:last], h.v[:last]
	for i := 0; ; {
		l, r, m := 2*i+1, 2*i+2, i
		if l < last && h.less(l, m) {
			m = l
		}
		if r < last && h.less(r, m) {
			m = r
		}
		if m == i {
			break
		}
		h.swap(i, m)
		i = m
	}
	return d, v
}
