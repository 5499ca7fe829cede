/**
 * Requests whose rendered manifests are committed under src/__golden__/.
 * Test-only: not exported from the package index.
 */
import type { ClusterEgressSettingsInput } from '../model';
import type { RenderableRequest } from '../render';

/** A named request rendered for the demo cluster. */
export interface GoldenCase {
  /** File name (without `.yaml`) under src/__golden__/. */
  name: string;
  description: string;
  request: RenderableRequest;
  /** The cluster it is rendered for; default {@link GOLDEN_CLUSTER}. */
  cluster?: ClusterEgressSettingsInput;
}

/** The cluster every golden case is rendered for (all defaults). */
export const GOLDEN_CLUSTER: ClusterEgressSettingsInput = { name: 'demo' };

/** Clock for validating the golden requests. */
export const GOLDEN_NOW = new Date('2030-01-01T00:00:00Z');

const people = {
  requestedBy: 'user:default/alice',
  decidedBy: 'user:default/bob',
  status: 'approved' as const,
};

const base = {
  entityRef: 'component:default/payments-api',
  namespace: 'payments',
  clusters: ['demo'],
  justification: 'Fraud scoring needs the partner API',
  expiresAt: '2030-01-15T00:00:00Z',
  ...people,
};

export const goldenCases: GoldenCase[] = [
  {
    name: 'tls-via-gateway-mutual',
    description:
      "edition.cnn.com on 443 through the egress gateway in mutual mode: Istio mutual TLS to the gateway and an AuthorizationPolicy admitting namespace payments",
    request: {
      ...base,
      id: 'req-cnn-mutual',
      hosts: ['edition.cnn.com'],
      ports: [{ number: 443, protocol: 'TLS' }],
      viaEgressGateway: true,
    },
    cluster: { name: 'demo', egressGateway: { mode: 'mutual' } },
  },
  {
    name: 'tls-via-gateway',
    description:
      "edition.cnn.com on 443 through the egress gateway, as in Istio's Egress Gateways task",
    request: {
      ...base,
      id: 'req-cnn-tls',
      hosts: ['edition.cnn.com'],
      ports: [{ number: 443, protocol: 'TLS' }],
      viaEgressGateway: true,
    },
  },
  {
    name: 'http-via-gateway',
    description: 'edition.cnn.com on plain HTTP 80 through the egress gateway',
    request: {
      ...base,
      id: 'req-cnn-http',
      hosts: ['edition.cnn.com'],
      ports: [{ number: 80, protocol: 'HTTP' }],
      viaEgressGateway: true,
    },
  },
  {
    name: 'direct',
    description: 'a ServiceEntry only: HTTPS to one host, not through the gateway',
    request: {
      ...base,
      id: 'req-stripe',
      hosts: ['api.stripe.com'],
      ports: [{ number: 443, protocol: 'HTTPS' }],
      viaEgressGateway: false,
    },
  },
  {
    name: 'wildcard-none',
    description: 'a wildcard host with resolution NONE (the default for wildcards)',
    request: {
      ...base,
      id: 'req-googleapis',
      hosts: ['*.googleapis.com'],
      ports: [{ number: 443, protocol: 'HTTPS' }],
      viaEgressGateway: false,
    },
  },
  {
    name: 'cidr-tcp',
    description: 'an IP range on plain TCP (PostgreSQL); the host name is synthetic',
    request: {
      ...base,
      id: 'req-partner-db',
      addresses: ['203.0.113.0/24'],
      ports: [{ number: 5432, protocol: 'TCP' }],
      viaEgressGateway: false,
    },
  },
  {
    name: 'multi-port',
    description: 'two hosts on HTTPS 443 and HTTP 80 through the gateway: one VirtualService per host',
    request: {
      ...base,
      id: 'req-github',
      hosts: ['api.github.com', 'uploads.github.com'],
      ports: [
        { number: 443, protocol: 'HTTPS' },
        { number: 80, protocol: 'HTTP' },
      ],
      viaEgressGateway: true,
    },
  },
  {
    name: 'static-endpoints',
    description: 'resolution STATIC with fixed endpoints on two TLS ports, direct',
    request: {
      ...base,
      id: 'req-ledger',
      hosts: ['ledger.partner.example.com'],
      ports: [
        { number: 8443, protocol: 'TLS' },
        { number: 443, protocol: 'HTTPS' },
      ],
      resolution: 'STATIC',
      endpoints: [{ address: '198.51.100.10' }, { address: '198.51.100.11' }],
      viaEgressGateway: false,
    },
  },
  {
    name: 'lockdown-sidecar',
    description: 'HTTPS direct plus the namespace lockdown Sidecar (REGISTRY_ONLY)',
    request: {
      ...base,
      id: 'req-lockdown',
      hosts: ['api.stripe.com'],
      ports: [{ number: 443, protocol: 'HTTPS' }],
      viaEgressGateway: false,
      lockdownNamespace: true,
    },
  },
  {
    name: 'network-policy',
    description: 'HTTPS through a mutual-mode gateway with its own pod labels, plus the namespace NetworkPolicy (istiod, gateway pods, DNS only)',
    request: {
      ...base,
      id: 'req-netpol',
      hosts: ['edition.cnn.com'],
      ports: [{ number: 443, protocol: 'HTTPS' }],
      viaEgressGateway: true,
      namespaceNetworkPolicy: true,
    },
    cluster: {
      name: 'secure',
      egressGateway: {
        serviceHost: 'egress-gw.istio-system.svc.cluster.local',
        selector: { app: 'egress-gw', istio: 'egressgateway' },
        mode: 'mutual',
      },
    },
  },
];
