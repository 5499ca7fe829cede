package main

import (
	"fmt"
	"sort"
	"strings"

	cluster "github.com/envoyproxy/go-control-plane/envoy/config/cluster/v3"
	listener "github.com/envoyproxy/go-control-plane/envoy/config/listener/v3"
	route "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
	hcm "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/http_connection_manager/v3"
	rbacfilter "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/rbac/v3"
	tcpproxy "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/tcp_proxy/v3"
	"google.golang.org/protobuf/types/known/anypb"
)

// Snapshot is what the tool prints: one node's view of the mesh.
type Snapshot struct {
	Node         string        `json:"node"`
	Clusters     []Cluster     `json:"clusters"`
	Listeners    []Listener    `json:"listeners"`
	Routes       []Route       `json:"routes"`
	Destinations []Destination `json:"destinations,omitempty"`
}

// Cluster is an Envoy cluster: how it finds endpoints, and the endpoints it names itself.
type Cluster struct {
	Name      string   `json:"name"`
	Type      string   `json:"type"`
	Endpoints []string `json:"endpoints,omitempty"`
}

// Listener is an Envoy listener with its filter chains in order.
type Listener struct {
	Name               string        `json:"name"`
	Address            string        `json:"address"`
	Port               uint32        `json:"port"`
	FilterChains       []FilterChain `json:"filterChains"`
	DefaultFilterChain *FilterChain  `json:"defaultFilterChain,omitempty"`
}

// FilterChain is what a filter chain matches and where it sends the connection.
type FilterChain struct {
	Name                 string   `json:"name,omitempty"`
	DestinationPort      uint32   `json:"destinationPort,omitempty"`
	ServerNames          []string `json:"serverNames,omitempty"`
	TransportProtocol    string   `json:"transportProtocol,omitempty"`
	ApplicationProtocols []string `json:"applicationProtocols,omitempty"`
	PrefixRanges         []string `json:"prefixRanges,omitempty"`
	// TerminatesTLS is true when the chain has a transport socket (TLS ends here), false for
	// passthrough: the TLS stream goes on as it came.
	TerminatesTLS bool `json:"terminatesTls"`
	// Cluster is the tcp_proxy's cluster; RouteConfig the HTTP connection manager's route table.
	Cluster     string   `json:"cluster,omitempty"`
	Clusters    []string `json:"weightedClusters,omitempty"`
	RouteConfig string   `json:"routeConfig,omitempty"`
	// RBAC are the chain's network RBAC filters (AuthorizationPolicies), in order.
	RBAC []RBACFilter `json:"rbac,omitempty"`
}

// Route is a route table (RDS) with its virtual hosts.
type Route struct {
	Name         string        `json:"name"`
	VirtualHosts []VirtualHost `json:"virtualHosts"`
}

// VirtualHost lists the domains it serves and the clusters of its routes, in order.
type VirtualHost struct {
	Name     string   `json:"name"`
	Domains  []string `json:"domains"`
	Clusters []string `json:"clusters"`
}

// Destination says where a connection to host:port goes on this node.
type Destination struct {
	To          string `json:"to"`
	Listener    string `json:"listener,omitempty"`
	FilterChain string `json:"filterChain,omitempty"`
	Default     bool   `json:"defaultFilterChain,omitempty"`
	Cluster     string `json:"cluster,omitempty"`
	// Admitted says, per -peers principal, whether the chain's RBAC filters let that peer's
	// connection (with the destination's host as SNI) through.
	Admitted map[string]bool `json:"admitted,omitempty"`
	Error    string          `json:"error,omitempty"`
}

func decodeClusters(resources []*anypb.Any) ([]Cluster, error) {
	out := make([]Cluster, 0, len(resources))
	for _, r := range resources {
		c := &cluster.Cluster{}
		if err := r.UnmarshalTo(c); err != nil {
			return nil, fmt.Errorf("decoding a cluster: %w", err)
		}
		summary := Cluster{Name: c.Name, Type: c.GetType().String()}
		if custom := c.GetClusterType(); custom != nil {
			summary.Type = custom.Name
		}
		for _, group := range c.GetLoadAssignment().GetEndpoints() {
			for _, e := range group.LbEndpoints {
				if sa := e.GetEndpoint().GetAddress().GetSocketAddress(); sa != nil {
					summary.Endpoints = append(summary.Endpoints, fmt.Sprintf("%s:%d", sa.Address, sa.GetPortValue()))
				}
			}
		}
		out = append(out, summary)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

func decodeListeners(resources []*anypb.Any) ([]Listener, error) {
	out := make([]Listener, 0, len(resources))
	for _, r := range resources {
		l := &listener.Listener{}
		if err := r.UnmarshalTo(l); err != nil {
			return nil, fmt.Errorf("decoding a listener: %w", err)
		}
		sa := l.GetAddress().GetSocketAddress()
		summary := Listener{Name: l.Name, Address: sa.GetAddress(), Port: sa.GetPortValue(), FilterChains: []FilterChain{}}
		for _, fc := range l.FilterChains {
			chain, err := decodeChain(fc)
			if err != nil {
				return nil, fmt.Errorf("listener %s: %w", l.Name, err)
			}
			summary.FilterChains = append(summary.FilterChains, chain)
		}
		if l.DefaultFilterChain != nil {
			chain, err := decodeChain(l.DefaultFilterChain)
			if err != nil {
				return nil, fmt.Errorf("listener %s: %w", l.Name, err)
			}
			summary.DefaultFilterChain = &chain
		}
		out = append(out, summary)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

func decodeChain(fc *listener.FilterChain) (FilterChain, error) {
	m := fc.GetFilterChainMatch()
	chain := FilterChain{
		Name:                 fc.Name,
		DestinationPort:      m.GetDestinationPort().GetValue(),
		ServerNames:          m.GetServerNames(),
		TransportProtocol:    m.GetTransportProtocol(),
		ApplicationProtocols: m.GetApplicationProtocols(),
		TerminatesTLS:        fc.TransportSocket != nil,
	}
	for _, p := range m.GetPrefixRanges() {
		chain.PrefixRanges = append(chain.PrefixRanges, fmt.Sprintf("%s/%d", p.AddressPrefix, p.GetPrefixLen().GetValue()))
	}
	for _, f := range fc.Filters {
		switch f.GetTypedConfig().GetTypeUrl() {
		case "type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy":
			t := &tcpproxy.TcpProxy{}
			if err := f.GetTypedConfig().UnmarshalTo(t); err != nil {
				return chain, err
			}
			chain.Cluster = t.GetCluster()
			for _, w := range t.GetWeightedClusters().GetClusters() {
				chain.Clusters = append(chain.Clusters, w.Name)
			}
		case networkRBACType:
			r := &rbacfilter.RBAC{}
			if err := f.GetTypedConfig().UnmarshalTo(r); err != nil {
				return chain, err
			}
			chain.RBAC = append(chain.RBAC, *decodeRBAC(r))
		case "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager":
			h := &hcm.HttpConnectionManager{}
			if err := f.GetTypedConfig().UnmarshalTo(h); err != nil {
				return chain, err
			}
			if rds := h.GetRds(); rds != nil {
				chain.RouteConfig = rds.RouteConfigName
			} else if rc := h.GetRouteConfig(); rc != nil {
				chain.RouteConfig = "inline:" + rc.Name
			}
		}
	}
	return chain, nil
}

func decodeRoutes(resources []*anypb.Any) ([]Route, error) {
	out := make([]Route, 0, len(resources))
	for _, r := range resources {
		rc := &route.RouteConfiguration{}
		if err := r.UnmarshalTo(rc); err != nil {
			return nil, fmt.Errorf("decoding a route table: %w", err)
		}
		summary := Route{Name: rc.Name, VirtualHosts: []VirtualHost{}}
		for _, vh := range rc.VirtualHosts {
			v := VirtualHost{Name: vh.Name, Domains: vh.Domains, Clusters: []string{}}
			for _, rt := range vh.Routes {
				if c := rt.GetRoute().GetCluster(); c != "" {
					v.Clusters = append(v.Clusters, c)
				}
				for _, w := range rt.GetRoute().GetWeightedClusters().GetClusters() {
					v.Clusters = append(v.Clusters, w.Name)
				}
			}
			summary.VirtualHosts = append(summary.VirtualHosts, v)
		}
		out = append(out, summary)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// routeNames are the route tables the listeners' HTTP connection managers ask for by name.
func (s *Snapshot) routeNames() []string {
	seen := map[string]bool{}
	var names []string
	for _, l := range s.Listeners {
		chains := l.FilterChains
		if l.DefaultFilterChain != nil {
			chains = append(chains, *l.DefaultFilterChain)
		}
		for _, c := range chains {
			if c.RouteConfig != "" && !strings.HasPrefix(c.RouteConfig, "inline:") && !seen[c.RouteConfig] {
				seen[c.RouteConfig] = true
				names = append(names, c.RouteConfig)
			}
		}
	}
	sort.Strings(names)
	return names
}
