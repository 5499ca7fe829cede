/**
 * Routing through the egress gateway, split by who owns each object.
 *
 * Several namespaces may reach one external host through the same gateway.
 * Istio allows only one Gateway server per selector, port and host (IST0145)
 * and one mesh-bound VirtualService per host in a namespace's view (IST0109),
 * so the objects are split in two:
 *
 * - the request's own, in its namespace and visible there only
 *   (`exportTo: ["."]`): a DestinationRule for the gateway service with a
 *   subset, and per host a VirtualService bound to `mesh` sending the host's
 *   traffic to that subset;
 * - shared per external host, in the gateway's namespace, labelled
 *   {@link SHARED_LABEL} `gateway` instead of a request id: the ServiceEntry
 *   the gateway resolves the host with (DNS, every port in use), the Gateway
 *   server for the host, the VirtualService bound only to that Gateway sending
 *   traffic on to the host and, in `mutual` mode, the AuthorizationPolicy
 *   admitting the namespaces allowed to reach the host. Their content is the
 *   union of every granted request using the host on the cluster (its
 *   {@link GatewayUsage}); they exist while at least one such request does.
 */
import type { ClusterEgressSettings, NormalizedDraft } from './model';
import { KubernetesManifest, MANAGED_BY_LABEL, MANAGED_BY_VALUE, SHARED_LABEL } from './manifests';
import type { IstioKind } from './api';
import { renderedApiVersion } from './kinds';
import { resourceName } from './names';

/** Ports the egress gateway listens on: TLS on 443, plain HTTP on 80. @public */
export type GatewayPort = 443 | 80;

/**
 * Who uses one external host through a cluster's egress gateway: the
 * namespaces of the granted requests and the gateway ports they need.
 * @public
 */
export interface GatewayUse {
  namespaces: string[];
  ports: GatewayPort[];
}

/** Gateway use per external host on one cluster. @public */
export type GatewayUsage = Record<string, GatewayUse>;

/** Value of {@link SHARED_LABEL} on the objects shared per external host. @public */
export const SHARED_GATEWAY = 'gateway';

/** Name of the shared objects of one external host in the gateway's namespace. @public */
export function sharedGatewayName(host: string): string {
  return resourceName(host, 'egress-gateway');
}

/** The kinds shared per external host in `mode` (what must go with the last user). @public */
export function sharedGatewayKinds(mode: ClusterEgressSettings['egressGateway']['mode']): IstioKind[] {
  const kinds: IstioKind[] = ['ServiceEntry', 'Gateway', 'VirtualService'];
  return mode === 'mutual' ? ['AuthorizationPolicy', ...kinds] : kinds;
}

function gatewayPorts(draft: Pick<NormalizedDraft, 'ports'>): GatewayPort[] {
  const ports: GatewayPort[] = [];
  if (draft.ports.some(p => p.protocol === 'TLS' || p.protocol === 'HTTPS')) ports.push(443);
  if (draft.ports.some(p => p.protocol === 'HTTP')) ports.push(80);
  return ports;
}

/** The gateway use of one request (empty when it goes direct). @public */
export function gatewayUsageOf(
  draft: Pick<NormalizedDraft, 'namespace' | 'hosts' | 'ports' | 'viaEgressGateway'>,
): GatewayUsage {
  if (!draft.viaEgressGateway) return {};
  const ports = gatewayPorts(draft);
  return Object.fromEntries(draft.hosts.map(h => [h, { namespaces: [draft.namespace], ports: [...ports] }]));
}

/** The union of gateway usages, namespaces and ports sorted and unique. @public */
export function mergeGatewayUsage(...usages: GatewayUsage[]): GatewayUsage {
  const out: GatewayUsage = {};
  for (const usage of usages) {
    for (const [host, use] of Object.entries(usage)) {
      const prev = out[host] ?? { namespaces: [], ports: [] };
      out[host] = {
        namespaces: [...new Set([...prev.namespaces, ...use.namespaces])].sort(),
        ports: [...new Set([...prev.ports, ...use.ports])].sort((a, b) => b - a),
      };
    }
  }
  return out;
}

/** The request's own gateway objects in its namespace: DestinationRule and mesh VirtualServices. */
export function namespaceGatewayRoute(
  draft: NormalizedDraft,
  name: string,
  id: string,
  meta: (kind: string, name: string) => Pick<KubernetesManifest, 'apiVersion' | 'kind' | 'metadata'>,
  settings: ClusterEgressSettings,
): KubernetesManifest[] {
  const ports = gatewayPorts(draft);
  const gatewayService = settings.egressGateway.serviceHost;
  const mutual = settings.egressGateway.mode === 'mutual';
  // Mutual TLS needs the host as SNI toward the gateway: one subset per host.
  const subsetOf = (host: string) => (mutual ? resourceName(host, id) : name);
  const subsets = mutual
    ? draft.hosts.map(host => ({
        name: subsetOf(host),
        trafficPolicy: {
          portLevelSettings: ports.map(port => ({ port: { number: port }, tls: { mode: 'ISTIO_MUTUAL', sni: host } })),
        },
      }))
    : [{ name }];
  const destinationRule: KubernetesManifest = {
    ...meta('DestinationRule', name),
    spec: { host: gatewayService, exportTo: ['.'], subsets },
  };
  const toGateway = (host: string, port: number) => ({
    destination: { host: gatewayService, subset: subsetOf(host), port: { number: port } },
  });
  const virtualServices = draft.hosts.map(host => {
    const spec: Record<string, unknown> = { hosts: [host], gateways: ['mesh'], exportTo: ['.'] };
    if (ports.includes(443)) {
      spec.tls = [{ match: [{ gateways: ['mesh'], port: 443, sniHosts: [host] }], route: [toGateway(host, 443)] }];
    }
    if (ports.includes(80)) {
      spec.http = [{ match: [{ gateways: ['mesh'], port: 80 }], route: [toGateway(host, 80)] }];
    }
    return { ...meta('VirtualService', resourceName(host, id)), spec };
  });
  return [destinationRule, ...virtualServices];
}

/**
 * The objects shared by every request using `host` through the gateway, for
 * the given use (which must name at least one namespace and port).
 * @public
 */
export function renderSharedGateway(host: string, use: GatewayUse, settings: ClusterEgressSettings): KubernetesManifest[] {
  const { namespace, selector, mode } = settings.egressGateway;
  const name = sharedGatewayName(host);
  const mutual = mode === 'mutual';
  const meta = (kind: IstioKind) => ({
    apiVersion: renderedApiVersion(kind),
    kind,
    metadata: {
      name,
      namespace,
      labels: { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE, [SHARED_LABEL]: SHARED_GATEWAY },
      annotations: { 'egress.backstage.io/host': host },
    },
  });
  const servers = use.ports.map(port =>
    port === 443
      ? { port: { number: 443, name: 'tls-443', protocol: 'TLS' }, hosts: [`./${host}`], tls: { mode: mutual ? 'ISTIO_MUTUAL' : 'PASSTHROUGH' } }
      : mutual
        ? { port: { number: 80, name: 'https-80', protocol: 'HTTPS' }, hosts: [`./${host}`], tls: { mode: 'ISTIO_MUTUAL' } }
        : { port: { number: 80, name: 'http-80', protocol: 'HTTP' }, hosts: [`./${host}`] },
  );
  const gatewayRef = `${namespace}/${name}`;
  const toHost = (port: number) => [{ destination: { host, port: { number: port } } }];
  const route: Record<string, unknown> = { hosts: [host], gateways: [gatewayRef], exportTo: ['.'] };
  if (use.ports.includes(443)) {
    // Passthrough routes the workload's TLS by SNI; with mutual TLS the gateway
    // terminates Istio's tunnel and forwards the workload's TLS as a byte stream.
    route[mutual ? 'tcp' : 'tls'] = mutual
      ? [{ match: [{ gateways: [gatewayRef], port: 443 }], route: toHost(443) }]
      : [{ match: [{ gateways: [gatewayRef], port: 443, sniHosts: [host] }], route: toHost(443) }];
  }
  if (use.ports.includes(80)) route.http = [{ match: [{ gateways: [gatewayRef], port: 80 }], route: toHost(80) }];
  const entry = {
    hosts: [host],
    ports: [...use.ports].sort((a, b) => a - b).map(port =>
      port === 443 ? { number: 443, name: 'tls-443', protocol: 'TLS' } : { number: 80, name: 'http-80', protocol: 'HTTP' },
    ),
    location: 'MESH_EXTERNAL',
    resolution: 'DNS',
    exportTo: ['.'],
  };
  const out: KubernetesManifest[] = [
    { ...meta('ServiceEntry'), spec: entry },
    { ...meta('Gateway'), spec: { selector: { ...selector }, servers } },
    { ...meta('VirtualService'), spec: route },
  ];
  if (mutual) {
    out.unshift({
      ...meta('AuthorizationPolicy'),
      spec: {
        selector: { matchLabels: { ...selector } },
        action: 'ALLOW',
        rules: [
          {
            from: [{ source: { namespaces: [...use.namespaces].sort() } }],
            when: [{ key: 'connection.sni', values: [host] }],
          },
        ],
      },
    });
  }
  return out;
}

/**
 * One sentence per target cluster on what the egress gateway's mode means for
 * this draft, for validation results and the preview (`path`
 * `viaEgressGateway`, code `gateway-mode`).
 * @public
 */
export function explainGatewayMode(
  draft: Pick<NormalizedDraft, 'namespace' | 'clusters' | 'viaEgressGateway' | 'gatewayMode'>,
  modeOf: (cluster: string) => ClusterEgressSettings['egressGateway']['mode'] | undefined,
): Array<{ path: string; code: string; message: string }> {
  // Direct access on a passthrough cluster is already the `no-gateway` warning.
  const relevant = draft.clusters.filter(c => draft.viaEgressGateway || modeOf(c) === 'mutual');
  return relevant.map(cluster => {
    // The request's own mode (only with the gateway) wins over the cluster's.
    const mutual = (draft.viaEgressGateway ? draft.gatewayMode ?? modeOf(cluster) : modeOf(cluster)) === 'mutual';
    const chosen = draft.viaEgressGateway && draft.gatewayMode !== undefined && draft.gatewayMode !== (modeOf(cluster) ?? 'passthrough');
    let sentence: string;
    if (!draft.viaEgressGateway) {
      sentence = `on cluster ${cluster} the egress gateway enforces mutual TLS and admits only approved namespaces per host, but this access goes directly and is not covered by that enforcement`;
    } else {
      const runs = chosen ? `serves this request in ${mutual ? 'mutual' : 'passthrough'} mode (asked for; the cluster's is ${modeOf(cluster) ?? 'passthrough'})` : `runs in ${mutual ? 'mutual' : 'passthrough'} mode`;
      sentence = mutual
        ? `on cluster ${cluster} the egress gateway ${runs}: sidecars in ${draft.namespace} reach it over Istio mutual TLS and an AuthorizationPolicy lets only namespaces approved for the host through`
        : `on cluster ${cluster} the egress gateway ${runs}: it forwards the TLS stream by SNI and does not check which namespace sent it`;
    }
    return { path: 'viaEgressGateway', code: 'gateway-mode', message: `viaEgressGateway: ${sentence}` };
  });
}
