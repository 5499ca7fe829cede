/**
 * The namespace NetworkPolicy option through the real backend and a real test
 * cluster (etcd + kube-apiserver from @backstage-egress/testenv): previewed
 * with its sentence and risk flag, applied by the plugin's least-privilege
 * identity, listed in the entity's inventory, shared by the namespace's
 * requests and deleted with the last one. Read back as admin.
 */
import { NETWORK_POLICY_NAME, MANAGED_BY_LABEL, MANAGED_BY_VALUE } from '@backstage-egress/plugin-egress-common';
import { ClusterInfo } from '@backstage-egress/testenv';
import request from 'supertest';
import { owner, paymentsObject, platform, startClusterBackend, useTestCluster } from '../__testUtils__/clusterBackend';
import { createTestDatabases } from '../__testUtils__/databases';
import { draft } from '../__testUtils__/fakes';

jest.setTimeout(60_000);

const NAME = 't-netpol';
let cluster: ClusterInfo;
let kubectlPath: string;

/** The namespace's NetworkPolicy as the API server holds it, read as admin; undefined when absent. */
const networkPolicy = () => paymentsObject(cluster, kubectlPath, 'networkpolicies.networking.k8s.io', NETWORK_POLICY_NAME);

const databases = createTestDatabases();

useTestCluster(NAME, (started, kubectl) => {
  cluster = started;
  kubectlPath = kubectl;
});

describe.each(databases.eachSupportedId())('the namespace NetworkPolicy on a real cluster with %p', databaseId => {
  let backend: Awaited<ReturnType<typeof startClusterBackend>>;
  beforeAll(async () => {
    backend = await startClusterBackend(cluster, await databases.init(databaseId), {}, {
      // Even a host on the auto-approve list needs an approver with the NetworkPolicy.
      egress: { policy: { autoApproveHosts: ['api.stripe.com', 'api.adyen.com'] } },
    });
  }, 120_000);

  it('is previewed with its sentence and risk flag, never auto-approved, applied, listed, and deleted with the last request asking for it', async () => {
    const body = draft({ clusters: [NAME], namespaceNetworkPolicy: true });
    const preview = await request(backend.server).post('/api/egress/preview').set('Authorization', owner).send(body);
    expect(preview.status).toBe(200);
    expect(preview.body.policy.verdict).toBe('needs-approval');
    expect(preview.body.riskFlags.map((f: any) => f.code)).toContain('network-policy');
    expect(preview.body.warnings).toContainEqual(
      expect.objectContaining({ path: 'namespaceNetworkPolicy', code: 'network-policy', message: expect.stringContaining('open connections only to istiod (istio-system, port 15012)') }),
    );
    const previewed = preview.body.manifests[0].manifests.find((m: any) => m.kind === 'NetworkPolicy');
    expect(previewed.metadata.name).toBe(NETWORK_POLICY_NAME);

    const created = await request(backend.server).post('/api/egress/requests').set('Authorization', owner).send(body);
    expect(created.status).toBe(201);
    expect(created.body.status).toBe('pending');
    expect(created.body.namespaceNetworkPolicy).toBe(true);
    expect(networkPolicy()).toBeUndefined();

    const approved = await request(backend.server).post(`/api/egress/requests/${created.body.id}/approve`).set('Authorization', platform).send({});
    // Approval records the decision; the reconciler applies it right after.
    expect(approved.body.status).toBe('approved');
    await backend.untilActive(created.body.id);
    const first = created.body.id;
    // A second request of the namespace asks for it too (the auto-approve list does not apply).
    const second = await backend.grant({ hosts: ['api.adyen.com'], namespaceNetworkPolicy: true });

    const applied = networkPolicy();
    expect(applied.metadata.labels[MANAGED_BY_LABEL]).toBe(MANAGED_BY_VALUE);
    // What the API server stored is what was previewed (defaults it fills aside).
    expect(applied.spec.egress).toEqual(previewed.spec.egress);
    expect(applied.spec.policyTypes).toEqual(['Egress']);

    // The entity's inventory lists it, from the plugin's watch-fed cache.
    const entity = await request(backend.server).get('/api/egress/entity').query({ entityRef: 'component:default/payments' }).set('Authorization', owner);
    const inventory = entity.body.inventory.find((i: any) => i.cluster === NAME);
    expect(inventory.resources).toContainEqual(expect.objectContaining({ kind: 'NetworkPolicy', name: NETWORK_POLICY_NAME, managed: true }));

    await backend.revoke(first);
    expect(networkPolicy()).toBeDefined();
    await backend.revoke(second);
    expect(networkPolicy()).toBeUndefined();
    const detail = await backend.detail(second);
    expect(detail.events).toContainEqual(
      expect.objectContaining({
        action: 'removed',
        cluster: NAME,
        comment: expect.stringMatching(/^shared namespace NetworkPolicy payments\/egress-network-policy deleted/),
      }),
    );
  });

  it('refuses a NetworkPolicy with direct access, which it would block', async () => {
    const res = await request(backend.server)
      .post('/api/egress/requests')
      .set('Authorization', owner)
      .send(draft({ clusters: [NAME], viaEgressGateway: false, namespaceNetworkPolicy: true }));
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('namespaceNetworkPolicy: the NetworkPolicy lets pods reach only istiod, the egress gateway and cluster DNS, so direct access would be blocked');
  });
});
