package server

import (
	"fmt"
	"net/netip"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// ParseTrustedProxies reads a comma-separated list of addresses and CIDR
// ranges (the --trusted-proxies flag); every entry must parse.
func ParseTrustedProxies(s string) ([]string, error) {
	var out []string
	for _, p := range strings.Split(s, ",") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		if strings.Contains(p, "/") {
			if _, err := netip.ParsePrefix(p); err != nil {
				return nil, fmt.Errorf("trusted proxy %q: not an address or CIDR range", p)
			}
		} else if _, err := netip.ParseAddr(p); err != nil {
			return nil, fmt.Errorf("trusted proxy %q: not an address or CIDR range", p)
		}
		out = append(out, p)
	}
	return out, nil
}

// ParsePublicURL checks the --public-url flag: http or https, a host, no
// path, query or user; the default port is dropped, as browsers drop it
// from Origin. It returns the origin (scheme://host[:port]).
func ParsePublicURL(s string) (string, error) {
	if s == "" {
		return "", nil
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil ||
		(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" {
		return "", fmt.Errorf("public URL %q: want http(s)://host[:port], without a path", s)
	}
	host := strings.ToLower(u.Host)
	if p := u.Port(); (u.Scheme == "https" && p == "443") || (u.Scheme == "http" && p == "80") {
		host = strings.TrimSuffix(host, ":"+p)
	}
	return u.Scheme + "://" + host, nil
}

// trustedNets is the trusted proxies as prefixes (an address is a /32 or
// /128), for walking X-Forwarded-For.
func trustedNets(list []string) []netip.Prefix {
	var nets []netip.Prefix
	for _, p := range list {
		if pr, err := netip.ParsePrefix(p); err == nil {
			nets = append(nets, pr.Masked())
		} else if a, err := netip.ParseAddr(p); err == nil {
			a = a.Unmap()
			nets = append(nets, netip.PrefixFrom(a, a.BitLen()))
		}
	}
	return nets
}

// clientAddress settles X-Forwarded-For before anything reads c.IP().
// Fiber believes the header only from a trusted peer, but then returns
// its leftmost entry, which the client wrote itself when the proxy
// appends (nginx's $proxy_add_x_forwarded_for). Here the chain is walked
// from the right, skipping trusted proxies, and the first address not
// trusted is the client; the header is rewritten to that one address.
func (s *Server) clientAddress(c *fiber.Ctx) error {
	if len(s.proxies) == 0 || !c.IsProxyTrusted() {
		return c.Next() // c.IP() is the peer
	}
	peer, _ := netip.AddrFromSlice(c.Context().RemoteIP())
	client := peer.Unmap()
	hops := strings.Split(c.Get(fiber.HeaderXForwardedFor), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break // garbage: stop at the last address a trusted hop vouched for
		}
		client = a.Unmap()
		if !s.trusted(client) {
			break
		}
	}
	c.Request().Header.Set(fiber.HeaderXForwardedFor, client.String())
	return c.Next()
}

func (s *Server) trusted(a netip.Addr) bool {
	for _, n := range s.proxies {
		if n.Contains(a) {
			return true
		}
	}
	return false
}
