/**
 * End to end: the real portal (backend + app dev server) against the demo's two
 * real test clusters (dev-eu in REGISTRY_ONLY, dev-us in ALLOW_ANY), driven in
 * Debian's Chromium. A service owner requests api.stripe.com through the egress
 * gateway for both clusters, a platform engineer approves it, the Istio
 * resources appear in both clusters, the owner revokes and they are gone.
 */
import { KubeConfig, CustomObjectsApi } from '@kubernetes/client-node';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '@backstage-egress/testenv';
import { Browser, BrowserContext, chromium, Page } from 'playwright-core';
import { seriousViolations } from './axe';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startStack } = require('../../../scripts/stack');

jest.setTimeout(20 * 60_000);

const repoRoot = path.resolve(__dirname, '../../..');
const screenshots = path.join(repoRoot, 'docs/screenshots');
// The README's screenshots are rewritten only on request.
const SCREENSHOTS = process.env.EGRESS_SCREENSHOTS === '1';
/** Sidebar labels and table headers cut short or past the window's right edge. */
function clipped(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll('[class*="BackstageSidebarItem-label"], main th')]
      .filter(el => el.scrollWidth > el.clientWidth + 1 || el.getBoundingClientRect().right > window.innerWidth)
      .map(el => el.textContent ?? ''),
  );
}
/** The ancestors of an element that hide part of its text (overflow other than visible), as tag.class. */
function clippingAncestors(el: Element): string[] {
  const range = document.createRange();
  range.selectNodeContents(el);
  const text = range.getBoundingClientRect();
  const clipped: string[] = [];
  for (let node = el.parentElement; node; node = node.parentElement) {
    if (getComputedStyle(node).overflowX === 'visible') continue;
    const box = node.getBoundingClientRect();
    if (text.left < box.left - 0.5 || text.right > box.right + 0.5) clipped.push(`${node.tagName}.${node.className}`);
  }
  return clipped;
}

async function screenshot(page: Page, name: string, fullPage = false) {
  if (SCREENSHOTS) await page.screenshot({ path: path.join(screenshots, name), fullPage });
}
// The local test clusters are t-e2e-eu and t-e2e-us; the portal calls them dev-eu and dev-us.
const PREFIX = 't-e2e';
const CLUSTERS = ['dev-eu', 'dev-us'];
const HOST = 'api.stripe.com';
const MANAGED = 'app.kubernetes.io/managed-by=backstage-egress';
const KINDS = ['serviceentries', 'gateways', 'destinationrules', 'virtualservices'];


describe('egress portal end to end', () => {
  let stack: any;
  let browser: Browser;
  /** An admin client per cluster name, to look at what the plugin applied. */
  const custom: Record<string, CustomObjectsApi> = {};
  const logs: string[] = [];

  beforeAll(async () => {
    stack = await startStack({
      cluster: PREFIX,
      backendPort: await freePort(),
      appPort: await freePort(),
      dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'egress-e2e-data-')),
      log: (line: string) => logs.push(line),
    });
    for (const { name, info } of stack.clusters) {
      const kc = new KubeConfig();
      kc.loadFromFile(info.kubeconfigPath);
      kc.setCurrentContext(info.contexts.admin);
      custom[name] = kc.makeApiClient(CustomObjectsApi);
    }
    expect(Object.keys(custom).sort()).toEqual(CLUSTERS);
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
    if (SCREENSHOTS) fs.mkdirSync(screenshots, { recursive: true });
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
    // 1280 px: the width nothing may be cut at.
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    // Generous: the first page load compiles nothing, but a loaded CI machine is slow.
    context.setDefaultTimeout(90_000);
    const page = await context.newPage();
    await page.goto(stack.appUrl);
    await page.getByLabel(`Sign in as ${user}`).click();
    await page.getByText('Catalog', { exact: true }).first().waitFor();
    // Signing in lands on a real page (the catalog), not a 404.
    expect(await page.getByText(/not found|404/i).count()).toBe(0);
    return { context, page };
  }

  async function managedResources(namespace: string, cluster: string) {
    const counts: Record<string, number> = {};
    for (const plural of KINDS) {
      const list: any = await custom[cluster].listNamespacedCustomObject({
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

  /** In every cluster: the plugin's resources in the namespace, per kind. */
  async function managedEverywhere(namespace: string) {
    return Object.fromEntries(await Promise.all(CLUSTERS.map(async c => [c, await managedResources(namespace, c)])));
  }
  const NONE = { serviceentries: 0, gateways: 0, destinationrules: 0, virtualservices: 0 };
  /** A request's own resources through the gateway, in its namespace. */
  const OWN = { serviceentries: 1, gateways: 0, destinationrules: 1, virtualservices: 1 };
  /** What the requests using a host through the gateway share, in the gateway's namespace. */
  const SHARED = { serviceentries: 1, gateways: 1, destinationrules: 0, virtualservices: 1 };

  /** The cluster's card on the Egress tab. */
  function clusterCard(page: Page, cluster: string) {
    return page.locator('.MuiCard-root').filter({ has: page.locator('.MuiCardHeader-root', { hasText: new RegExp(`^${cluster}`) }) });
  }

  /** Opens the request form and fills it in for these clusters; returns the dialog. */
  async function requestAccess(page: Page, justification: string, clusters = CLUSTERS) {
    await page.getByRole('button', { name: 'Request outbound access' }).click();
    const form = page.getByRole('dialog');
    await form.getByLabel('Hosts', { exact: true }).fill(HOST);
    await form.getByLabel('Port', { exact: true }).fill('443');
    await form.getByLabel('Protocol', { exact: true }).selectOption('TLS');
    for (const name of clusters) {
      const cluster = form.getByLabel(name, { exact: true });
      if (!(await cluster.isChecked())) await cluster.check();
    }
    const gateway = form.getByLabel('Route through the egress gateway');
    if (!(await gateway.isChecked())) await gateway.check();
    await form.getByLabel('Justification', { exact: true }).fill(justification);
    for (const name of clusters) {
      await form.getByLabel(`YAML for cluster ${name}`).getByText('kind: VirtualService', { exact: false }).waitFor();
    }
    return form;
  }

  it('the Egress tab states each cluster\'s mode, and each cluster shows its own seeds', async () => {
    const owner = await signIn('alice');
    const { page } = owner;
    await openEntityTab(page, 'payments-api');
    const eu = clusterCard(page, 'dev-eu');
    const us = clusterCard(page, 'dev-us');
    await eu.getByRole('note', { name: 'Mesh mode' }).getByText('REGISTRY_ONLY').waitFor();
    expect(await eu.getByRole('note', { name: 'Mesh mode' }).innerText()).toContain('Only registered hosts are reachable; unregistered hosts are blocked.');
    expect(await us.getByRole('note', { name: 'Mesh mode' }).innerText()).toContain('ALLOW_ANY: All outbound traffic passes');
    // The unmanaged ServiceEntries were made by hand in dev-eu only.
    await eu.getByRole('table', { name: 'Allowed hosts in dev-eu' }).getByText('api.github.com').first().waitFor();
    await us.getByText('No external hosts are registered for this namespace in dev-us.').waitFor();
    await screenshot(page, 'entity-tab-clusters.png', true);

    // checkout: dev-us's mesh allows any host, but a hand-made Sidecar locks the namespace down.
    await openEntityTab(page, 'checkout');
    const locked = clusterCard(page, 'dev-us').getByRole('note', { name: 'Mesh mode' });
    await locked.getByText('restrict-outbound').waitFor();
    expect(await locked.innerText()).toMatch(/^REGISTRY_ONLY: .*\n.*Sidecar restrict-outbound overrides the mesh-wide mode \(ALLOW_ANY\)/s);
    expect(await clusterCard(page, 'dev-eu').getByRole('note', { name: 'Mesh mode' }).innerText()).not.toContain('Sidecar');

    // search-indexer is limited to dev-us by its egress.backstage.io/clusters annotation.
    await openEntityTab(page, 'search-indexer');
    await clusterCard(page, 'dev-us').getByRole('note', { name: 'Mesh mode' }).waitFor();
    expect(await clusterCard(page, 'dev-eu').count()).toBe(0);
    await owner.context.close();
  });

  it('owner requests for both clusters, platform approves, resources appear in both, owner revokes, resources go', async () => {
    expect(await managedEverywhere('payments')).toEqual({ 'dev-eu': NONE, 'dev-us': NONE });

    // A platform engineer keeps the approval queue open from the start.
    const platform = await signIn('carol');
    await platform.page.goto(`${stack.appUrl}/egress-approvals`);
    await platform.page.getByRole('main').getByText('Pending requests').first().waitFor();
    await platform.page.getByRole('main').getByText(/^Updated /).first().waitFor();
    // Every request list the page receives, to compare its risk flags with the chips.
    const lists: any[] = [];
    platform.page.on('response', async r => {
      if (r.url().includes('/api/egress/requests?') && r.ok()) lists.push(await r.json().catch(() => undefined));
    });
    expect(await seriousViolations(platform.page, 'main')).toEqual([]);
    // Nothing cut at 1280 px: no sidebar label or table header is clipped.
    await platform.page.getByText('Sign out').first().waitFor();
    expect(await clipped(platform.page)).toEqual([]);

    // The service owner asks for api.stripe.com over TLS through the egress gateway.
    const owner = await signIn('alice');
    await openEntityTab(owner.page, 'payments-api');
    expect(await seriousViolations(owner.page, '#egress-tab')).toEqual([]);
    await owner.page.getByRole('button', { name: 'Request outbound access' }).click();
    const draft = owner.page.getByRole('dialog');
    // A wildcard through the gateway (the default) is refused before any submit, next to the gateway.
    await draft.getByLabel('Hosts', { exact: true }).fill('*.stripe.com');
    await draft.getByText(/is a wildcard; the gateway would need resolution NONE/).first().waitFor();
    expect(await draft.getByRole('button', { name: 'Submit request' }).isDisabled()).toBe(true);
    await draft.getByRole('button', { name: 'Close' }).click();

    const form = await requestAccess(owner.page, 'Card payments go to Stripe');
    await form.getByText('Needs platform approval').waitFor();
    expect(await seriousViolations(owner.page, '[role="dialog"]')).toEqual([]);
    for (const cluster of CLUSTERS) {
      const preview = await form.getByLabel(`YAML for cluster ${cluster}`).innerText();
      for (const kind of ['ServiceEntry', 'Gateway', 'DestinationRule', 'VirtualService']) {
        expect(preview).toContain(`kind: ${kind}`);
      }
      expect(preview).toContain(HOST);
      expect(preview).toContain('egress.backstage.io/requested-by: user:default/alice');
    }
    await owner.page.setViewportSize({ width: 1280, height: 1300 });
    await form.getByLabel(`YAML for cluster ${CLUSTERS[0]}`).scrollIntoViewIfNeeded();
    await screenshot(owner.page, 'request-form.png');
    await owner.page.setViewportSize({ width: 1280, height: 900 });
    await form.getByRole('button', { name: 'Submit request' }).click();
    await owner.page.getByRole('status').getByText(/sent: it waits for a platform-team decision/).waitFor();
    await owner.page.getByRole('button', { name: HOST }).first().waitFor();
    await owner.page.getByText('Pending', { exact: true }).first().waitFor();
    expect(await managedEverywhere('payments')).toEqual({ 'dev-eu': NONE, 'dev-us': NONE });

    // The new request reaches carol's open queue without a reload, with the
    // backend's risk flags (read from the answer the page itself received).
    const row = platform.page.getByRole('row').filter({ hasText: HOST });
    await row.first().waitFor({ timeout: 15_000 });
    const received = lists.filter(Boolean).reverse().flatMap(l => l.items).find((r: any) => (r.hosts ?? []).includes(HOST));
    const fromBackend = received.riskFlags.map((f: any) => f.code);
    expect(fromBackend.length).toBeGreaterThan(0);
    expect(await clipped(platform.page)).toEqual([]);
    const shown = await row.first().locator('[aria-label="Risk flags"] .MuiChip-label').allInnerTexts();
    const labels: Record<string, string> = {
      wildcard: 'Wildcard host', 'plain-http': 'Plain HTTP', 'plain-tcp': 'Plain TCP', cidr: 'IP range',
      'no-gateway': 'No gateway', 'long-expiry': 'Long expiry', 'no-expiry': 'No expiry', 'not-allow-listed': 'Not on allow-list',
    };
    expect(shown).toEqual(fromBackend.map((c: string) => labels[c]));
    await screenshot(platform.page, 'approvals-page.png');

    // Carol approves with a comment; alice's open tab turns Active without a reload.
    await platform.page.getByRole('button', { name: HOST }).first().click();
    // Once loaded (and faded in: axe measures contrast as rendered).
    for (const cluster of CLUSTERS) await platform.page.getByRole('dialog').getByLabel(`YAML for cluster ${cluster}`).waitFor();
    await platform.page.waitForTimeout(500);
    expect(await seriousViolations(platform.page, '[role="dialog"]')).toEqual([]);
    await platform.page.getByLabel('Comment').fill('Approved: PCI-scoped, gateway only');
    const approved = platform.page.waitForResponse(r => r.url().endsWith('/approve'));
    await platform.page.getByRole('button', { name: 'Approve' }).click();
    // Approval answers with the decision, before any cluster call: approved, its clusters pending.
    const answer = await (await approved).json();
    expect(answer).toMatchObject({ status: 'approved', displayState: { status: 'progressing' } });
    const answeredAt = Date.now();
    // The reconciler, woken by the decision, applies it; the signal turns the owner's tab Active.
    await owner.page.getByRole('region', { name: 'Request history' }).getByText('Active', { exact: true }).first().waitFor({ timeout: 10_000 });
    // eslint-disable-next-line no-console
    console.log(`e2e: the owner's tab showed Active ${Date.now() - answeredAt} ms after the approval answered`);

    await screenshot(owner.page, 'entity-tab.png', true);

    // Istio's own verdict on the applied resources, from the istiod the stack runs (analysis on,
    // every 10 s). Status written by istiod is not a request change, so the tab shows it on load.
    const verdictDeadline = Date.now() + 90_000;
    let accepted = false;
    while (!accepted && Date.now() < verdictDeadline) {
      await openEntityTab(owner.page, 'payments-api');
      accepted = await owner.page
        .getByText('Istio: accepted')
        .first()
        .waitFor({ timeout: 5_000 })
        .then(() => true)
        .catch(() => false);
    }
    expect(accepted).toBe(true);
    // The request table's heading is shown whole, not cut off by the filter and search toolbar.
    const heading = owner.page.getByRole('region', { name: 'Request history' }).getByRole('heading', { name: 'Requests' });
    expect(await heading.evaluate(clippingAncestors)).toEqual([]);
    if (SCREENSHOTS) {
      await owner.page.getByRole('region', { name: 'Request history' }).scrollIntoViewIfNeeded();
      await screenshot(owner.page, 'entity-tab-istio.png');
    }
    // The request's own resources exist in its namespace, and the host's shared gateway objects in
    // the gateway's namespace, in both clusters.
    expect(await managedEverywhere('payments')).toEqual({ 'dev-eu': OWN, 'dev-us': OWN });
    expect(await managedEverywhere('istio-system')).toEqual({ 'dev-eu': SHARED, 'dev-us': SHARED });

    // The owner revokes; the resources are removed. The request's detail shows Istio's verdict per cluster.
    await owner.page.getByRole('button', { name: HOST }).first().click();
    await owner.page.getByRole('dialog').getByText('Istio: accepted').first().waitFor();
    if (SCREENSHOTS) {
      await owner.page.getByRole('dialog').getByRole('table', { name: 'Per-cluster state' }).scrollIntoViewIfNeeded();
      await screenshot(owner.page, 'request-detail-istio.png');
    }
    await owner.page.getByRole('button', { name: 'Revoke access' }).click();
    await owner.page.getByRole('button', { name: 'Yes, revoke access' }).click();
    const gone = Date.now() + 60_000;
    const left = (c: Record<string, Record<string, number>>) => Object.values(c).some(perKind => Object.values(perKind).some(n => n > 0));
    // Its last user gone, the host's shared gateway objects go too.
    const everywhere = async () => ({ payments: await managedEverywhere('payments'), gateway: await managedEverywhere('istio-system') });
    let counts = await everywhere();
    while ((left(counts.payments) || left(counts.gateway)) && Date.now() < gone) {
      await new Promise(r => setTimeout(r, 1000));
      counts = await everywhere();
    }
    expect(counts.payments).toEqual({ 'dev-eu': NONE, 'dev-us': NONE });
    expect(counts.gateway).toEqual({ 'dev-eu': NONE, 'dev-us': NONE });
    await openEntityTab(owner.page, 'payments-api');
    await owner.page.getByText('Revoked', { exact: true }).first().waitFor();
    // The audit trail keeps the whole story.
    await owner.page.getByRole('button', { name: HOST }).first().click();
    const trail = owner.page.getByRole('dialog');
    await trail.getByLabel(`YAML for cluster ${CLUSTERS[0]}`).waitFor();
    await owner.page.waitForTimeout(500);
    expect(await seriousViolations(owner.page, '[role="dialog"]')).toEqual([]);
    for (const step of ['pending', 'approved', 'active', 'revoking', 'revoked']) {
      await trail.getByText(step, { exact: false }).first().waitFor();
    }
    await trail.getByText('Approved: PCI-scoped, gateway only').first().waitFor();

    await owner.context.close();
    await platform.context.close();
  });

  it('the Egress tab shows traffic from Prometheus, blocked attempts and Kiali links', async () => {
    const owner = await signIn('alice');
    // Each cluster has its own Prometheus; dev-eu's traffic section.
    const section = owner.page.getByRole('region', { name: 'Traffic in dev-eu' });
    const table = section.getByRole('table', { name: 'Traffic per host' });
    const github = table.getByRole('row').filter({ hasText: 'api.github.com' });
    // The stack's simulator sends load from the start; Prometheus needs a couple of scrapes.
    const deadline = Date.now() + 120_000;
    let seen = false;
    while (!seen && Date.now() < deadline) {
      await openEntityTab(owner.page, 'payments-api');
      await table.waitFor();
      seen = /req\/(s|min|h)/.test((await github.textContent()) ?? '');
      if (!seen) await owner.page.waitForTimeout(3000);
    }
    expect(seen).toBe(true);
    expect(await github.getByRole('link', { name: /^api\.github\.com/ }).getAttribute('href')).toBe(
      'http://localhost:20001/kiali/console/namespaces/payments/services/api.github.com',
    );
    expect(await section.getByRole('link', { name: /^Namespace payments in Kiali/ }).getAttribute('href')).toBe(
      'http://localhost:20001/kiali/console/graph/namespaces/?namespaces=payments',
    );
    await section.getByRole('region', { name: 'Blocked and unregistered attempts' }).waitFor();
    if (SCREENSHOTS) {
      await table.scrollIntoViewIfNeeded();
      await screenshot(owner.page, 'entity-traffic.png', true);
    }
  });

  it('a platform engineer cannot approve their own request', async () => {
    // dave is in platform-team and search-team, so he may request for search-indexer.
    const dave = await signIn('dave');
    await openEntityTab(dave.page, 'search-indexer');
    // search-indexer is limited to dev-us (egress.backstage.io/clusters): the form offers no other cluster.
    const form = await requestAccess(dave.page, 'Partner feed crawler', ['dev-us']);
    expect(await form.getByLabel('dev-eu', { exact: true }).count()).toBe(0);
    await form.getByRole('button', { name: 'Submit request' }).click();
    await dave.page.getByRole('button', { name: HOST }).first().waitFor();

    await dave.page.goto(`${stack.appUrl}/egress-approvals`);
    await dave.page.getByText(HOST).first().click();
    await dave.page
      .getByText('You cannot approve or reject your own request')
      .first()
      .waitFor();
    expect(await dave.page.getByRole('button', { name: 'Approve' }).isDisabled()).toBe(true);
    expect(await managedResources('search', 'dev-us')).toMatchObject({ serviceentries: 0 });
    await dave.context.close();
  });

  it('an owner completes a request with the keyboard only', async () => {
    const owner = await signIn('alice');
    await openEntityTab(owner.page, 'checkout');
    const { page } = owner;

    /** Presses Tab until the focused element has this accessible name (or fails, naming what had focus). */
    async function tabTo(name: string | RegExp) {
      const seen: string[] = [];
      for (let i = 0; i < 80; i++) {
        await page.keyboard.press('Tab');
        const focused = await page.evaluate(() => {
          const el = document.activeElement as HTMLElement | null;
          if (!el) return '';
          const labelled = el.getAttribute('aria-labelledby');
          const byId = labelled ? document.getElementById(labelled)?.textContent : undefined;
          const label = (el as HTMLInputElement).labels?.[0]?.textContent;
          const text = (el.getAttribute('aria-label') ?? byId ?? label ?? el.textContent ?? '').trim();
          const where = el.closest('[role="presentation"]') ? 'modal' : 'page';
          return `${text}\u0000${where} ${el.tagName.toLowerCase()}${document.hasFocus() ? '' : ' (document not focused)'}`;
        });
        const [text, where] = focused.split('\u0000');
        seen.push(`${text.slice(0, 40)} [${where}]`);
        if (typeof name === 'string' ? text.startsWith(name) : name.test(text)) return;
      }
      const open = await page.evaluate(() =>
        [...document.querySelectorAll('[role="dialog"], [role="presentation"], [role="alertdialog"]')]
          .map(el => `${el.getAttribute('role')} ${(el.textContent ?? '').trim().slice(0, 40)}`)
          .join('\n'),
      );
      throw new Error(`Tab never reached ${name}; focus went to:\n${seen.join('\n')}\nopen overlays:\n${open}`);
    }

    await tabTo('Request outbound access');
    await page.keyboard.press('Enter');
    const form = page.getByRole('dialog');
    await form.getByLabel('Hosts', { exact: true }).waitFor();
    // The open dialog's modal holds the keyboard focus (its container or what it holds), as a modal must.
    await page.waitForFunction(
      () => Boolean(document.querySelector('[role="dialog"]')?.closest('[role="presentation"]')?.contains(document.activeElement)),
      undefined,
      { timeout: 10_000 },
    );
    await tabTo('Hosts');
    await page.keyboard.type('api.paypal.com');
    await tabTo(CLUSTERS[0]);
    await page.keyboard.press('Space');
    await tabTo('Justification');
    await page.keyboard.type('Wallet payments go to PayPal');
    await form.getByText('Needs platform approval').waitFor();
    await tabTo('Submit request');
    await page.keyboard.press('Enter');
    await page.getByRole('status').getByText(/Request for api.paypal.com sent/).waitFor();
    await owner.context.close();
  });
});
