/**
 * The egress plugin in the Backstage ecosystem, through the real demo
 * backend (app-config.yaml, the demo catalog and permission policy) and a
 * real test cluster: a software template run with egress:request, and an MCP
 * client using the egress actions through the MCP actions backend.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { freePort } from '@backstage-egress/testenv';
import { signInDemoUser } from './__testUtils__/demoSession';

// scripts/stack.js is plain CommonJS shared with `npm run dev`.
// eslint-disable-next-line @typescript-eslint/no-require-imports, @backstage/no-relative-monorepo-imports
const { startStack } = require('../../../scripts/stack');

jest.setTimeout(300_000);

const PAYMENTS = 'component:default/payments-api';
const SEARCH = 'component:default/search-indexer';

describe('egress in the Backstage ecosystem (real backend and cluster)', () => {
  let stack: { backendUrl: string; stop(): Promise<void> };
  let alice: Record<string, string>;
  let cluster: string;
  let appUrl: string;

  beforeAll(async () => {
    const appPort = await freePort();
    appUrl = `http://localhost:${appPort}`;
    stack = await startStack({
      cluster: 'ecosystem',
      // One of the demo's two clusters is enough here (search-indexer is limited to dev-us).
      clusters: ['dev-us'],
      seed: false,
      app: false,
      backendPort: await freePort(),
      appPort,
      // A fresh database per run: requests of an earlier run would overlap this run's hosts.
      dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'egress-ecosystem-data-')),
      // Quiet: a failed start throws with the servers' last lines.
      log: () => undefined,
    });
    alice = { Authorization: `Bearer ${await signInDemoUser(stack.backendUrl, 'alice')}` };
    const clusters = await (await fetch(`${stack.backendUrl}/api/egress/clusters`, { headers: alice })).json();
    cluster = clusters.items[0].name;
  });

  afterAll(async () => {
    await stack?.stop();
  });

  const api = async (urlPath: string, init: RequestInit = {}) => {
    const res = await fetch(`${stack.backendUrl}${urlPath}`, {
      ...init,
      headers: { ...alice, 'Content-Type': 'application/json', ...(init.headers as object) },
    });
    const body = await res.json();
    if (!res.ok) throw new Error(`${urlPath}: ${res.status} ${JSON.stringify(body)}`);
    return body;
  };

  const entityRequests = async (entityRef: string) =>
    (await api(`/api/egress/entity?entityRef=${encodeURIComponent(entityRef)}`)).requests as Array<{
      id: string;
      status: string;
      hosts: string[];
      requestedBy: string;
    }>;

  const templateValues = (host: string) => ({
    entityRef: PAYMENTS,
    host,
    port: 443,
    protocol: 'TLS',
    viaEgressGateway: true,
    cluster,
    justification: 'Card payments go through the provider',
  });

  async function waitForTask(taskId: string) {
    for (let i = 0; i < 240; i++) {
      const task = await api(`/api/scaffolder/v2/tasks/${taskId}`);
      if (['completed', 'failed', 'cancelled'].includes(task.status)) return task;
      await new Promise(r => setTimeout(r, 500));
    }
    throw new Error(`task ${taskId} did not finish`);
  }

  it('a template run creates a pending request shown on the entity', async () => {
    // The catalog ingests the template with the rest of catalog-info.yaml.
    let template;
    for (let i = 0; i < 120 && !template; i++) {
      const res = await fetch(`${stack.backendUrl}/api/catalog/entities/by-name/template/default/request-egress`, { headers: alice });
      if (res.ok) template = await res.json();
      else await new Promise(r => setTimeout(r, 500));
    }
    expect(template?.spec.steps[0].action).toBe('egress:request');

    const { id: taskId } = await api('/api/scaffolder/v2/tasks', {
      method: 'POST',
      body: JSON.stringify({ templateRef: 'template:default/request-egress', values: templateValues('api.scaffolded.example.com') }),
    });
    const task = await waitForTask(taskId);
    const events = await api(`/api/scaffolder/v2/tasks/${taskId}/events`);
    expect({ status: task.status, log: events.map((e: any) => e.body?.message).filter(Boolean) }).toMatchObject({ status: 'completed' });

    const output = events.find((e: any) => e.type === 'completion')?.body.output;
    const requestId = output.text[0].content.match(/Request (\S+) is pending/)[1];
    expect(output.links[0].url).toBe(`${appUrl}/catalog/default/component/payments-api/egress`);
    expect(await entityRequests(PAYMENTS)).toContainEqual(
      expect.objectContaining({ id: requestId, status: 'pending', hosts: ['api.scaffolded.example.com'], requestedBy: 'user:default/alice' }),
    );
  });

  it('a template dry run previews the verdict and stores nothing', async () => {
    const template = await api('/api/catalog/entities/by-name/template/default/request-egress');
    const result = await api('/api/scaffolder/v2/dry-run', {
      method: 'POST',
      body: JSON.stringify({ template, values: templateValues('api.dryrun.example.com'), secrets: {}, directoryContents: [] }),
    });
    const log = result.log.map((l: any) => l.body.message).join('\n');
    expect(log).toContain('policy verdict needs-approval');
    expect((await entityRequests(PAYMENTS)).map(r => r.hosts)).not.toContainEqual(['api.dryrun.example.com']);
  });

  describe('an MCP client of the MCP actions backend', () => {
    let client: Client;

    beforeAll(async () => {
      client = new Client({ name: 'egress-test', version: '1.0.0' });
      await client.connect(
        new StreamableHTTPClientTransport(new URL(`${stack.backendUrl}/api/mcp-actions/v1`), {
          requestInit: { headers: alice },
        }),
      );
    });

    afterAll(async () => {
      await client?.close();
    });

    const draft = (entityRef: string, host: string) => ({
      entityRef,
      clusters: [cluster],
      hosts: [host],
      ports: [{ number: 443, protocol: 'TLS' }],
      viaEgressGateway: true,
      justification: 'Requested through an MCP client',
    });

    it('lists the egress tools', async () => {
      const { tools } = await client.listTools();
      expect(tools.map(t => t.name)).toEqual(
        expect.arrayContaining(['egress.list-egress', 'egress.preview-request', 'egress.request-access']),
      );
    });

    it("requests access for an entity its user owns, and lists it", async () => {
      const result: any = await client.callTool({ name: 'egress.request-access', arguments: draft(PAYMENTS, 'api.mcp.example.com') });
      expect(result.isError).toBeFalsy();
      expect(result.structuredContent).toMatchObject({ status: 'pending' });
      const { requestId } = result.structuredContent;

      const listed: any = await client.callTool({ name: 'egress.list-egress', arguments: { entityRef: PAYMENTS } });
      expect(listed.structuredContent.requests).toContainEqual(
        expect.objectContaining({ id: requestId, status: 'pending', hosts: ['api.mcp.example.com'], requestedBy: 'user:default/alice' }),
      );
      expect((await entityRequests(PAYMENTS)).map(r => r.id)).toContain(requestId);
    });

    it('is refused for an entity its user does not own, and nothing is stored', async () => {
      const result: any = await client.callTool({ name: 'egress.request-access', arguments: draft(SEARCH, 'api.notmine.example.com') });
      expect(result.isError).toBe(true);
      expect(result.content[0].text).toContain(`NotAllowedError: You are not allowed to request egress for ${SEARCH}`);
      expect((await entityRequests(SEARCH)).map(r => r.hosts)).not.toContainEqual(['api.notmine.example.com']);
    });
  });

  it("the entity view decides each caller's actions with the demo policy, through the real permission backend and catalog", async () => {
    // Revoke is conditional on owning the entity (the catalog's IS_ENTITY_OWNER), except for the
    // platform team: the view decides it on the entity it holds, and must agree with the catalog.
    const created = await api('/api/egress/requests', {
      method: 'POST',
      body: JSON.stringify({
        entityRef: PAYMENTS,
        clusters: [cluster],
        hosts: ['api.view-actions.example.com'],
        ports: [{ number: 443, protocol: 'TLS' }],
        viaEgressGateway: false,
        justification: 'Actions shown in the entity view',
      }),
    });
    const signIn = async (user: string) => ({ Authorization: `Bearer ${await signInDemoUser(stack.backendUrl, user)}` });
    const [bob, carol] = [await signIn('bob'), await signIn('carol')];
    await api(`/api/egress/requests/${created.id}/approve`, { method: 'POST', headers: carol, body: JSON.stringify({ comment: 'ok' }) });

    const actionsOf = async (headers: Record<string, string>) => {
      const view = await api(`/api/egress/entity?entityRef=${encodeURIComponent(PAYMENTS)}`, { headers });
      const request = view.requests.find((r: { id: string }) => r.id === created.id);
      return Object.fromEntries(request.actions.map((a: { name: string; allowed: boolean; reason?: string }) => [a.name, a.reason ?? 'allowed']));
    };
    // alice owns payments-api through payments-team; bob is in search-team; carol in platform-team.
    expect(await actionsOf(alice)).toMatchObject({ revoke: 'allowed', approve: 'You cannot approve or reject your own request' });
    expect(await actionsOf(bob)).toMatchObject({
      revoke: 'You are not allowed to revoke egress of this entity',
      approve: 'You are not allowed to approve or reject egress requests',
    });
    expect(await actionsOf(carol)).toMatchObject({ revoke: 'allowed' });
    // What the view shows is what the action does: bob's revoke is refused by the route too.
    const refused = await fetch(`${stack.backendUrl}/api/egress/requests/${created.id}/revoke`, {
      method: 'POST',
      headers: { ...bob, 'Content-Type': 'application/json' },
      body: JSON.stringify({ comment: 'not mine' }),
    });
    expect(refused.status).toBe(403);
  });
});
