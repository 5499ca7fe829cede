import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import { mockApis } from '@backstage/frontend-test-utils';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { EgressClient } from './EgressClient';

const server = setupServer();
registerMswTestHooks(server);

const baseUrl = 'http://backstage.test/api/egress';
const discoveryApi = mockApis.discovery({ baseUrl: 'http://backstage.test' });
const fetchApi = { fetch: (input: any, init?: any) => fetch(input, init) };

describe('EgressClient', () => {
  it('reads the clusters from GET /clusters', async () => {
    server.use(
      http.get(`${baseUrl}/clusters`, () =>
        HttpResponse.json({ items: [{ name: 'dev', title: 'Development' }] }),
      ),
    );
    const client = new EgressClient({ discoveryApi, fetchApi });
    await expect(client.listClusters()).resolves.toEqual([
      { name: 'dev', title: 'Development' },
    ]);
  });

  it('turns an error response into a ResponseError with the server message', async () => {
    server.use(
      http.get(`${baseUrl}/clusters`, () =>
        HttpResponse.json(
          {
            error: { name: 'NotAllowedError', message: 'not allowed to read egress data' },
            request: { method: 'GET', url: '/clusters' },
            response: { statusCode: 403 },
          },
          { status: 403 },
        ),
      ),
    );
    const client = new EgressClient({ discoveryApi, fetchApi });
    await expect(client.listClusters()).rejects.toMatchObject({
      name: 'ResponseError',
      statusCode: 403,
      body: {
        error: {
          name: 'NotAllowedError',
          message: 'not allowed to read egress data',
        },
      },
    });
  });
});
