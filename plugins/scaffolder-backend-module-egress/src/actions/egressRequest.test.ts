import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { coreServices, createServiceFactory } from '@backstage/backend-plugin-api';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult, isPermission } from '@backstage/plugin-permission-common';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import egressPlugin from '@backstage-egress/plugin-egress-backend';
import { egressRequestCreatePermission } from '@backstage-egress/plugin-egress-common';
import { AddressInfo } from 'node:net';
import { createEgressRequestAction } from './egressRequest';

jest.setTimeout(60_000);

const OWNER = 'user:default/alice';
const STRANGER = 'user:default/bob';
const ENTITY = 'component:default/payments-api';

const entities = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'payments-api', namespace: 'default', annotations: { 'backstage.io/kubernetes-namespace': 'payments' } },
    spec: { owner: 'group:default/payments-team', type: 'service', lifecycle: 'production' },
  },
];

/** Only alice may create requests (she owns payments-api); everyone signed in may read. */
const permissions = mockServices.permissions.mock({
  authorize: async (requests, options) =>
    requests.map(r => {
      const principal = options?.credentials.principal as { userEntityRef?: string };
      const allow = isPermission(r.permission, egressRequestCreatePermission)
        ? principal.userEntityRef === OWNER
        : !!principal.userEntityRef;
      return { result: allow ? AuthorizeResult.ALLOW : AuthorizeResult.DENY };
    }),
});

describe('egress:request against the egress backend', () => {
  let baseUrl: string;

  beforeAll(async () => {
    const { server } = await startTestBackend({
      features: [
        egressPlugin,
        mockServices.rootConfig.factory({
          data: {
            egress: {
              clusters: [{ name: 'dev', url: 'https://127.0.0.1:1', serviceAccountToken: 't' }],
              reconcileIntervalSeconds: 3600,
              policy: { deniedHosts: ['pastebin.com'] },
              // The cluster is unreachable: namespace owners come from config.
              namespaces: { ownership: 'config', owners: { payments: ['group:default/payments-team'] } },
            },
          },
        }),
        catalogServiceMock.factory({ entities }),
        createServiceFactory({ service: coreServices.permissions, deps: {}, factory: () => permissions }),
      ],
    });
    baseUrl = `http://localhost:${(server.address() as AddressInfo).port}/api/egress`;
  });

  const action = () =>
    createEgressRequestAction({
      // Backstage's auth service forwards a user's own token on their behalf;
      // the mock equivalent is a mock user token the test backend accepts.
      auth: mockServices.auth.mock({
        getPluginRequestToken: async ({ onBehalfOf }) => ({
          token: mockCredentials.user.token((onBehalfOf.principal as { userEntityRef: string }).userEntityRef),
        }),
      }),
      discovery: { getBaseUrl: async () => baseUrl, getExternalBaseUrl: async () => baseUrl },
      appBaseUrl: 'https://portal.example.com',
    });

  const input = (overrides: object = {}) => ({
    entityRef: ENTITY,
    clusters: ['dev'],
    hosts: ['api.stripe.com'],
    ports: [{ number: 443, protocol: 'TLS' }],
    viaEgressGateway: true,
    justification: 'Card payments go through Stripe',
    ...overrides,
  });

  async function run(user: string, values: object, isDryRun = false) {
    // createMockActionContext takes neither of these two from its options.
    const ctx = {
      ...createMockActionContext({ input: values as any }),
      isDryRun,
      getInitiatorCredentials: async () => mockCredentials.user(user),
    };
    await action().handler(ctx);
    return ctx.output as jest.Mock;
  }

  const outputs = (output: jest.Mock) => Object.fromEntries(output.mock.calls);

  async function requestsOf(entityRef: string) {
    const res = await fetch(`${baseUrl}/requests?entityRef=${encodeURIComponent(entityRef)}`, {
      headers: { Authorization: mockCredentials.user.header(OWNER) },
    });
    return (await res.json()).items as Array<{ id: string; status: string; hosts: string[]; requestedBy: string }>;
  }

  it('dry run: previews validation and the verdict and stores nothing', async () => {
    const output = await run(OWNER, input({ hosts: ['api.dryrun.example.com'] }), true);
    expect(outputs(output)).toEqual({
      requestId: 'dry-run',
      status: 'pending',
      link: 'https://portal.example.com/catalog/default/component/payments-api/egress',
    });
    expect((await requestsOf(ENTITY)).map(r => r.hosts)).not.toContainEqual(['api.dryrun.example.com']);
  });

  it('dry run: fails on an invalid draft and on a policy denial', async () => {
    await expect(run(OWNER, input({ hosts: ['not a host'] }), true)).rejects.toThrow(/Invalid egress request: hosts\[0\]/);
    await expect(run(OWNER, input({ hosts: ['pastebin.com'] }), true)).rejects.toThrow(/Denied by policy \(deniedHosts\)/);
  });

  it("creates a pending request with the template user's identity", async () => {
    const output = await run(OWNER, input());
    const { requestId, status, link } = outputs(output);
    expect(status).toBe('pending');
    expect(link).toBe('https://portal.example.com/catalog/default/component/payments-api/egress');
    expect(await requestsOf(ENTITY)).toContainEqual(
      expect.objectContaining({ id: requestId, status: 'pending', hosts: ['api.stripe.com'], requestedBy: OWNER }),
    );
  });

  it('is refused for a user who does not own the entity', async () => {
    await expect(run(STRANGER, input({ hosts: ['api.stranger.example.com'] }))).rejects.toMatchObject({
      response: { status: 403 },
    });
    expect((await requestsOf(ENTITY)).map(r => r.hosts)).not.toContainEqual(['api.stranger.example.com']);
  });
});
