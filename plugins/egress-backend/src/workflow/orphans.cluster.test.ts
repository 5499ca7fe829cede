/**
 * Orphans through the real backend and a real cluster: resources with our
 * managed-by label whose request is unknown (database restored from an older
 * backup) or ended are listed per cluster for the platform team, a platform
 * member can remove one (audited), and nothing is removed automatically. The
 * namespace's shared objects (here the NetworkPolicy) are orphans once no
 * holding request of the namespace asks for them.
 */
import { NETWORK_POLICY_NAME, REQUEST_ID_LABEL, sharedGatewayName } from '@backstage-egress/plugin-egress-common';
import { ClusterInfo, ensureBinaries, startCluster, stopCluster } from '@backstage-egress/testenv';
import { Knex } from 'knex';
import { execFileSync } from 'node:child_process';
import request from 'supertest';
import { owner, platform, startClusterBackend } from '../__testUtils__/clusterBackend';
import { createTestDatabases } from '../__testUtils__/databases';
import { USERS } from '../__testUtils__/fakes';
import { eventually } from '../__testUtils__/eventually';

jest.setTimeout(90_000);

const NAME = 't-orphans';
let cluster: ClusterInfo;
let kubectlPath: string;
let knex: Knex;
let backend: Awaited<ReturnType<typeof startClusterBackend>>;

function kubectl(args: string[]): string {
  return execFileSync(kubectlPath, ['--kubeconfig', cluster.kubeconfigPath, ...args], { encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
}

function resourcesOf(requestId: string): Array<{ kind: string; metadata: { name: string } }> {
  return JSON.parse(kubectl(['get', 'serviceentries,gateways,destinationrules,virtualservices', '-n', 'payments', '-l', `${REQUEST_ID_LABEL}=${requestId}`, '-o', 'json'])).items;
}

type Orphan = { cluster: string; kind: string; namespace: string; name: string; requestId?: string; requestStatus?: string; reason: string; message: string };

async function orphansHere(): Promise<Orphan[]> {
  const res = await request(backend.server).get('/api/egress/orphans').set('Authorization', platform);
  expect(res.status).toBe(200);
  const mine = res.body.items.find((c: { cluster: string }) => c.cluster === NAME);
  expect(mine.synced).toBe(true);
  return mine.orphans;
}

async function orphansOf(requestId: string): Promise<Orphan[]> {
  return (await orphansHere()).filter(o => o.requestId === requestId);
}

/** Orphans among the objects shared per host in the gateway's namespace. */
async function sharedOrphansOf(host: string): Promise<Orphan[]> {
  return (await orphansHere()).filter(o => o.namespace === 'istio-system' && o.name === sharedGatewayName(host));
}

const remove = (who: string, body: object) =>
  request(backend.server).post('/api/egress/orphans/remove').set('Authorization', who).send(body);

const databases = createTestDatabases();

beforeAll(async () => {
  kubectlPath = (await ensureBinaries()).kubectl;
  cluster = await startCluster({ name: NAME });
  knex = await databases.init('SQLITE_3');
  backend = await startClusterBackend(cluster, knex);
}, 300_000);

afterAll(async () => {
  await stopCluster(NAME);
}, 120_000);

/** What a database restored from an older backup looks like: the request was never stored. */
async function forget(id: string) {
  await knex('egress_audit_events').where({ request_id: id }).delete();
  await knex('egress_request_targets').where({ request_id: id }).delete();
  await knex('egress_requests').where({ id }).delete();
}

it('lists resources of unknown and ended requests per cluster, for the platform team only', async () => {
  const live = await backend.grant({ hosts: ['api.live.example'] });
  const lost = await backend.grant({ hosts: ['api.lost.example'] });
  const ended = await backend.grant({ hosts: ['api.ended.example'] });
  expect(await orphansOf(live)).toEqual([]);

  await forget(lost);
  // Restored from a backup taken after the request was revoked, but before its resources were removed.
  await knex('egress_requests').where({ id: ended }).update({ status: 'revoked', ending: 'revoked' });

  const lostOrphans = await orphansOf(lost);
  expect(lostOrphans.map(o => o.kind).sort()).toEqual(['DestinationRule', 'ServiceEntry', 'VirtualService']);
  for (const o of lostOrphans) {
    expect(o).toMatchObject({ cluster: NAME, namespace: 'payments', reason: 'unknown-request', message: `request ${lost} is not in the database` });
  }
  const endedOrphans = await orphansOf(ended);
  expect(endedOrphans).toHaveLength(3);
  for (const o of endedOrphans) expect(o).toMatchObject({ reason: 'request-ended', requestStatus: 'revoked' });
  expect(await orphansOf(live)).toEqual([]);
  // The hosts' shared gateway objects: orphans once no holding request routes the host, never while one does.
  for (const host of ['api.lost.example', 'api.ended.example']) {
    const shared = await sharedOrphansOf(host);
    expect(shared.map(o => o.kind).sort()).toEqual(['Gateway', 'ServiceEntry', 'VirtualService']);
    for (const o of shared) expect(o).toMatchObject({ reason: 'no-gateway-user', message: `no approved, active or revoking request on cluster ${NAME} routes its host through the egress gateway` });
    expect(shared[0].requestId).toBeUndefined();
  }
  expect(await sharedOrphansOf('api.live.example')).toEqual([]);

  const asOwner = await request(backend.server).get('/api/egress/orphans').set('Authorization', owner);
  expect(asOwner.status).toBe(403);

  // Nothing is removed automatically: a reconciler pass leaves them in place.
  await backend.reconcile();
  expect(resourcesOf(lost)).toHaveLength(3);
  expect(resourcesOf(ended)).toHaveLength(3);
});

it('removes one orphan for a platform member, audited; refuses live resources and other users', async () => {
  const lost = await backend.grant({ hosts: ['api.gone.example'] });
  const live = await backend.grant({ hosts: ['api.kept.example'] });
  await forget(lost);
  const [se] = (await eventually(async () => {
    const found = await orphansOf(lost);
    return found.length === 3 ? found : undefined;
  })).filter(o => o.kind === 'ServiceEntry');
  const ref = { cluster: NAME, kind: se.kind, namespace: se.namespace, name: se.name };

  expect((await remove(owner, ref)).status).toBe(403);
  const liveSe = resourcesOf(live).find(r => r.kind === 'ServiceEntry')!;
  const refused = await remove(platform, { ...ref, name: liveSe.metadata.name });
  expect(refused.status).toBe(409);
  expect(refused.body.error.message).toContain(`is not an orphan: request ${live} is active`);
  // A shared gateway object of a host in use is not an orphan either.
  const liveShared = await remove(platform, { ...ref, namespace: 'istio-system', name: sharedGatewayName('api.kept.example') });
  expect(liveShared.status).toBe(409);
  expect(liveShared.body.error.message).toContain(`is not an orphan: request ${live} (active) routes its host through the egress gateway`);

  const removed = await remove(platform, { ...ref, comment: 'left over from the restore' });
  expect(removed.status).toBe(200);
  expect(removed.body).toMatchObject({ ...ref, requestId: lost, reason: 'unknown-request' });
  expect(resourcesOf(lost).map(r => r.kind).sort()).toEqual(['DestinationRule', 'VirtualService']);
  expect(resourcesOf(live)).toHaveLength(3);

  const audit = await knex('egress_orphan_removals').where({ name: se.name });
  expect(audit).toEqual([
    expect.objectContaining({ actor: USERS.platform.ref, cluster: NAME, kind: 'ServiceEntry', namespace: 'payments', request_id: lost, reason: 'unknown-request', comment: 'left over from the restore' }),
  ]);
  expect((await remove(platform, ref)).status).toBe(404);
  await eventually(async () => ((await orphansOf(lost)).length === 2 ? true : undefined));
});

it('lists the namespace NetworkPolicy once no holding request of the namespace asks for it, and removes it for a platform member', async () => {
  const holder = await backend.grant({ hosts: ['api.np.example'], namespaceNetworkPolicy: true });
  const policyOrphans = async () => (await orphansHere()).filter(o => o.kind === 'NetworkPolicy');
  expect(await policyOrphans()).toEqual([]);
  const ref = { cluster: NAME, kind: 'NetworkPolicy', namespace: 'payments', name: NETWORK_POLICY_NAME };
  const kept = await remove(platform, ref);
  expect(kept.status).toBe(409);
  expect(kept.body.error.message).toContain(`is not an orphan: request ${holder} (active) asks for the namespace NetworkPolicy of namespace payments`);

  await forget(holder);
  const [orphan] = await eventually(async () => {
    const found = await policyOrphans();
    return found.length === 1 ? found : undefined;
  });
  expect(orphan).toMatchObject({
    ...ref,
    reason: 'no-network-policy-request',
    message: `no approved, active or revoking request of namespace payments on cluster ${NAME} asks for the namespace NetworkPolicy`,
  });
  expect(orphan.requestId).toBeUndefined();

  const removed = await remove(platform, { ...ref, comment: 'namespace NetworkPolicy left over' });
  expect(removed.status).toBe(200);
  expect(kubectl(['get', 'networkpolicies.networking.k8s.io', '-n', 'payments', '-o', 'name'])).not.toContain(NETWORK_POLICY_NAME);
});
