import { createBackendPlugin } from '@backstage/backend-plugin-api';
import { ActionsService, actionsServiceRef } from '@backstage/backend-plugin-api/alpha';
import { mockCredentials } from '@backstage/backend-test-utils';
import { randomUUID } from 'node:crypto';
import { draft, ENTITY_REF, USERS } from '../__testUtils__/fakes';
import { startOfflineBackend } from '../__testUtils__/offlineBackend';

jest.setTimeout(60_000);

describe('egress actions through the actions service', () => {
  let actions: ActionsService;

  beforeAll(async () => {
    // A plugin of the same backend that reaches the egress actions the way
    // the MCP actions backend does: through the actions service, over HTTP.
    const caller = createBackendPlugin({
      pluginId: 'caller',
      register(env) {
        env.registerInit({
          deps: { actionsService: actionsServiceRef },
          async init({ actionsService }) {
            actions = actionsService;
          },
        });
      },
    });
    await startOfflineBackend({
      clusters: ['dev', 'prod'],
      config: { app: { baseUrl: 'https://portal.example.com' }, backend: { actions: { pluginSources: ['egress'] } } },
      egress: { policy: { deniedHosts: ['pastebin.com'] } },
      features: [caller],
    });
  });

  const as = (who: keyof typeof USERS) => mockCredentials.user(USERS[who].ref);
  const invoke = (name: string, input: object, who: keyof typeof USERS) =>
    actions.invoke({ id: `egress:${name}`, input: input as any, credentials: as(who) });

  it('lists the three actions with the schemas of the common package', async () => {
    const { actions: listed } = await actions.list({ credentials: as('owner') });
    const byName = Object.fromEntries(listed.map(a => [a.name, a]));
    expect(Object.keys(byName).sort()).toEqual(['list-egress', 'preview-request', 'request-access']);
    expect(byName['list-egress'].attributes.readOnly).toBe(true);
    expect(byName['request-access'].attributes.readOnly).toBe(false);
    const input = byName['request-access'].schema.input as any;
    expect(input.required).toEqual(expect.arrayContaining(['entityRef', 'clusters', 'ports', 'justification']));
    expect(input.required).not.toContain('namespace');
    expect(input.properties.entityRef.description).toContain('Catalog entity');
  });

  it('previews a draft for any signed-in user without storing it', async () => {
    const { output } = await invoke('preview-request', draft({ hosts: ['api.preview.example.com'] }), 'otherTeam');
    expect(output).toMatchObject({ valid: true, policy: { verdict: 'needs-approval' } });
    expect((output as any).manifests.map((m: any) => m.cluster)).toEqual(['dev', 'prod']);
    expect((output as any).manifests[0].yaml).toContain('api.preview.example.com');
    const listed = await invoke('list-egress', { entityRef: ENTITY_REF }, 'owner');
    expect(JSON.stringify(listed.output)).not.toContain('api.preview.example.com');
  });

  it('reports validation errors in the preview', async () => {
    const { output } = await invoke('preview-request', draft({ hosts: ['not a host'] }), 'owner');
    expect(output).toMatchObject({ valid: false, errors: [expect.objectContaining({ path: 'hosts[0]' })] });
  });

  it('creates a pending request for the entity owner and lists it, idempotent on the id', async () => {
    const id = randomUUID();
    const body = draft({ id, hosts: ['api.owner.example.com'] });
    const { output } = await invoke('request-access', body, 'owner');
    expect(output).toEqual({
      requestId: id,
      status: 'pending',
      link: 'https://portal.example.com/catalog/default/component/payments/egress',
    });
    expect((await invoke('request-access', body, 'owner')).output).toMatchObject({ requestId: id });

    const listed = (await invoke('list-egress', { entityRef: ENTITY_REF }, 'owner')).output as any;
    const mine = listed.requests.filter((r: any) => r.id === id);
    expect(mine).toEqual([
      expect.objectContaining({ status: 'pending', hosts: ['api.owner.example.com'], requestedBy: USERS.owner.ref, namespace: 'payments' }),
    ]);
    expect(mine[0].targets.map((t: any) => t.cluster).sort()).toEqual(['dev', 'prod']);
  });

  it('refuses a request from a user who does not own the entity, and stores nothing', async () => {
    await expect(
      invoke('request-access', draft({ hosts: ['api.stranger.example.com'] }), 'otherTeam'),
    ).rejects.toMatchObject({ name: 'ResponseError', response: { status: 403 } });
    const listed = await invoke('list-egress', { entityRef: ENTITY_REF }, 'owner');
    expect(JSON.stringify(listed.output)).not.toContain('api.stranger.example.com');
  });

  it('refuses a draft the policy denies', async () => {
    await expect(
      invoke('request-access', draft({ hosts: ['pastebin.com'] }), 'owner'),
    ).rejects.toMatchObject({
      response: { status: 400 },
      body: { error: { message: expect.stringContaining('Denied by policy (deniedHosts)') } },
    });
  });

  it('refuses input that does not match the schema', async () => {
    await expect(invoke('request-access', { entityRef: ENTITY_REF, hosts: 'x' }, 'owner')).rejects.toMatchObject({
      response: { status: 400 },
    });
  });

  it('refuses callers that are not users', async () => {
    await expect(
      actions.invoke({ id: 'egress:list-egress', input: { entityRef: ENTITY_REF }, credentials: mockCredentials.service('plugin:catalog') }),
    ).rejects.toMatchObject({ response: { status: 403 } });
  });
});
