package timetable

import (
	"math"
)

// flowBound is an upper bound on Value: the rank relaxation. Each enterprise
// has one node per rank r < its available slots, worth decay^r; a pair may
// take one rank of its enterprise (rearrangement: the best ranking is by
// score), an institute meets at most its available slots, all at most
// Slots*Tables; slot-by-slot conflicts are ignored.
func flowBound(p *Problem) float64 {
	type arc struct {
		to, cap int
		cost    float64
	}
	var arcs []arc
	var adj [][]int
	addNode := func() int { adj = append(adj, nil); return len(adj) - 1 }
	add := func(u, v, c int, cost float64) {
		adj[u] = append(adj[u], len(arcs))
		arcs = append(arcs, arc{v, c, cost})
		adj[v] = append(adj[v], len(arcs))
		arcs = append(arcs, arc{u, 0, -cost})
	}
	src, mid, sink := addNode(), addNode(), addNode()
	avail := func(x int) int {
		n := 0
		for _, a := range p.Parties[x].Available {
			if a {
				n++
			}
		}
		return n
	}
	rank := map[int][]int{}
	inst := map[int]int{}
	for _, pr := range p.Pairs {
		share := false
		for s := range p.Slots {
			share = share || (p.Parties[pr.A].Available[s] && p.Parties[pr.B].Available[s])
		}
		if !share {
			continue
		}
		if _, ok := rank[pr.A]; !ok {
			for range avail(pr.A) {
				r := addNode()
				add(src, r, 1, 0)
				rank[pr.A] = append(rank[pr.A], r)
			}
		}
		if _, ok := inst[pr.B]; !ok {
			inst[pr.B] = addNode()
			add(inst[pr.B], mid, avail(pr.B), 0)
		}
		pn := addNode()
		w := 1.0
		for _, r := range rank[pr.A] {
			add(r, pn, 1, -w*pr.Score)
			w *= p.decay()
		}
		add(pn, inst[pr.B], 1, 0)
	}
	add(mid, sink, p.Slots*p.Tables, 0)
	n := len(adj)
	total := 0.0
	dist := make([]float64, n)
	prev := make([]int, n)
	in := make([]bool, n)
	for {
		// Shortest path by SPFA: costs are negative, and a test can wait.
		for i := range dist {
			dist[i], prev[i] = math.Inf(1), -1
		}
		dist[src] = 0
		q := []int{src}
		in[src] = true
		for len(q) > 0 {
			u := q[0]
			q = q[1:]
			in[u] = false
			for _, a := range adj[u] {
				if arcs[a].cap > 0 && dist[u]+arcs[a].cost < dist[arcs[a].to]-1e-12 {
					dist[arcs[a].to] = dist[u] + arcs[a].cost
					prev[arcs[a].to] = a
					if !in[arcs[a].to] {
						in[arcs[a].to] = true
						q = append(q, arcs[a].to)
					}
				}
			}
		}
		if math.IsInf(dist[sink], 1) || dist[sink] >= -1e-12 {
			break
		}
		total -= dist[sink]
		for v := sink; v != src; {
			a := prev[v]
			arcs[a].cap--
			arcs[a^1].cap++
			v = arcs[a^1].to
		}
	}
	return total
}
