package main

import (
	"fmt"
	"strings"
)

// resolve follows a connection to host:port the way Envoy does on this node: the listener for
// 0.0.0.0:<port> (a sidecar's outbound listeners are reached through virtualOutbound's original
// destination hand-off; without one, virtualOutbound's own chains decide), then the most specific
// matching filter chain (destination port, then server name: exact over wildcard over none, then
// transport protocol), else the listener's default chain; an HTTP chain is followed into its route
// table by the Host header. The destination IP is unknown, so chains that need one don't match;
// connections carry no ALPN, so chains matching application protocols don't either.
func (s *Snapshot) resolve(dest string, peers []string) Destination {
	out := Destination{To: dest}
	host, port, tls, err := parseDestination(dest)
	if err != nil {
		out.Error = err.Error()
		return out
	}
	l := s.listener(fmt.Sprintf("0.0.0.0_%d", port))
	if l == nil {
		l = s.listener("virtualOutbound")
	}
	if l == nil {
		out.Error = fmt.Sprintf("no listener for port %d and no virtualOutbound listener", port)
		return out
	}
	out.Listener = l.Name
	chain := matchChain(l.FilterChains, host, port, tls)
	if chain == nil {
		chain = l.DefaultFilterChain
		out.Default = chain != nil
	}
	if chain == nil {
		out.Error = "no filter chain matches and the listener has no default chain"
		return out
	}
	out.FilterChain = chain.Name
	if len(peers) > 0 {
		out.Admitted = map[string]bool{}
		for _, p := range peers {
			out.Admitted[p] = Admits(chain.RBAC, Peer{Principal: p, SNI: host})
		}
	}
	switch {
	case chain.Cluster != "":
		out.Cluster = chain.Cluster
	case len(chain.Clusters) > 0:
		out.Cluster = strings.Join(chain.Clusters, ",")
	case chain.RouteConfig != "":
		out.Cluster, out.Error = s.routeCluster(chain.RouteConfig, host, port)
	default:
		out.Error = "the filter chain has neither a tcp_proxy nor an HTTP route"
	}
	return out
}

func (s *Snapshot) listener(name string) *Listener {
	for i := range s.Listeners {
		if s.Listeners[i].Name == name {
			return &s.Listeners[i]
		}
	}
	return nil
}

// matchChain keeps, criterion by criterion, the chains that match most specifically, or else
// those that leave the criterion unset (Envoy's filter chain match order).
func matchChain(chains []FilterChain, host string, port uint32, tls bool) *FilterChain {
	candidates := []*FilterChain{}
	for i := range chains {
		c := &chains[i]
		if len(c.ApplicationProtocols) > 0 || !anyAddress(c.PrefixRanges) {
			continue
		}
		candidates = append(candidates, c)
	}
	// narrow keeps the best-scoring candidates; a negative score drops a chain (it sets the
	// criterion to something else), 0 means the chain leaves the criterion unset.
	narrow := func(score func(*FilterChain) int) {
		best, kept := 0, []*FilterChain{}
		for _, c := range candidates {
			switch s := score(c); {
			case s < 0:
			case s > best:
				best, kept = s, []*FilterChain{c}
			case s == best:
				kept = append(kept, c)
			}
		}
		candidates = kept
	}
	narrow(func(c *FilterChain) int {
		switch {
		case c.DestinationPort == 0:
			return 0
		case c.DestinationPort == port:
			return 1
		}
		return -1
	})
	narrow(func(c *FilterChain) int {
		switch {
		case len(c.ServerNames) == 0:
			return 0
		case tls && contains(c.ServerNames, host):
			return 2
		case tls && wildcardMatch(c.ServerNames, host):
			return 1
		}
		return -1
	})
	narrow(func(c *FilterChain) int {
		want := "raw_buffer"
		if tls {
			want = "tls"
		}
		switch c.TransportProtocol {
		case "":
			return 0
		case want:
			return 1
		}
		return -1
	})
	if len(candidates) == 0 {
		return nil
	}
	return candidates[0]
}

func anyAddress(ranges []string) bool {
	if len(ranges) == 0 {
		return true
	}
	for _, r := range ranges {
		if strings.HasSuffix(r, "/0") {
			return true
		}
	}
	return false
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func wildcardMatch(names []string, host string) bool {
	for _, n := range names {
		if strings.HasPrefix(n, "*.") && strings.HasSuffix(host, n[1:]) {
			return true
		}
	}
	return false
}

// routeCluster picks the virtual host for the Host header (exact, host:port, then wildcards) and
// returns its first route's cluster.
func (s *Snapshot) routeCluster(name, host string, port uint32) (string, string) {
	for _, r := range s.Routes {
		if r.Name != name {
			continue
		}
		withPort := fmt.Sprintf("%s:%d", host, port)
		for _, pick := range []func(string) bool{
			func(d string) bool { return d == host || d == withPort },
			func(d string) bool { return strings.HasPrefix(d, "*.") && strings.HasSuffix(host, d[1:]) },
			func(d string) bool { return d == "*" },
		} {
			for _, vh := range r.VirtualHosts {
				for _, d := range vh.Domains {
					if pick(d) && len(vh.Clusters) > 0 {
						return vh.Clusters[0], ""
					}
				}
			}
		}
		return "", fmt.Sprintf("route table %s has no virtual host for %s", name, host)
	}
	return "", fmt.Sprintf("route table %s was not received", name)
}
