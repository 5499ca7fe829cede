/**
 * The request workflow against a real test cluster (etcd + kube-apiserver
 * with Istio's CRDs, from @backstage-egress/testenv): the plugin applies with
 * its least-privilege service account, and the resources are checked as admin.
 */
import { TestDatabaseId } from '@backstage/backend-test-utils';
import {
  LOCKDOWN_SIDECAR_NAME,
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
  REQUEST_ID_LABEL,
} from '@backstage-egress/plugin-egress-common';
import { ClusterInfo } from '@backstage-egress/testenv';
import { execFileSync } from 'node:child_process';
import request from 'supertest';
import { owner, paymentsObject, platform, startClusterBackend, untilApplied, useTestCluster } from '../__testUtils__/clusterBackend';
import { createTestDatabases } from '../__testUtils__/databases';
import { draft } from '../__testUtils__/fakes';
import { eventually } from '../__testUtils__/eventually';

jest.setTimeout(60_000);

const NAME = 't-wf-a';
let cluster: ClusterInfo;
let kubectlPath: string;
let server: any;
/** The reconciler pass the plugin scheduled; the mock scheduler does not run it periodically. */
let reconcilerTask: (() => Promise<void>) | undefined;

/** Our resources of a request in namespace payments, read as admin. */
function resourcesOf(requestId: string): Array<{ kind: string; metadata: { labels: Record<string, string> } }> {
  const out = execFileSync(
    kubectlPath,
    ['--kubeconfig', cluster.kubeconfigPath, 'get', 'serviceentries,gateways,destinationrules,virtualservices', '-n', 'payments', '-l', `${REQUEST_ID_LABEL}=${requestId}`, '-o', 'json'],
    { encoding: 'utf8' },
  );
  return JSON.parse(out).items;
}

/** The namespace's lockdown Sidecar, read as admin; undefined when absent. */
function lockdownSidecar(): { metadata: { labels?: Record<string, string> } } | undefined {
  return paymentsObject(cluster, kubectlPath, 'sidecars', LOCKDOWN_SIDECAR_NAME);
}

const databases = createTestDatabases();

useTestCluster(NAME, (started, kubectl) => {
  cluster = started;
  kubectlPath = kubectl;
});

/** Entities of the payments team claiming namespaces that are not theirs to claim. */
const CLAIMING = ['istio-system', 'search'].map(namespace => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: `claims-${namespace}`, namespace: 'default', annotations: { 'backstage.io/kubernetes-namespace': namespace } },
  spec: { owner: 'group:default/payments-team', type: 'service', lifecycle: 'production' },
}));

/** The egress backend on the given database, talking to the real cluster. */
async function startBackend(databaseId: TestDatabaseId) {
  const backend = await startClusterBackend(cluster, await databases.init(databaseId), {}, {
    egress: { policy: { autoApproveHosts: ['api.github.com'] } },
    entities: CLAIMING,
  });
  server = backend.server;
  reconcilerTask = backend.reconcile;
}

const create = (body: object) =>
  request(server).post('/api/egress/requests').set('Authorization', owner).send(body);

describe.each(databases.eachSupportedId())('request workflow on a real cluster with %p', databaseId => {
  beforeAll(() => startBackend(databaseId), 120_000);

  it('applies on approval with our labels, and removes on revoke', async () => {
    const created = await create(draft({ clusters: [NAME] }));
    expect(created.status).toBe(201);
    expect(created.body.status).toBe('pending');
    const id = created.body.id;
    expect(resourcesOf(id)).toEqual([]);

    const approved = await request(server).post(`/api/egress/requests/${id}/approve`).set('Authorization', platform).send({ comment: 'ok' });
    expect(approved.status).toBe(200);
    // The answer is the decision, made without a cluster call: nothing applied yet.
    expect(approved.body).toMatchObject({ status: 'approved', displayState: { status: 'progressing', message: 'Applying: 0 of 1 cluster applied' } });
    const answered = await request(server).get(`/api/egress/requests/${id}`).set('Authorization', owner);
    expect(answered.body.events.map((e: { action: string }) => e.action)).not.toContain('applied');
    // The reconciler, woken by the decision, applies it.
    const applied = await untilApplied(server, id);
    expect(applied.request.displayState).toEqual({ status: 'active', message: `Active on ${NAME}` });
    const resources = resourcesOf(id);
    // The host's Gateway is shared in istio-system (no request id); the namespace holds the request's own.
    expect(resources.map(r => r.kind).sort()).toEqual(['DestinationRule', 'ServiceEntry', 'VirtualService']);
    for (const r of resources) expect(r.metadata.labels[MANAGED_BY_LABEL]).toBe(MANAGED_BY_VALUE);

    const detail = await request(server).get(`/api/egress/requests/${id}`).set('Authorization', owner);
    expect(detail.body.targets).toEqual([expect.objectContaining({ cluster: NAME, status: 'applied', attempts: 1 })]);

    const revoked = await request(server).post(`/api/egress/requests/${id}/revoke`).set('Authorization', owner).send({});
    expect(revoked.status).toBe(200);
    expect(revoked.body.status).toBe('revoked');
    expect(resourcesOf(id)).toEqual([]);
  });

  it('deletes the shared lockdown Sidecar with the last request asking for it', async () => {
    const created = await create(draft({ clusters: [NAME], hosts: ['api.adyen.com'], lockdownNamespace: true }));
    expect(created.status).toBe(201);
    const id = created.body.id;
    const approved = await request(server).post(`/api/egress/requests/${id}/approve`).set('Authorization', platform).send({});
    expect(approved.body.status).toBe('approved');
    await untilApplied(server, id);
    expect(lockdownSidecar()?.metadata.labels?.[MANAGED_BY_LABEL]).toBe(MANAGED_BY_VALUE);

    const revoked = await request(server).post(`/api/egress/requests/${id}/revoke`).set('Authorization', owner).send({});
    expect(revoked.body.status).toBe('revoked');
    expect(lockdownSidecar()).toBeUndefined();
    const detail = await request(server).get(`/api/egress/requests/${id}`).set('Authorization', owner);
    expect(detail.body.events).toContainEqual(
      expect.objectContaining({ action: 'removed', cluster: NAME, comment: expect.stringMatching(/^shared lockdown Sidecar payments\/egress-lockdown deleted/) }),
    );
  });

  it("refuses an entity annotated with Istio's root namespace", async () => {
    const res = await create(draft({ entityRef: 'component:default/claims-istio-system', clusters: [NAME], lockdownNamespace: true }));
    expect(res.status).toBe(403);
    expect(res.body.error.message).toContain("names namespace istio-system");
    expect(res.body.error.message).toContain("Istio's root namespace");
  });

  it("refuses an entity claiming another team's namespace (owner annotation on the real Namespace)", async () => {
    const res = await create(draft({ entityRef: 'component:default/claims-search', clusters: [NAME] }));
    expect(res.status).toBe(403);
    expect(res.body.error.message).toContain('Namespace search belongs to group:default/search-team');
  });

  it('never auto-approves a lockdown, even for an auto-approved host', async () => {
    const plain = await create(draft({ clusters: [NAME], hosts: ['api.github.com'], viaEgressGateway: false, expiresAt: new Date(Date.now() + 86_400_000).toISOString() }));
    expect(plain.status).toBe(201);
    expect(plain.body.status).toBe('approved');
    // Auto-approved: the reconciler, woken by the policy's decision, applies it.
    await untilApplied(server, plain.body.id);
    await request(server).post(`/api/egress/requests/${plain.body.id}/revoke`).set('Authorization', owner).send({});
    const locked = await create(draft({ clusters: [NAME], hosts: ['api.github.com'], viaEgressGateway: false, lockdownNamespace: true, expiresAt: new Date(Date.now() + 86_400_000).toISOString() }));
    expect(locked.status).toBe(201);
    expect(locked.body.status).toBe('pending');
  });

  it('removes expired access and marks it expired', async () => {
    const expiresAt = new Date(Date.now() + 6_000).toISOString();
    const created = await create(draft({ clusters: [NAME], hosts: ['api.paypal.com'], expiresAt }));
    expect(created.status).toBe(201);
    const id = created.body.id;
    const approved = await request(server).post(`/api/egress/requests/${id}/approve`).set('Authorization', platform).send({});
    expect(approved.body.status).toBe('approved');
    await untilApplied(server, id);
    expect(resourcesOf(id)).toHaveLength(3);

    expect(reconcilerTask).toBeDefined();
    await eventually(async () => {
      await reconcilerTask!();
      const res = await request(server).get(`/api/egress/requests/${id}`).set('Authorization', owner);
      return res.body.request.status === 'expired' ? res : undefined;
    });
    expect(resourcesOf(id)).toEqual([]);
  });
});
