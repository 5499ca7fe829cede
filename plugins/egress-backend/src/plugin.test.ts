import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import { egressPlugin } from './plugin';

const catalogEntities = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'payments-api',
      namespace: 'default',
      annotations: {
        'backstage.io/kubernetes-namespace': 'payments',
        'egress.backstage.io/clusters': 'dev',
      },
    },
    spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'no-namespace', namespace: 'default' },
    spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
  },
];

const clustersConfig = {
  egress: {
    clusters: [
      {
        name: 'dev',
        title: 'Development',
        url: 'https://127.0.0.1:6443',
        authProvider: 'serviceAccount',
        serviceAccountToken: 'secret-token-value',
        caData: 'c2VjcmV0LWNh',
        kialiUrl: 'https://kiali.dev.example.com',
      },
      {
        name: 'prod',
        url: 'https://10.0.0.1:6443',
        serviceAccountToken: 'another-secret',
      },
    ],
  },
};

async function startBackend(config: object = clustersConfig) {
  const { server } = await startTestBackend({
    features: [
      egressPlugin,
      mockServices.rootConfig.factory({ data: config }),
      catalogServiceMock.factory({ entities: catalogEntities }),
    ],
  });
  return server;
}

describe('egress backend plugin', () => {
  it('answers /health without credentials', async () => {
    const server = await startBackend();
    const res = await request(server)
      .get('/api/egress/health')
      .set('Authorization', mockCredentials.none.header());
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('refuses /clusters without credentials', async () => {
    const server = await startBackend();
    const res = await request(server)
      .get('/api/egress/clusters')
      .set('Authorization', mockCredentials.none.header());
    expect(res.status).toBe(401);
  });

  it('lists the configured clusters to a user without any secret', async () => {
    const server = await startBackend();
    const res = await request(server)
      .get('/api/egress/clusters')
      .set('Authorization', mockCredentials.user.header('user:default/alice'));
    expect(res.status).toBe(200);
    // Status comes from the cache: these clusters don't exist, so each
    // reports itself unreachable or not yet synced.
    expect(res.body.items).toEqual([
      expect.objectContaining({
        name: 'dev',
        title: 'Development',
        kialiUrl: 'https://kiali.dev.example.com',
        reachable: false,
        synced: false,
        egressGateway: { service: 'istio-system/istio-egressgateway' },
      }),
      expect.objectContaining({ name: 'prod', title: 'prod', reachable: false }),
    ]);
    const raw = JSON.stringify(res.body);
    expect(raw).not.toContain('secret');
    expect(raw).not.toContain('c2VjcmV0LWNh');
    expect(raw).not.toContain('6443');
  });

  it('refuses a user the permission policy denies reading', async () => {
    const { server } = await startTestBackend({
      features: [
        egressPlugin,
        mockServices.rootConfig.factory({ data: clustersConfig }),
        mockServices.permissions.factory({ result: AuthorizeResult.DENY }),
        catalogServiceMock.factory({ entities: catalogEntities }),
      ],
    });
    const res = await request(server)
      .get('/api/egress/clusters')
      .set('Authorization', mockCredentials.user.header('user:default/bob'));
    expect(res.status).toBe(403);
    expect(res.body.error.name).toBe('NotAllowedError');
  });

  it("answers /entity with the entity's namespace in its target clusters", async () => {
    const server = await startBackend();
    const user = mockCredentials.user.header('user:default/alice');
    const res = await request(server)
      .get('/api/egress/entity')
      .query({ entityRef: 'component:default/payments-api' })
      .set('Authorization', user);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      entityRef: 'component:default/payments-api',
      namespace: 'payments',
      clusters: ['dev'],
      inventory: [{ cluster: 'dev', namespace: 'payments', synced: false, resources: [] }],
    });
    const raw = JSON.stringify(res.body);
    expect(raw).not.toContain('secret');
    expect(raw).not.toContain('6443');

    const unknown = await request(server)
      .get('/api/egress/entity')
      .query({ entityRef: 'component:default/nope' })
      .set('Authorization', user);
    expect(unknown.status).toBe(404);
    const missing = await request(server).get('/api/egress/entity').set('Authorization', user);
    expect(missing.status).toBe(400);
    const invalid = await request(server)
      .get('/api/egress/entity')
      .query({ entityRef: 'component:' })
      .set('Authorization', user);
    expect(invalid.status).toBe(400);
    const noNamespace = await request(server)
      .get('/api/egress/entity')
      .query({ entityRef: 'component:default/no-namespace' })
      .set('Authorization', user);
    expect(noNamespace.status).toBe(400);
    expect(noNamespace.body.error.message).toMatch(/backstage.io\/kubernetes-namespace/);
  });

  it('fails to start on a misconfigured cluster, naming the field', async () => {
    await expect(
      startBackend({
        egress: {
          clusters: [
            { name: 'Bad_Name', url: 'https://x', serviceAccountToken: 't' },
          ],
        },
      }),
    ).rejects.toThrow(/egress.clusters\[0\].name/);
  });
});
