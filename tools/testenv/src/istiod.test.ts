/*
 * istiod in a test cluster: it starts outside a pod as user `istiod` with only the RBAC it needs
 * (no permission errors in its log), answers xDS for a sidecar node, writes Istio's analysis into
 * the status of a resource, and stops with the cluster.
 */
import fs from 'node:fs';
import * as k8s from '@kubernetes/client-node';
import { ClusterInfo, startCluster, stopCluster, waitFor, xdsSnapshot } from '../index';
import { isAlive } from '../lib/proc';

const NAME = 't-testenv-istiod';
let info: ClusterInfo;

beforeAll(async () => {
  info = await startCluster({ name: NAME, meshMode: 'REGISTRY_ONLY', istiod: true });
}, 30 * 60_000);
afterAll(() => stopCluster(NAME), 60_000);

function client(user: 'admin' | 'istiod') {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(info.kubeconfigPath);
  kc.setCurrentContext(info.contexts[user]);
  return kc;
}

it('runs istiod as its own identity, without permission errors', async () => {
  expect(info.istiod).toMatchObject({ xdsAddress: expect.stringMatching(/^127\.0\.0\.1:\d+$/) });
  expect(isAlive(info.istiod!.pid)).toBe(true);
  expect(fs.readFileSync(info.istiod!.log, 'utf8')).not.toMatch(/forbidden/i);
  // Its identity reads secrets but may not write them (no CA), nor touch webhook configurations.
  const core = client('istiod').makeApiClient(k8s.CoreV1Api);
  await expect(core.listNamespacedSecret({ namespace: 'istio-system' })).resolves.toBeDefined();
  await expect(
    core.createNamespacedSecret({ namespace: 'istio-system', body: { metadata: { name: 'istio-ca-secret' } } }),
  ).rejects.toMatchObject({ code: 403 });
});

it('sends a sidecar the mesh as Istio computes it: unregistered traffic to BlackHoleCluster under REGISTRY_ONLY', async () => {
  const snapshot = await xdsSnapshot(info, { namespace: 'payments', to: ['example.org:443'] });
  expect(snapshot.node).toBe('sidecar~10.250.0.1~xds-check.payments~payments.svc.cluster.local');
  expect(snapshot.clusters.map(c => c.name)).toEqual(expect.arrayContaining(['BlackHoleCluster', 'PassthroughCluster']));
  expect(snapshot.listeners.map(l => l.name)).toContain('virtualOutbound');
  expect(snapshot.destinations).toEqual([expect.objectContaining({ to: 'example.org:443', cluster: 'BlackHoleCluster' })]);
});

it("writes Istio's analysis into the status of a resource with a problem", async () => {
  const objects = client('admin').makeApiClient(k8s.CustomObjectsApi);
  const body = {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: 'unknown-gateway', namespace: 'payments' },
    spec: { hosts: ['example.org'], gateways: ['no-such-gateway'], tls: [{ match: [{ sniHosts: ['example.org'], port: 443 }], route: [{ destination: { host: 'example.org' } }] }] },
  };
  await objects.createNamespacedCustomObject({ group: 'networking.istio.io', version: 'v1', namespace: 'payments', plural: 'virtualservices', body });
  let status: any;
  await waitFor(
    'istiod to write analysis messages',
    async () => {
      const vs: any = await objects.getNamespacedCustomObject({ group: 'networking.istio.io', version: 'v1', namespace: 'payments', plural: 'virtualservices', name: 'unknown-gateway' });
      status = vs.status;
      return Boolean(status?.validationMessages?.length);
    },
    { timeoutMs: 30_000, intervalMs: 250 },
  );
  expect(status.validationMessages).toContainEqual(expect.objectContaining({ level: 'ERROR', type: { code: 'IST0101' } }));
});

it('starts istiod only once, and stops it with the cluster', async () => {
  const again = await startCluster({ name: NAME, meshMode: 'REGISTRY_ONLY', istiod: true });
  expect(again.istiod!.pid).toBe(info.istiod!.pid);
  await stopCluster(NAME);
  expect(isAlive(info.istiod!.pid)).toBe(false);
});
