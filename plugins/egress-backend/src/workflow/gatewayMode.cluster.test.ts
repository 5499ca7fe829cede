/**
 * A request's own egress gateway mode through the real backend and a real
 * test cluster (etcd + kube-apiserver from @backstage-egress/testenv) whose
 * gateway runs in passthrough mode: a request asking for `mutual` (allowed by
 * the default `stricter` policy) is previewed in that mode, applied by the
 * plugin's identity as ISTIO_MUTUAL objects plus the host's
 * AuthorizationPolicy, which the API server accepts; read back as admin.
 */
import { sharedGatewayName } from '@backstage-egress/plugin-egress-common';
import { ClusterInfo } from '@backstage-egress/testenv';
import { execFileSync } from 'node:child_process';
import request from 'supertest';
import { namespacedObject, owner, paymentsObject, platform, startClusterBackend, untilApplied, useTestCluster } from '../__testUtils__/clusterBackend';
import { createTestDatabases } from '../__testUtils__/databases';
import { draft } from '../__testUtils__/fakes';

jest.setTimeout(120_000);

const NAME = 't-gwmode';
const HOST = 'edition.cnn.com';
let cluster: ClusterInfo;
let kubectlPath: string;

/** One object in the gateway's namespace, read as admin; undefined when absent. */
const gatewayObject = (resource: string, name: string) => namespacedObject(cluster, kubectlPath, 'istio-system', resource, name);

const databases = createTestDatabases();

useTestCluster(NAME, (started, kubectl) => {
  cluster = started;
  kubectlPath = kubectl;
});

describe.each(databases.eachSupportedId())('a request asking for mutual mode on a passthrough cluster with %p', databaseId => {
  let backend: Awaited<ReturnType<typeof startClusterBackend>>;
  beforeAll(async () => {
    backend = await startClusterBackend(cluster, await databases.init(databaseId));
  }, 120_000);

  it('is previewed and applied in mutual mode: ISTIO_MUTUAL DestinationRule and Gateway, and the host’s AuthorizationPolicy', async () => {
    const body = draft({ clusters: [NAME], hosts: [HOST], ports: [{ number: 443, protocol: 'TLS' }], gatewayMode: 'mutual' });
    const preview = await request(backend.server).post('/api/egress/preview').set('Authorization', owner).send(body);
    expect(preview.status).toBe(200);
    expect(preview.body.valid).toBe(true);
    expect(preview.body.warnings).toContainEqual(
      expect.objectContaining({ code: 'gateway-mode', message: expect.stringContaining(`on cluster ${NAME} the egress gateway serves this request in mutual mode`) }),
    );
    expect(preview.body.manifests[0].manifests.map((m: any) => m.kind)).toContain('AuthorizationPolicy');

    const created = await request(backend.server).post('/api/egress/requests').set('Authorization', owner).send(body);
    expect(created.status).toBe(201);
    expect(created.body.gatewayMode).toBe('mutual');
    const approved = await request(backend.server).post(`/api/egress/requests/${created.body.id}/approve`).set('Authorization', platform).send({});
    expect(approved.status).toBe(200);
    await untilApplied(backend.server, created.body.id);

    const shared = sharedGatewayName(HOST);
    const policy = gatewayObject('authorizationpolicies.security.istio.io', shared);
    expect(policy.spec.rules).toEqual([{ from: [{ source: { namespaces: ['payments'] } }], when: [{ key: 'connection.sni', values: [HOST] }] }]);
    const gateway = gatewayObject('gateways.networking.istio.io', shared);
    expect(gateway.spec.servers[0].tls).toEqual({ mode: 'ISTIO_MUTUAL' });
    const destinationRules = JSON.parse(
      execFileSync(kubectlPath, ['--kubeconfig', cluster.kubeconfigPath, 'get', 'destinationrules.networking.istio.io', '-n', 'payments', '-o', 'json'], { encoding: 'utf8' }),
    ).items;
    const subsets = destinationRules.flatMap((d: any) => d.spec.subsets ?? []);
    expect(subsets.flatMap((s: any) => s.trafficPolicy?.portLevelSettings ?? [])).toContainEqual({ port: { number: 443 }, tls: { mode: 'ISTIO_MUTUAL', sni: HOST } });

    // Revoked: the host's shared objects, the AuthorizationPolicy among them, go with their last user.
    await backend.revoke(created.body.id);
    expect(gatewayObject('authorizationpolicies.security.istio.io', shared)).toBeUndefined();
    expect(paymentsObject(cluster, kubectlPath, 'destinationrules.networking.istio.io', destinationRules[0].metadata.name)).toBeUndefined();
  });
});
