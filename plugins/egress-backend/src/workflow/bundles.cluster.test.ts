/**
 * Bundles go all-or-nothing per cluster, on a real test cluster: a name taken
 * by an object we do not manage is found before anything is written (and the
 * preview warns about it), and a resource the API server refuses mid-bundle
 * makes the writer remove what that attempt created.
 */
import { REQUEST_ID_LABEL, sharedGatewayName } from '@backstage-egress/plugin-egress-common';
import { ClusterInfo, ensureBinaries, startCluster, stopCluster } from '@backstage-egress/testenv';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { owner, platform, startClusterBackend } from '../__testUtils__/clusterBackend';
import { createTestDatabases } from '../__testUtils__/databases';
import { draft } from '../__testUtils__/fakes';
import { eventually } from '../__testUtils__/eventually';

jest.setTimeout(90_000);

const NAME = 't-bundles';
let cluster: ClusterInfo;
let kubectlPath: string;
let backend: Awaited<ReturnType<typeof startClusterBackend>>;

function kubectl(args: string[], input?: unknown): string {
  return execFileSync(kubectlPath, ['--kubeconfig', cluster.kubeconfigPath, ...args], {
    encoding: 'utf8',
    input: input === undefined ? undefined : JSON.stringify(input),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

/** The objects shared per host in the gateway's namespace, read as admin. */
function sharedOf(host: string): Array<{ kind: string; metadata: { name: string; uid: string } }> {
  const out = kubectl(['get', 'serviceentries,gateways,virtualservices', '-n', 'istio-system', '-o', 'json']);
  return JSON.parse(out).items.filter((o: { metadata: { name: string } }) => o.metadata.name === sharedGatewayName(host));
}

/** Every object of the request in namespace payments, read as admin. */
function resourcesOf(requestId: string): Array<{ kind: string; metadata: { name: string } }> {
  const out = kubectl(['get', 'serviceentries,gateways,destinationrules,virtualservices,sidecars', '-n', 'payments', '-l', `${REQUEST_ID_LABEL}=${requestId}`, '-o', 'json']);
  return JSON.parse(out).items;
}

const preview = (body: object) =>
  request(backend.server).post('/api/egress/preview').set('Authorization', owner).send(body);

/** Creates and approves; the target once the reconciler made its first attempt. */
async function createAndApprove(body: object) {
  const created = await request(backend.server).post('/api/egress/requests').set('Authorization', owner).send(body);
  expect(created.status).toBe(201);
  const id: string = created.body.id;
  await request(backend.server).post(`/api/egress/requests/${id}/approve`).set('Authorization', platform).send({});
  const target = await eventually(async () => {
    const detail = await backend.detail(id);
    return detail.targets[0]?.attempts > 0 ? detail.targets[0] : undefined;
  });
  return { id, target };
}

const databases = createTestDatabases();

/** A second namespace (component svc-orders), to share a host through the gateway with payments. */
const ORDERS = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'svc-orders', namespace: 'default', annotations: { 'backstage.io/kubernetes-namespace': 'orders' } },
  spec: { owner: 'group:default/payments-team', type: 'service', lifecycle: 'production' },
};

beforeAll(async () => {
  kubectlPath = (await ensureBinaries()).kubectl;
  cluster = await startCluster({ name: NAME, namespaces: ['orders'] });
  backend = await startClusterBackend(cluster, await databases.init('SQLITE_3'), {}, {
    egress: { namespaces: { ownership: 'config', owners: { payments: ['group:default/payments-team'], orders: ['group:default/payments-team'] } } },
    entities: [ORDERS],
  });
}, 300_000);

afterAll(async () => {
  await stopCluster(NAME);
}, 120_000);

it('a name taken by an unmanaged object: the preview warns, approval writes nothing, the state says why', async () => {
  const id = randomUUID();
  const body = draft({ id, clusters: [NAME], hosts: ['api.collide.example'] });
  const first = await preview(body);
  expect(first.body).toMatchObject({ valid: true, errors: [] });
  const rendered = first.body.manifests[0].manifests as Array<{ kind: string; metadata: { name: string } }>;
  expect(rendered.map(m => m.kind)).toEqual(expect.arrayContaining(['ServiceEntry', 'Gateway', 'DestinationRule', 'VirtualService']));
  // The request's own ServiceEntry (the shared one per host lives in the gateway's namespace).
  const taken = rendered.find(m => m.kind === 'ServiceEntry' && (m.metadata as { namespace?: string }).namespace === 'payments')!.metadata.name;
  kubectl(['apply', '-f', '-'], {
    apiVersion: 'networking.istio.io/v1',
    kind: 'ServiceEntry',
    metadata: { name: taken, namespace: 'payments' },
    spec: { hosts: ['someone-else.example'], location: 'MESH_EXTERNAL', resolution: 'DNS', ports: [{ number: 443, name: 'tls', protocol: 'TLS' }] },
  });

  // The preview warns once the cluster's cache has seen the object.
  const warned = await eventually(async () => {
    const res = await preview(body);
    return res.body.warnings?.find((w: { code: string }) => w.code === 'name-taken');
  }, 15_000);
  expect(warned.message).toBe(
    `ServiceEntry payments/${taken} already exists on cluster ${NAME} and is not managed by backstage-egress: approval would write nothing there until it is removed or renamed`,
  );

  const { target } = await createAndApprove(body);
  expect(resourcesOf(id)).toEqual([]);
  expect(target.status).toBe('failed');
  expect(target.lastError).toContain(`ServiceEntry payments/${taken} already exists and is not managed by backstage-egress`);
  expect(target.lastError).toContain('nothing of the bundle was applied');
  const detail = await backend.detail(id);
  expect(detail.request.displayState?.summary ?? JSON.stringify(detail.request.displayState)).toMatch(/fail/i);

  // Revoking does not wait for the retry backoff.
  const revoked = await request(backend.server).post(`/api/egress/requests/${id}/revoke`).set('Authorization', owner).send({});
  expect(revoked.status).toBe(200);
  await eventually(async () => ((await backend.detail(id)).request.status === 'revoked' ? true : undefined), 10_000);
  expect(resourcesOf(id)).toEqual([]);
  // The unmanaged object is untouched.
  expect(JSON.parse(kubectl(['get', 'serviceentry', taken, '-n', 'payments', '-o', 'json'])).spec.hosts).toEqual(['someone-else.example']);
  kubectl(['delete', 'serviceentry', taken, '-n', 'payments']);
});

/** A real admission rule (ValidatingAdmissionPolicy) refusing request `id`'s VirtualServices only; its name. */
async function refuseVirtualServicesOf(id: string): Promise<string> {
  const policy = `deny-vs-${id.slice(0, 8)}`;
  kubectl(['apply', '-f', '-'], {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicy',
    metadata: { name: policy },
    spec: {
      failurePolicy: 'Fail',
      matchConstraints: {
        resourceRules: [{ apiGroups: ['networking.istio.io'], apiVersions: ['*'], operations: ['CREATE', 'UPDATE'], resources: ['virtualservices'] }],
      },
      validations: [{ expression: `!has(object.metadata.labels) || !('${REQUEST_ID_LABEL}' in object.metadata.labels) || object.metadata.labels['${REQUEST_ID_LABEL}'] != '${id}'`, message: 'refused by the test policy' }],
    },
  });
  kubectl(['apply', '-f', '-'], {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicyBinding',
    metadata: { name: policy },
    spec: { policyName: policy, validationActions: ['Deny'] },
  });
  const probe = {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: `probe-${id.slice(0, 8)}`, namespace: 'payments', labels: { [REQUEST_ID_LABEL]: id } },
    spec: { hosts: ['probe.example'], tls: [] },
  };
  await eventually(() => {
    try {
      kubectl(['create', '--dry-run=server', '-f', '-'], probe);
      return undefined;
    } catch (e) {
      return /refused by the test policy/.test(String((e as { stderr?: string }).stderr)) ? true : undefined;
    }
  }, 20_000);

  return policy;
}

it('a resource the API server refuses mid-bundle: what the attempt created is removed', async () => {
  const id = randomUUID();
  const policy = await refuseVirtualServicesOf(id);
  const { target } = await createAndApprove(draft({ id, clusters: [NAME], hosts: ['api.refused.example'] }));
  expect(target.status).toBe('failed');
  expect(target.lastError).toContain('refused by the test policy');
  expect(resourcesOf(id)).toEqual([]);
  // The host's shared gateway objects were created by this attempt (no one else uses the host): removed too.
  expect(sharedOf('api.refused.example')).toEqual([]);
  const detail = await backend.detail(id);
  const failedEvent = detail.events.find((e: { action: string }) => e.action === 'apply-failed');
  const outcomes = failedEvent.details.outcomes as Array<{ kind: string; namespace: string; action: string }>;
  const rolledBack = (ns: string) => outcomes.filter(o => o.action === 'rolled-back' && o.namespace === ns).map(o => o.kind).sort();
  expect(rolledBack('payments')).toEqual(['DestinationRule', 'ServiceEntry']);
  expect(rolledBack('istio-system')).toEqual(['Gateway', 'ServiceEntry', 'VirtualService']);
  expect(outcomes.find(o => o.kind === 'VirtualService' && o.namespace === 'payments')?.action).toBe('failed');

  kubectl(['delete', 'validatingadmissionpolicybinding', policy]);
  kubectl(['delete', 'validatingadmissionpolicy', policy]);
  await request(backend.server).post(`/api/egress/requests/${id}/revoke`).set('Authorization', owner).send({});
});

it('a failed attempt never removes shared gateway objects that existed before it', async () => {
  const host = 'api.shared-refused.example';
  const first = await backend.grant({ hosts: [host], entityRef: 'component:default/svc-orders' });
  const before = sharedOf(host);
  expect(before.map(o => o.kind).sort()).toEqual(['Gateway', 'ServiceEntry', 'VirtualService']);

  const id = randomUUID();
  const policy = await refuseVirtualServicesOf(id);
  const { target } = await createAndApprove(draft({ id, clusters: [NAME], hosts: [host] }));
  expect(target.status).toBe('failed');
  expect(resourcesOf(id)).toEqual([]);
  const detail = await backend.detail(id);
  const outcomes = detail.events.find((e: { action: string }) => e.action === 'apply-failed').details.outcomes as Array<{ kind: string; namespace: string; action: string }>;
  expect(outcomes.filter(o => o.namespace === 'istio-system').map(o => o.action)).not.toContain('rolled-back');
  expect(outcomes.filter(o => o.namespace === 'payments' && o.action === 'rolled-back').map(o => o.kind).sort()).toEqual(['DestinationRule', 'ServiceEntry']);
  // The same objects (same uid) are still there for the first request.
  expect(sharedOf(host).map(o => o.metadata.uid).sort()).toEqual(before.map(o => o.metadata.uid).sort());
  expect(JSON.parse(kubectl(['get', 'serviceentries,destinationrules,virtualservices', '-n', 'orders', '-l', `${REQUEST_ID_LABEL}=${first}`, '-o', 'json'])).items).toHaveLength(3);

  kubectl(['delete', 'validatingadmissionpolicybinding', policy]);
  kubectl(['delete', 'validatingadmissionpolicy', policy]);
  await request(backend.server).post(`/api/egress/requests/${id}/revoke`).set('Authorization', owner).send({});
});

it("an object with the request's id that its bundle no longer has is pruned on the repair", async () => {
  const id = await backend.grant({ hosts: ['api.pruned.example'] });
  const kept = resourcesOf(id).map(r => `${r.kind}/${r.metadata.name}`).sort();
  expect(kept).toHaveLength(3);
  // What a request approved before gateway sharing still has: its own Gateway in its namespace.
  const old = `api-pruned-example-${id.slice(0, 8)}`;
  kubectl(['apply', '-f', '-'], {
    apiVersion: 'networking.istio.io/v1',
    kind: 'Gateway',
    metadata: { name: old, namespace: 'payments', labels: { 'app.kubernetes.io/managed-by': 'backstage-egress', [REQUEST_ID_LABEL]: id } },
    spec: { selector: { istio: 'egressgateway' }, servers: [{ port: { number: 443, name: 'tls', protocol: 'TLS' }, hosts: ['api.pruned.example'], tls: { mode: 'PASSTHROUGH' } }] },
  });
  // The cache sees it: the target is drifted.
  await eventually(async () => ((await backend.detail(id)).targets[0]?.sync === 'drifted' ? true : undefined), 15_000);

  await backend.reconcile();
  expect(resourcesOf(id).map(r => `${r.kind}/${r.metadata.name}`).sort()).toEqual(kept);
  const detail = await backend.detail(id);
  const repair = [...detail.events].reverse().find((e: { action: string }) => e.action === 'applied');
  expect(repair.details.outcomes).toContainEqual(expect.objectContaining({ kind: 'Gateway', namespace: 'payments', name: old, action: 'deleted' }));
  expect(detail.targets[0].status).toBe('applied');
  await eventually(async () => ((await backend.detail(id)).targets[0]?.sync === 'in-sync' ? true : undefined), 15_000);
  await backend.revoke(id);
});
