import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import { egressPlugin } from './plugin';

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
    expect(res.body).toEqual({
      items: [
        {
          name: 'dev',
          title: 'Development',
          kialiUrl: 'https://kiali.dev.example.com',
        },
        { name: 'prod', title: 'prod' },
      ],
    });
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
      ],
    });
    const res = await request(server)
      .get('/api/egress/clusters')
      .set('Authorization', mockCredentials.user.header('user:default/bob'));
    expect(res.status).toBe(403);
    expect(res.body.error.name).toBe('NotAllowedError');
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
