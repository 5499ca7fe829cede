/**
 * End to end: the real portal (backend + app dev server) against a real test
 * cluster, driven in Debian's Chromium. A service owner requests api.stripe.com
 * through the egress gateway, a platform engineer approves it, the Istio
 * resources appear in the cluster, the owner revokes and they are gone.
 */
import { KubeConfig, CustomObjectsApi } from '@kubernetes/client-node';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '@backstage-egress/testenv';
import { Browser, BrowserContext, chromium, Page } from 'playwright-core';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startStack } = require('../../../scripts/stack');

jest.setTimeout(20 * 60_000);

const repoRoot = path.resolve(__dirname, '../../..');
// The documentation's screenshots are refreshed only on request
// (`npm run screenshots`, or EGRESS_SCREENSHOTS=1); otherwise they go to a
// temporary folder, so tests never rewrite tracked files.
const screenshots =
  process.env.EGRESS_SCREENSHOTS === '1'
    ? path.join(repoRoot, 'docs/screenshots')
    : fs.mkdtempSync(path.join(os.tmpdir(), 'egress-screenshots-'));
const CLUSTER = 't-e2e';
const HOST = 'api.stripe.com';
const MANAGED = 'app.kubernetes.io/managed-by=backstage-egress';
const KINDS = ['serviceentries', 'gateways', 'destinationrules', 'virtualservices'];


describe('egress portal end to end', () => {
  let stack: any;
  let browser: Browser;
  let custom: CustomObjectsApi;
  const logs: string[] = [];

  beforeAll(async () => {
    stack = await startStack({
      cluster: CLUSTER,
      backendPort: await freePort(),
      appPort: await freePort(),
      dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'egress-e2e-data-')),
      log: (line: string) => logs.push(line),
    });
    const kc = new KubeConfig();
    kc.loadFromFile(stack.cluster.kubeconfigPath);
    kc.setCurrentContext(stack.cluster.contexts.admin);
    custom = kc.makeApiClient(CustomObjectsApi);
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--headless',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    fs.mkdirSync(screenshots, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  // On a failure, the last server output and a screenshot of every open page
  // (in the OS temp folder) say what the browser saw.
  afterEach(async () => {
    // A passing test closes its browser contexts; open ones mean it stopped early.
    const failed = browser.contexts().length > 0;
    if (failed || process.env.E2E_VERBOSE) {
      // eslint-disable-next-line no-console
      console.log(logs.slice(-80).join('\n'));
    }
    for (const [i, page] of browser.contexts().flatMap(c => c.pages()).entries()) {
      const file = path.join(os.tmpdir(), `egress-e2e-page-${i}.png`);
      await page.screenshot({ path: file, fullPage: true }).catch(() => undefined);
      // eslint-disable-next-line no-console
      console.log(`e2e: page ${page.url()} -> ${file}`);
    }
    await Promise.all(browser.contexts().map(c => c.close()));
  });

  async function signIn(user: string): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
    // Generous: the first page load compiles nothing, but a loaded CI machine is slow.
    context.setDefaultTimeout(90_000);
    const page = await context.newPage();
    await page.goto(stack.appUrl);
    await page.getByLabel(`Sign in as ${user}`).click();
    await page.getByText('Catalog', { exact: true }).first().waitFor();
    return { context, page };
  }

  async function managedResources(namespace: string) {
    const counts: Record<string, number> = {};
    for (const plural of KINDS) {
      const list: any = await custom.listNamespacedCustomObject({
        group: 'networking.istio.io',
        version: 'v1',
        namespace,
        plural,
        labelSelector: MANAGED,
      });
      counts[plural] = list.items.length;
    }
    return counts;
  }

  async function openEntityTab(page: Page, entity: string) {
    await page.goto(`${stack.appUrl}/catalog/default/component/${entity}/egress`);
    await page.getByText(/Outbound access|mesh/i).first().waitFor();
  }

  /** Opens the request form and fills it in; returns the dialog. */
  async function requestAccess(page: Page, justification: string) {
    await page.getByRole('button', { name: 'Request outbound access' }).click();
    const form = page.getByRole('dialog');
    await form.getByLabel('Hosts', { exact: true }).fill(HOST);
    await form.getByLabel('Port', { exact: true }).fill('443');
    await form.getByLabel('Protocol', { exact: true }).selectOption('TLS');
    const cluster = form.getByLabel(CLUSTER, { exact: true });
    if (!(await cluster.isChecked())) await cluster.check();
    const gateway = form.getByLabel('Route through the egress gateway');
    if (!(await gateway.isChecked())) await gateway.check();
    await form.getByLabel('Justification', { exact: true }).fill(justification);
    await form
      .getByLabel(`YAML for cluster ${CLUSTER}`)
      .getByText('kind: VirtualService', { exact: false })
      .waitFor();
    return form;
  }

  it('owner requests, platform approves, resources appear, owner revokes, resources go', async () => {
    expect(await managedResources('payments')).toEqual({
      serviceentries: 0,
      gateways: 0,
      destinationrules: 0,
      virtualservices: 0,
    });

    // The service owner asks for api.stripe.com over TLS through the egress gateway.
    const owner = await signIn('alice');
    await openEntityTab(owner.page, 'payments-api');
    const form = await requestAccess(owner.page, 'Card payments go to Stripe');
    await form.getByText('Needs platform approval').waitFor();
    const preview = await form.getByLabel(`YAML for cluster ${CLUSTER}`).innerText();
    for (const kind of ['ServiceEntry', 'Gateway', 'DestinationRule', 'VirtualService']) {
      expect(preview).toContain(`kind: ${kind}`);
    }
    expect(preview).toContain(HOST);
    await owner.page.setViewportSize({ width: 1360, height: 1300 });
    await form.getByLabel(`YAML for cluster ${CLUSTER}`).scrollIntoViewIfNeeded();
    await owner.page.screenshot({ path: path.join(screenshots, 'request-form.png') });
    await owner.page.setViewportSize({ width: 1360, height: 900 });
    await form.getByRole('button', { name: 'Submit request' }).click();
    await owner.page.getByRole('button', { name: HOST }).first().waitFor();
    await owner.page.getByText('Pending', { exact: true }).first().waitFor();
    expect(await managedResources('payments')).toMatchObject({ serviceentries: 0 });

    // A platform engineer approves it with a comment.
    const platform = await signIn('carol');
    await platform.page.goto(`${stack.appUrl}/egress-approvals`);
    await platform.page.getByText(HOST).first().waitFor();
    await platform.page.screenshot({ path: path.join(screenshots, 'approvals-page.png') });
    await platform.page.getByText(HOST).first().click();
    await platform.page.getByLabel('Comment').fill('Approved: PCI-scoped, gateway only');
    await platform.page.getByRole('button', { name: 'Approve' }).click();

    // The owner sees it active and the four resources exist in the namespace.
    const deadline = Date.now() + 90_000;
    let active = false;
    while (!active && Date.now() < deadline) {
      await openEntityTab(owner.page, 'payments-api');
      active = await owner.page
        .getByText('Active', { exact: true })
        .first()
        .isVisible()
        .catch(() => false);
      if (!active) await owner.page.waitForTimeout(2000);
    }
    expect(active).toBe(true);
    await owner.page.screenshot({ path: path.join(screenshots, 'entity-tab.png'), fullPage: true });
    expect(await managedResources('payments')).toEqual({
      serviceentries: 1,
      gateways: 1,
      destinationrules: 1,
      virtualservices: 1,
    });

    // The owner revokes; the resources are removed.
    await owner.page.getByRole('button', { name: HOST }).first().click();
    await owner.page.getByRole('button', { name: 'Revoke access' }).click();
    await owner.page.getByRole('button', { name: 'Yes, revoke access' }).click();
    const gone = Date.now() + 60_000;
    let counts = await managedResources('payments');
    while (Object.values(counts).some(n => n > 0) && Date.now() < gone) {
      await new Promise(r => setTimeout(r, 1000));
      counts = await managedResources('payments');
    }
    expect(counts).toEqual({
      serviceentries: 0,
      gateways: 0,
      destinationrules: 0,
      virtualservices: 0,
    });
    await openEntityTab(owner.page, 'payments-api');
    await owner.page.getByText('Revoked', { exact: true }).first().waitFor();
    // The audit trail keeps the whole story.
    await owner.page.getByRole('button', { name: HOST }).first().click();
    const trail = owner.page.getByRole('dialog');
    for (const step of ['pending', 'approved', 'active', 'revoking', 'revoked']) {
      await trail.getByText(step, { exact: false }).first().waitFor();
    }
    await trail.getByText('Approved: PCI-scoped, gateway only').first().waitFor();

    await owner.context.close();
    await platform.context.close();
  });

  it('a platform engineer cannot approve their own request', async () => {
    // dave is in platform-team and search-team, so he may request for search-indexer.
    const dave = await signIn('dave');
    await openEntityTab(dave.page, 'search-indexer');
    const form = await requestAccess(dave.page, 'Partner feed crawler');
    await form.getByRole('button', { name: 'Submit request' }).click();
    await dave.page.getByRole('button', { name: HOST }).first().waitFor();

    await dave.page.goto(`${stack.appUrl}/egress-approvals`);
    await dave.page.getByText(HOST).first().click();
    await dave.page
      .getByText('You cannot approve or reject your own request')
      .first()
      .waitFor();
    expect(await dave.page.getByRole('button', { name: 'Approve' }).isDisabled()).toBe(true);
    expect(await managedResources('search')).toMatchObject({ serviceentries: 0 });
    await dave.context.close();
  });
});
