/**
 * Approval wakes the reconciler instead of calling the cluster, through the
 * real backend, a real test cluster and PostgreSQL shared by two replicas:
 * a replica serving the API only (`egress.reconcilerEnabled: false`) records
 * the approval and applies nothing; the other replica finds the due work in
 * the database on its scheduled look and applies it.
 */
import { REQUEST_ID_LABEL } from '@backstage-egress/plugin-egress-common';
import { ClusterInfo, ensureBinaries, startCluster, stopCluster } from '@backstage-egress/testenv';
import knexFactory, { Knex } from 'knex';
import { execFileSync } from 'node:child_process';
import request from 'supertest';
import { owner, platform, startClusterBackend, untilApplied } from '../__testUtils__/clusterBackend';
import { createTestDatabases, POSTGRES_ID } from '../__testUtils__/databases';
import { draft } from '../__testUtils__/fakes';

jest.setTimeout(120_000);

const NAME = 't-wake';
let cluster: ClusterInfo;
let kubectlPath: string;
let knexB: Knex | undefined;

const databases = createTestDatabases();

function resourcesOf(requestId: string): Array<{ kind: string }> {
  const out = execFileSync(
    kubectlPath,
    ['--kubeconfig', cluster.kubeconfigPath, 'get', 'serviceentries,destinationrules,virtualservices', '-n', 'payments', '-l', `${REQUEST_ID_LABEL}=${requestId}`, '-o', 'json'],
    { encoding: 'utf8' },
  );
  return JSON.parse(out).items;
}

beforeAll(async () => {
  kubectlPath = (await ensureBinaries()).kubectl;
  cluster = await startCluster({ name: NAME });
}, 300_000);

afterAll(async () => {
  await knexB?.destroy();
  await stopCluster(NAME);
}, 120_000);

it(
  'a replica serving the API only records the approval; the other replica, sharing PostgreSQL, applies it',
  async () => {
    const knexA = await databases.init(POSTGRES_ID);
    // Its own connection pool, like a replica on another machine.
    knexB = knexFactory(knexA.client.config);
    const apiOnly = await startClusterBackend(cluster, knexA, {}, { egress: { reconcilerEnabled: false } });
    const worker = await startClusterBackend(cluster, knexB);
    expect(apiOnly.scheduledTasks()).toEqual([]);
    expect(worker.scheduledTasks().sort()).toEqual(['egress-reconciler', 'egress-reconciler-wake']);

    const created = await request(apiOnly.server).post('/api/egress/requests').set('Authorization', owner).send(draft({ clusters: [NAME] }));
    expect(created.status).toBe(201);
    const id = created.body.id;
    const approved = await request(apiOnly.server).post(`/api/egress/requests/${id}/approve`).set('Authorization', platform).send({});
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'approved', displayState: { status: 'progressing' } });

    // The API-only replica wrote nothing to the cluster, and will not.
    const waiting = await request(worker.server).get(`/api/egress/requests/${id}`).set('Authorization', owner);
    expect(waiting.body.targets).toEqual([expect.objectContaining({ cluster: NAME, status: 'pending', attempts: 0 })]);
    expect(resourcesOf(id)).toEqual([]);

    // The worker's scheduled look for due work picks the decision up from the database.
    await worker.wakeDue();
    const applied = await untilApplied(worker.server, id);
    expect(applied.targets).toEqual([expect.objectContaining({ cluster: NAME, status: 'applied', attempts: 1 })]);
    expect(resourcesOf(id).map(r => r.kind).sort()).toEqual(['DestinationRule', 'ServiceEntry', 'VirtualService']);
    // Both replicas answer the same, from the shared database.
    const seen = await request(apiOnly.server).get(`/api/egress/requests/${id}`).set('Authorization', owner);
    expect(seen.body.request.displayState).toEqual({ status: 'active', message: `Active on ${NAME}` });
  },
);
