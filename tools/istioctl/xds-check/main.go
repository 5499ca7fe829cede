// xds-check connects to istiod as one proxy node (a sidecar in a namespace, or the egress
// gateway's router node) and prints the clusters, listeners and routes istiod sends that node, as
// JSON. With -to host:port it also says which cluster a connection to that destination would
// reach, following Envoy's listener and filter-chain matching, and with -peers whether that chain's
// RBAC filters (AuthorizationPolicies) admit each principal. It speaks plain ADS (go-control-plane's
// discovery API) to istiod's plaintext xDS port, so it needs no certificates.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	core "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	discovery "github.com/envoyproxy/go-control-plane/envoy/service/discovery/v3"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/types/known/structpb"
)

const (
	clusterType  = "type.googleapis.com/envoy.config.cluster.v3.Cluster"
	listenerType = "type.googleapis.com/envoy.config.listener.v3.Listener"
	routeType    = "type.googleapis.com/envoy.config.route.v3.RouteConfiguration"
)

type options struct {
	addr      string
	nodeType  string
	namespace string
	workload  string
	ip        string
	labels    map[string]string
	istioVer  string
	clusterID string
	timeout   time.Duration
	to        []string
	peers     []string
}

func main() {
	o, err := parseFlags(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "xds-check:", err)
		os.Exit(2)
	}
	out, err := fetch(o)
	if err != nil {
		fmt.Fprintln(os.Stderr, "xds-check:", err)
		os.Exit(1)
	}
	for _, dest := range o.to {
		out.Destinations = append(out.Destinations, out.resolve(dest, o.peers))
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		fmt.Fprintln(os.Stderr, "xds-check:", err)
		os.Exit(1)
	}
}

func parseFlags(args []string) (options, error) {
	fs := flag.NewFlagSet("xds-check", flag.ContinueOnError)
	o := options{}
	var labels, to, peers string
	fs.StringVar(&o.addr, "addr", "127.0.0.1:15010", "istiod's plaintext xDS address")
	fs.StringVar(&o.nodeType, "node", "sidecar", "proxy type: sidecar or router (a gateway)")
	fs.StringVar(&o.namespace, "namespace", "default", "the proxy's namespace")
	fs.StringVar(&o.workload, "workload", "xds-check", "the proxy's workload (pod) name")
	fs.StringVar(&o.ip, "ip", "10.250.0.1", "the proxy's IP (any address no pod uses)")
	fs.StringVar(&labels, "labels", "", "the proxy's labels, k=v,k2=v2 (a gateway's selector labels)")
	fs.StringVar(&o.istioVer, "istio-version", "1.31.0", "ISTIO_VERSION the proxy reports")
	fs.StringVar(&o.clusterID, "cluster-id", "Kubernetes", "CLUSTER_ID the proxy reports (istiod's --clusterID)")
	fs.DurationVar(&o.timeout, "timeout", 20*time.Second, "give up after this long")
	fs.StringVar(&to, "to", "", "destinations host:port[/tls|/plain], comma-separated: which cluster each reaches")
	fs.StringVar(&peers, "peers", "", "principals (spiffe://<trust domain>/ns/<ns>/sa/<sa>), comma-separated: whether each destination's RBAC filters admit them")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if o.nodeType != "sidecar" && o.nodeType != "router" {
		return o, fmt.Errorf("-node must be sidecar or router, not %q", o.nodeType)
	}
	o.labels = map[string]string{}
	for _, kv := range splitList(labels) {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return o, fmt.Errorf("-labels: %q is not k=v", kv)
		}
		o.labels[k] = v
	}
	o.to = splitList(to)
	o.peers = splitList(peers)
	return o, nil
}

func splitList(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

// node is what a proxy tells istiod about itself: the id istiod parses
// (type~ip~pod.namespace~namespace.svc.cluster.local) and its metadata.
func node(o options) (*core.Node, error) {
	labels := map[string]any{}
	for k, v := range o.labels {
		labels[k] = v
	}
	meta, err := structpb.NewStruct(map[string]any{
		"ISTIO_VERSION": o.istioVer,
		"NAMESPACE":     o.namespace,
		"CLUSTER_ID":    o.clusterID,
		"LABELS":        labels,
		"NAME":          o.workload,
		"INSTANCE_IPS":  o.ip,
	})
	if err != nil {
		return nil, err
	}
	id := fmt.Sprintf("%s~%s~%s.%s~%s.svc.cluster.local", o.nodeType, o.ip, o.workload, o.namespace, o.namespace)
	return &core.Node{Id: id, Metadata: meta}, nil
}

// fetch subscribes to clusters and listeners, then to the routes the listeners name, and returns
// the first complete set.
func fetch(o options) (*Snapshot, error) {
	ctx, cancel := context.WithTimeout(context.Background(), o.timeout)
	defer cancel()
	n, err := node(o)
	if err != nil {
		return nil, err
	}
	conn, err := grpc.NewClient(o.addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return nil, fmt.Errorf("connecting to %s: %w", o.addr, err)
	}
	defer conn.Close()
	stream, err := discovery.NewAggregatedDiscoveryServiceClient(conn).StreamAggregatedResources(ctx)
	if err != nil {
		return nil, fmt.Errorf("opening the ADS stream to %s: %w", o.addr, err)
	}
	send := func(typeURL string, names []string, ack *discovery.DiscoveryResponse) error {
		req := &discovery.DiscoveryRequest{Node: n, TypeUrl: typeURL, ResourceNames: names}
		if ack != nil {
			req.VersionInfo, req.ResponseNonce = ack.VersionInfo, ack.Nonce
		}
		return stream.Send(req)
	}
	if err := send(clusterType, nil, nil); err != nil {
		return nil, err
	}
	if err := send(listenerType, nil, nil); err != nil {
		return nil, err
	}
	snap := &Snapshot{Node: n.Id}
	var gotClusters, gotListeners, gotRoutes bool
	var routeNames []string
	for !(gotClusters && gotListeners && gotRoutes) {
		resp, err := stream.Recv()
		if err != nil {
			return nil, fmt.Errorf("waiting for xDS from %s (clusters %v, listeners %v, routes %v): %w", o.addr, gotClusters, gotListeners, gotRoutes, err)
		}
		switch resp.TypeUrl {
		case clusterType:
			if snap.Clusters, err = decodeClusters(resp.Resources); err != nil {
				return nil, err
			}
			gotClusters = true
		case listenerType:
			if snap.Listeners, err = decodeListeners(resp.Resources); err != nil {
				return nil, err
			}
			gotListeners = true
			routeNames = snap.routeNames()
			if len(routeNames) == 0 {
				gotRoutes = true
			} else if err := send(routeType, routeNames, nil); err != nil {
				return nil, err
			}
		case routeType:
			if snap.Routes, err = decodeRoutes(resp.Resources); err != nil {
				return nil, err
			}
			gotRoutes = true
		}
		names := []string(nil)
		if resp.TypeUrl == routeType {
			names = routeNames
		}
		if err := send(resp.TypeUrl, names, resp); err != nil {
			return nil, err
		}
	}
	return snap, nil
}

// parseDestination reads host:port[/tls|/plain]; TLS is assumed for 443.
func parseDestination(dest string) (host string, port uint32, tls bool, err error) {
	hostPort, mode, _ := strings.Cut(dest, "/")
	i := strings.LastIndex(hostPort, ":")
	if i < 0 {
		return "", 0, false, fmt.Errorf("%q is not host:port", dest)
	}
	p, err := strconv.ParseUint(hostPort[i+1:], 10, 16)
	if err != nil {
		return "", 0, false, fmt.Errorf("%q: bad port", dest)
	}
	tls = p == 443
	switch mode {
	case "tls":
		tls = true
	case "plain":
		tls = false
	case "":
	default:
		return "", 0, false, fmt.Errorf("%q: use /tls or /plain", dest)
	}
	return hostPort[:i], uint32(p), tls, nil
}
