import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import { mockApis } from '@backstage/frontend-test-utils';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { EgressClient } from './EgressClient';
import { RequestDraftInput } from './types';

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

  const draft: RequestDraftInput = {
    entityRef: 'component:default/payments-api',
    clusters: ['dev'],
    hosts: ['api.stripe.com'],
    ports: [{ number: 443, protocol: 'HTTPS' }],
    viaEgressGateway: true,
    justification: 'Card payments via Stripe',
  };
  const request = { ...draft, id: 'req-1', namespace: 'payments', status: 'pending', requestedBy: 'user:default/jane', requestedAt: 'x', updatedAt: 'x' };

  it('reads the entity inventory from GET /entity with the entity ref', async () => {
    let seen: string | null = null;
    server.use(
      http.get(`${baseUrl}/entity`, ({ request: req }) => {
        seen = new URL(req.url).searchParams.get('entityRef');
        return HttpResponse.json({ entityRef: seen, namespace: 'payments', clusters: [], inventory: [] });
      }),
    );
    const client = new EgressClient({ discoveryApi, fetchApi });
    await expect(client.getEntity('component:default/payments-api')).resolves.toMatchObject({ namespace: 'payments' });
    expect(seen).toBe('component:default/payments-api');
  });

  it('posts the draft to /preview and /requests as JSON', async () => {
    const bodies: unknown[] = [];
    server.use(
      http.post(`${baseUrl}/preview`, async ({ request: req }) => {
        bodies.push(await req.json());
        return HttpResponse.json({ valid: true, errors: [], warnings: [], riskFlags: [], manifests: [] });
      }),
      http.post(`${baseUrl}/requests`, async ({ request: req }) => {
        bodies.push(await req.json());
        return HttpResponse.json(request, { status: 201 });
      }),
    );
    const client = new EgressClient({ discoveryApi, fetchApi });
    await expect(client.preview(draft)).resolves.toMatchObject({ valid: true });
    await expect(client.createRequest(draft)).resolves.toMatchObject({ id: 'req-1', status: 'pending' });
    expect(bodies).toEqual([draft, draft]);
  });

  it('sends the draft id with the preview and with the create, and takes a 200 repeat as the request', async () => {
    const ids: unknown[] = [];
    server.use(
      http.post(`${baseUrl}/preview`, async ({ request: req }) => {
        ids.push(((await req.json()) as RequestDraftInput).id);
        return HttpResponse.json({ valid: true, errors: [], warnings: [], riskFlags: [], manifests: [] });
      }),
      http.post(`${baseUrl}/requests`, async ({ request: req }) => {
        const { id } = (await req.json()) as RequestDraftInput;
        ids.push(id);
        // The first submit's answer was lost; the retry finds the stored request.
        return HttpResponse.json({ ...request, id }, { status: ids.length > 2 ? 200 : 201 });
      }),
    );
    const client = new EgressClient({ discoveryApi, fetchApi });
    const id = crypto.randomUUID();
    await client.preview({ ...draft, id });
    await client.createRequest({ ...draft, id });
    await expect(client.createRequest({ ...draft, id })).resolves.toMatchObject({ id });
    expect(ids).toEqual([id, id, id]);
  });

  it('lists requests with filters and cursor in the query', async () => {
    let query: URLSearchParams | undefined;
    server.use(
      http.get(`${baseUrl}/requests`, ({ request: req }) => {
        query = new URL(req.url).searchParams;
        return HttpResponse.json({ items: [request], nextCursor: 'abc' });
      }),
    );
    const client = new EgressClient({ discoveryApi, fetchApi });
    const page = await client.listRequests({
      status: ['pending', 'approved'],
      entityRef: 'component:default/payments-api',
      cluster: 'dev',
      requester: 'user:default/jane',
      cursor: 'xyz',
      limit: 20,
    });
    expect(page.nextCursor).toBe('abc');
    expect(Object.fromEntries(query!.entries())).toEqual({
      status: 'pending,approved',
      entityRef: 'component:default/payments-api',
      cluster: 'dev',
      requester: 'user:default/jane',
      cursor: 'xyz',
      limit: '20',
    });
  });

  it('reads one request and sends decisions with their comment', async () => {
    const calls: Array<{ path: string; body: unknown }> = [];
    const record = (verb: string) =>
      http.post(`${baseUrl}/requests/:id/${verb}`, async ({ request: req, params }) => {
        const text = await req.text();
        calls.push({ path: `${params.id}/${verb}`, body: text ? JSON.parse(text) : undefined });
        return HttpResponse.json(request);
      });
    server.use(
      http.get(`${baseUrl}/requests/:id`, ({ params }) =>
        HttpResponse.json({ request: { ...request, id: params.id }, targets: [], events: [], manifests: [] }),
      ),
      record('approve'),
      record('reject'),
      record('cancel'),
      record('revoke'),
    );
    const client = new EgressClient({ discoveryApi, fetchApi });
    await expect(client.getRequest('req-1')).resolves.toMatchObject({ request: { id: 'req-1' } });
    await client.approve('req-1', 'ok');
    await client.approve('req-1');
    await client.reject('req-1', 'use the proxy');
    await client.cancel('req-1');
    await client.revoke('req-1', 'not needed');
    expect(calls).toEqual([
      { path: 'req-1/approve', body: { comment: 'ok' } },
      { path: 'req-1/approve', body: {} },
      { path: 'req-1/reject', body: { comment: 'use the proxy' } },
      { path: 'req-1/cancel', body: undefined },
      { path: 'req-1/revoke', body: { comment: 'not needed' } },
    ]);
  });
});
