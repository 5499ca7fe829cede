import { Entity } from '@backstage/catalog-model';
import { EgressApi } from '../api/EgressApi';
import {
  EgressCluster,
  EgressRequest,
  EntityEgress,
  PolicySummary,
  EntityTraffic,
  PreviewResult,
  RequestDetail,
} from '../api/types';

export const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'payments-api',
    namespace: 'default',
    annotations: { 'backstage.io/kubernetes-namespace': 'payments' },
  },
  spec: { type: 'service', owner: 'payments-team', lifecycle: 'production' },
  relations: [{ type: 'ownedBy', targetRef: 'group:default/payments-team' }],
};

export const ownerGroup: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: 'payments-team', namespace: 'default' },
  spec: { type: 'team', children: [] },
};
export const entityRef = 'component:default/payments-api';

export const clusters: EgressCluster[] = [
  {
    name: 'dev',
    title: 'Development',
    reachable: true,
    kubernetesVersion: 'v1.35.4',
    meshMode: 'ALLOW_ANY',
    synced: true,
    egressGateway: { service: 'istio-system/istio-egressgateway', exists: true },
  },
  {
    name: 'prod',
    title: 'Production',
    reachable: false,
    meshMode: 'REGISTRY_ONLY',
    synced: false,
    error: 'cluster prod: connection refused',
    egressGateway: { service: 'istio-system/istio-egressgateway' },
  },
];

export const pendingRequest: EgressRequest = {
  id: 'req-1',
  entityRef,
  namespace: 'payments',
  clusters: ['dev'],
  hosts: ['api.stripe.com'],
  ports: [{ number: 443, protocol: 'HTTPS' }],
  viaEgressGateway: true,
  justification: 'Card payments via Stripe',
  status: 'pending',
  requestedBy: 'user:default/jane',
  requestedAt: '2026-11-20T10:00:00Z',
  updatedAt: '2026-11-20T10:00:00Z',
  // As the backend flags it: the browser never evaluates the policy.
  riskFlags: [
    { code: 'no-expiry', message: 'no expiry: access stays until revoked' },
    { code: 'not-allow-listed', message: 'api.stripe.com not on the auto-approve list' },
  ],
};

export const activeRequest: EgressRequest = {
  ...pendingRequest,
  id: 'req-0',
  hosts: ['hooks.slack.com'],
  status: 'active',
  decidedBy: 'user:default/pat',
  decidedAt: '2026-11-10T10:00:00Z',
  requestedAt: '2026-11-09T10:00:00Z',
};

export const entityEgress: EntityEgress = {
  entityRef,
  namespace: 'payments',
  clusters: ['dev', 'prod'],
  inventory: [
    {
      cluster: 'dev',
      namespace: 'payments',
      meshMode: 'ALLOW_ANY',
      effectiveMode: 'ALLOW_ANY',
      synced: true,
      resources: [
        {
          kind: 'ServiceEntry',
          namespace: 'payments',
          name: 'egress-hooks-slack-com',
          managed: true,
          requestId: 'req-0',
          hosts: ['hooks.slack.com'],
          addresses: [],
          ports: [443],
        },
        {
          kind: 'ServiceEntry',
          namespace: 'payments',
          name: 'legacy-github',
          managed: false,
          hosts: ['github.com'],
          addresses: [],
          ports: [443],
        },
      ],
    },
    {
      cluster: 'prod',
      namespace: 'payments',
      meshMode: 'ALLOW_ANY',
      sidecarMode: 'REGISTRY_ONLY',
      sidecarOverride: 'default',
      effectiveMode: 'REGISTRY_ONLY',
      synced: false,
      error: 'cluster prod: connection refused',
      resources: [],
    },
  ],
};

export const preview = (verdict: 'auto-approve' | 'needs-approval' | 'denied'): PreviewResult => ({
  valid: true,
  errors: [],
  warnings: [],
  policy: {
    verdict,
    rule: verdict === 'denied' ? 'deniedHosts' : 'manualApproval',
    reason: verdict === 'denied' ? 'api.stripe.com is on the deny-list' : 'needs an approver',
    reasons: [
      {
        rule: verdict === 'denied' ? 'deniedHosts' : 'manualApproval',
        reason: verdict === 'denied' ? 'api.stripe.com is on the deny-list' : 'needs an approver',
      },
    ],
  },
  riskFlags: [{ code: 'no-expiry', message: 'no expiry: access stays until revoked' }],
  manifests: [
    { cluster: 'dev', manifests: [], yaml: 'apiVersion: networking.istio.io/v1\nkind: ServiceEntry\n' },
  ],
});

/** The demo policy's summary, as GET /policy serves it. */
export const policySummary: PolicySummary = {
  allowedProtocols: ['HTTPS', 'TLS', 'HTTP', 'HTTP2', 'GRPC', 'TCP'],
  requireJustification: true,
  allowWildcards: false,
  allowCidrs: false,
  requireEgressGateway: false,
};

export const detailOf = (request: EgressRequest): RequestDetail => ({
  request,
  targets: [{ requestId: request.id, cluster: 'dev', status: 'failed', attempts: 3, lastError: 'cluster dev: webhook denied' }],
  events: [
    { id: 1, requestId: request.id, at: request.requestedAt, actor: request.requestedBy, action: 'created', to: 'pending', comment: request.justification },
  ],
  manifests: [{ cluster: 'dev', manifests: [], yaml: 'kind: ServiceEntry\nmetadata:\n  name: egress-api-stripe-com\n' }],
});

/** GET /traffic of payments-api: traffic to one host and one blocked attempt in cluster dev. */
export const entityTraffic: EntityTraffic = {
  entityRef: 'component:default/payments-api',
  namespace: 'payments',
  window: '1h',
  end: '2026-11-30T12:00:00.000Z',
  step: 60,
  unusedAfterDays: 30,
  clusters: [
    {
      cluster: 'dev',
      meshMode: 'REGISTRY_ONLY',
      attemptsNote: 'Mesh mode REGISTRY_ONLY: calls to hosts without a ServiceEntry are blocked (BlackHoleCluster).',
      hosts: [
        {
          host: 'api.github.com', source: 'sidecars', requests: 360, requestRate: 0.1, errors: 18, errorRatio: 0.05,
          connections: 0, connectionRate: 0, bytes: 2048, lastSeen: '2026-11-30T12:00:00.000Z',
          series: Array.from({ length: 60 }, (_, i) => i % 7),
        },
      ],
      attempts: [{ workload: 'payments-api', kind: 'blocked', protocol: 'tcp', count: 3 }],
      unusedGrants: [],
    },
  ],
};

/** An EgressApi whose every method is a jest mock with a sensible default. */
export function fakeEgressApi(overrides: Partial<EgressApi> = {}): jest.Mocked<EgressApi> {
  const api: EgressApi = {
    listClusters: async () => clusters,
    getPolicy: async () => policySummary,
    getEntity: async () => entityEgress,
    getTraffic: async () => entityTraffic,
    preview: async () => preview('needs-approval'),
    createRequest: async () => pendingRequest,
    listRequests: async () => ({ items: [pendingRequest, activeRequest] }),
    getRequest: async id => detailOf(id === activeRequest.id ? activeRequest : pendingRequest),
    approve: async () => ({ ...pendingRequest, status: 'approved' }),
    reject: async () => ({ ...pendingRequest, status: 'rejected' }),
    cancel: async () => ({ ...pendingRequest, status: 'cancelled' }),
    revoke: async () => ({ ...activeRequest, status: 'revoking' }),
    listOrphans: async () => [],
    removeOrphan: async input => ({ ...input, kind: 'ServiceEntry', reason: 'unknown-request', message: 'request gone is not in the database' }),
    ...overrides,
  };
  return Object.fromEntries(
    Object.entries(api).map(([k, fn]) => [k, jest.fn(fn as any)]),
  ) as unknown as jest.Mocked<EgressApi>;
}

/** A signals API whose `send` delivers a message to every subscriber, as the backend would. */
export function fakeSignals() {
  const subscribers: Array<(message: any) => void> = [];
  return {
    subscribe: (_channel: string, onMessage: (message: any) => void) => {
      subscribers.push(onMessage);
      return { unsubscribe: () => {} };
    },
    send: (message: { requestId: string; entityRef: string; status: string; action: string }) =>
      subscribers.forEach(fn => fn(message)),
  };
}
