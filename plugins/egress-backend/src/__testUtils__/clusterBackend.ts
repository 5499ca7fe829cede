import { coreServices, createServiceFactory } from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { Entity } from '@backstage/catalog-model';
import {
  ClusterInfo,
  XdsQuery,
  XdsSnapshot,
  ensureBinaries,
  startCluster,
  stopCluster,
  xdsSnapshot,
} from '@backstage-egress/testenv';
import type { TargetIstioVerdict } from '@backstage-egress/plugin-egress-common';
import { Knex } from 'knex';
import { execFileSync } from 'node:child_process';
import request from 'supertest';
import { demoPermissions, draft, ENTITIES, USERS } from './fakes';
import { egressPlugin } from '../plugin';

export const owner = mockCredentials.user.header(USERS.owner.ref);
export const platform = mockCredentials.user.header(USERS.platform.ref);

/**
 * One object of `resource` (e.g. `sidecars`, `networkpolicies.networking.k8s.io`) in namespace
 * payments, read as admin with kubectl; undefined when absent.
 */
export function paymentsObject(cluster: ClusterInfo, kubectl: string, resource: string, name: string): any {
  return namespacedObject(cluster, kubectl, 'payments', resource, name);
}

/** One object of `resource` in `namespace`, read as admin with kubectl; undefined when absent. */
export function namespacedObject(cluster: ClusterInfo, kubectl: string, namespace: string, resource: string, name: string): any {
  const out = execFileSync(
    kubectl,
    ['--kubeconfig', cluster.kubeconfigPath, 'get', resource, '-n', namespace, '--field-selector', `metadata.name=${name}`, '-o', 'json'],
    { encoding: 'utf8' },
  );
  return JSON.parse(out).items[0];
}

/**
 * The egress backend (real plugin, real config) on the given database,
 * talking to a testenv cluster as the plugin's identity; `clusterConfig` adds
 * to the cluster's `egress.clusters[]` entry (e.g. `istioAnalysis: true`).
 * The mock scheduler only records the reconciler task: `reconcile()` runs it.
 */
export async function startClusterBackend(
  cluster: ClusterInfo,
  knex: Knex,
  clusterConfig: Record<string, unknown> = {},
  extra: { egress?: Record<string, unknown>; entities?: Entity[] } = {},
) {
  const tasks = new Map<string, () => Promise<void>>();
  const { server } = await startTestBackend({
    features: [
      egressPlugin,
      mockServices.database.factory({ knex }),
      mockServices.rootConfig.factory({
        data: {
          egress: {
            clusters: [
              {
                name: cluster.name,
                url: cluster.server,
                caData: cluster.caData,
                serviceAccountToken: cluster.tokens['backstage-egress'],
                ...clusterConfig,
              },
            ],
            reconcileIntervalSeconds: 1,
            ...extra.egress,
          },
        },
      }),
      catalogServiceMock.factory({ entities: [...ENTITIES, ...(extra.entities ?? [])] }),
      mockServices.scheduler.mock({
        scheduleTask: async task => {
          tasks.set(task.id, task.fn as () => Promise<void>);
        },
      }).factory,
      createServiceFactory({ service: coreServices.permissions, deps: {}, factory: () => demoPermissions(extra.entities) }),
    ],
  });
  const api = {
    server,
    /** Creates and approves a request for component payments (namespace payments); its id once active. */
    async grant(overrides: Record<string, unknown>): Promise<string> {
      const created = await request(server)
        .post('/api/egress/requests')
        .set('Authorization', owner)
        .send(draft({ clusters: [cluster.name], ...overrides }));
      if (created.status !== 201) throw new Error(`create: ${created.status} ${JSON.stringify(created.body)}`);
      const approved = await request(server)
        .post(`/api/egress/requests/${created.body.id}/approve`)
        .set('Authorization', platform)
        .send({});
      if (approved.status !== 200) throw new Error(`approve: ${approved.status} ${JSON.stringify(approved.body)}`);
      await api.untilActive(created.body.id);
      return created.body.id;
    },
    /**
     * Polls the request until the reconciler (woken by the decision) has
     * applied it on every target cluster and made it active; throws with the
     * last answer after `timeoutMs`.
     */
    async untilActive(id: string, timeoutMs = 30_000) {
      return untilApplied(server, id, timeoutMs);
    },
    async revoke(id: string) {
      const revoked = await request(server).post(`/api/egress/requests/${id}/revoke`).set('Authorization', owner).send({});
      if (revoked.body.status !== 'revoked') throw new Error(`revoke: ${JSON.stringify(revoked.body)}`);
    },
    async detail(id: string) {
      return (await request(server).get(`/api/egress/requests/${id}`).set('Authorization', owner)).body;
    },
    /** Ids of the tasks the plugin scheduled. */
    scheduledTasks: () => [...tasks.keys()],
    /** Runs this replica's look for due work in the database (the scheduled local task). */
    wakeDue: () => {
      const task = tasks.get('egress-reconciler-wake');
      if (!task) throw new Error('the plugin scheduled no wake-up task');
      return task();
    },
    /** Runs one full pass of the reconciler (the scheduled global task). */
    reconcile: () => {
      const task = tasks.get('egress-reconciler');
      if (!task) throw new Error('the plugin scheduled no reconciler task');
      return task();
    },
    /** Polls the request's detail until Istio's verdict on its (only) target satisfies `check`. */
    async istioVerdict(
      id: string,
      check: (verdict: string | undefined) => boolean,
      timeoutMs = 30_000,
    ): Promise<TargetIstioVerdict | undefined> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const target = (await api.detail(id)).targets[0];
        if (check(target?.istio?.verdict) || Date.now() > deadline) return target?.istio;
        await new Promise(r => setTimeout(r, 250));
      }
    },
  };
  return api;
}

/** Polls istiod's view of a node until `check` holds (or time is up); returns the last view. */
export async function xdsUntil(
  cluster: ClusterInfo,
  query: XdsQuery,
  check: (s: XdsSnapshot) => boolean,
  timeoutMs = 30_000,
): Promise<{ snapshot: XdsSnapshot }> {
  const started = Date.now();
  for (;;) {
    const snapshot = await xdsSnapshot(cluster, query);
    if (check(snapshot) || Date.now() - started > timeoutMs) return { snapshot };
    await new Promise(r => setTimeout(r, 100));
  }
}

/** The cluster a connection to `to` reaches on that node. */
export const destination = (s: XdsSnapshot, to: string) => s.destinations?.find(d => d.to === to);
export const hasCluster = (s: XdsSnapshot, name: string) => s.clusters.some(c => c.name === name);

/**
 * Polls GET /requests/:id until the request is active with every target
 * applied (what the reconciler does after approval); throws with the last
 * answer after `timeoutMs`.
 */
export async function untilApplied(server: Parameters<typeof request>[0], id: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { body } = await request(server).get(`/api/egress/requests/${id}`).set('Authorization', owner);
    const done = body.request?.status === 'active' && body.targets?.every((t: { status: string }) => t.status === 'applied');
    if (done) return body;
    if (Date.now() > deadline) throw new Error(`request ${id} not applied in ${timeoutMs} ms: ${JSON.stringify(body)}`);
    await new Promise(r => setTimeout(r, 50));
  }
}

/**
 * Starts the test cluster `name` before the file's tests and stops it after
 * them; `started` receives the cluster and the path of kubectl.
 */
export function useTestCluster(name: string, started: (cluster: ClusterInfo, kubectlPath: string) => void) {
  beforeAll(async () => {
    const kubectlPath = (await ensureBinaries()).kubectl;
    started(await startCluster({ name }), kubectlPath);
  }, 300_000);
  afterAll(async () => {
    await stopCluster(name);
  }, 120_000);
}
