import { mockCredentials } from '@backstage/backend-test-utils';
import {
  DEFAULT_EGRESS_POLICY,
  LOCKDOWN_SIDECAR_NAME,
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
  REQUEST_ID_LABEL,
} from '@backstage-egress/plugin-egress-common';
import knexFactory from 'knex';
import { createTestDatabases, POSTGRES_ID } from '../__testUtils__/databases';
import { draft, fakeClusters, USERS } from '../__testUtils__/fakes';
import { createWorkflow } from '../__testUtils__/workflow';
import { Reconciler } from './Reconciler';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const owner = mockCredentials.user(USERS.owner.ref);
const platform = mockCredentials.user(USERS.platform.ref);
const platformOwner = mockCredentials.user(USERS.platformOwner.ref);
const DAY = 24 * 60 * 60 * 1000;

describe.each(databases.eachSupportedId())('request workflow on %p', databaseId => {
  /** The reconciler of the workflow the test set up last. */
  let current: Reconciler;
  async function setup(policy = DEFAULT_EGRESS_POLICY) {
    const knex = await databases.init(databaseId);
    const { clusters, clients } = fakeClusters('dev', 'prod');
    const workflow = await createWorkflow(knex, { clients, policy });
    current = workflow.reconciler;
    return { knex, clusters, clients, ...workflow };
  }
  /** Waits for the reconciliations that decisions woke (approve answers before any cluster call). */
  const settled = () => current.idle();

  it('runs the happy path: create, approve, active, revoke, revoked', async () => {
    const { service, store, clusters, notifications } = await setup();
    const created = await service.create(draft(), owner);
    expect(created).toMatchObject({ status: 'pending', namespace: 'payments', requestedBy: USERS.owner.ref });
    expect(notifications.send).toHaveBeenCalledWith(
      expect.objectContaining({ recipients: { type: 'entity', entityRef: ['group:default/platform-team'] } }),
    );
    expect(clusters.dev.objects.size).toBe(0);

    const approved = await service.approve(created.id, 'ok for payments', platform);
    // The answer is the recorded decision: approved, nothing applied yet.
    expect(approved).toMatchObject({ status: 'approved', decidedBy: USERS.platform.ref, decisionComment: 'ok for payments' });
    expect(approved.displayState).toEqual({ status: 'progressing', message: 'Applying: 0 of 2 clusters applied' });
    await settled();
    expect(await store.getRequest(created.id)).toMatchObject({ status: 'active' });
    for (const cluster of [clusters.dev, clusters.prod]) {
      const objects = cluster.ownedBy({ namespace: 'payments', requestId: created.id });
      // The Gateway is shared per host in the gateway's namespace, without a request id.
      expect(objects.map(o => o.kind).sort()).toEqual(['DestinationRule', 'ServiceEntry', 'VirtualService']);
      for (const o of objects) {
        expect(o.metadata.labels[MANAGED_BY_LABEL]).toBe(MANAGED_BY_VALUE);
        expect(o.metadata.labels[REQUEST_ID_LABEL]).toBe(created.id);
      }
    }
    const detail = await service.get(created.id, owner);
    expect(detail.targets.map(t => [t.cluster, t.status, t.attempts])).toEqual([
      ['dev', 'applied', 1],
      ['prod', 'applied', 1],
    ]);
    expect(detail.manifests.map(m => m.cluster)).toEqual(['dev', 'prod']);
    expect(detail.manifests[0].yaml).toContain('kind: ServiceEntry');

    const revoked = await service.revoke(created.id, 'no longer needed', owner);
    expect(revoked.status).toBe('revoked');
    expect(clusters.dev.objects.size).toBe(0);
    expect(clusters.prod.objects.size).toBe(0);

    const events = await store.listEvents(created.id);
    expect(events.filter(e => e.action === 'transition').map(e => `${e.from}->${e.to} by ${e.actor}`)).toEqual([
      `pending->approved by ${USERS.platform.ref}`,
      'approved->active by reconciler',
      `active->revoking by ${USERS.owner.ref}`,
      'revoking->revoked by reconciler',
    ]);
    expect(events.filter(e => e.action === 'applied').map(e => e.cluster).sort()).toEqual(['dev', 'prod']);
    expect(events.filter(e => e.action === 'removed').map(e => e.cluster)).toEqual(['dev', 'dev', 'prod', 'prod']);
    // The last user of api.stripe.com through the gateway took the host's shared objects with it.
    expect(events.filter(e => e.action === 'removed' && e.comment?.startsWith('shared egress gateway objects deleted with their last user'))).toHaveLength(2);
    expect([...clusters.dev.objects.keys()].filter(k => k.includes('/istio-system/'))).toEqual([]);
  });

  it('expires access: removed from the clusters and expired', async () => {
    const { service, reconciler, clock, clusters, store } = await setup();
    const expiresAt = new Date(clock.now().getTime() + 2 * DAY).toISOString();
    const created = await service.create(draft({ expiresAt }), owner);
    await service.approve(created.id, undefined, platform);
    await settled();
    expect(clusters.dev.objects.size).toBeGreaterThan(0);

    clock.advance(DAY);
    await reconciler.tick();
    expect((await store.getRequest(created.id))!.status).toBe('active');

    clock.advance(2 * DAY);
    await reconciler.tick();
    expect((await store.getRequest(created.id))!.status).toBe('expired');
    expect(clusters.dev.objects.size).toBe(0);
    expect(clusters.prod.objects.size).toBe(0);
    const events = await store.listEvents(created.id);
    expect(events.map(e => e.to).filter(Boolean)).toEqual(['pending', 'approved', 'active', 'revoking', 'expired']);
  });

  it('expires a pending request that was never decided', async () => {
    const { service, reconciler, clock, store } = await setup();
    const expiresAt = new Date(clock.now().getTime() + DAY).toISOString();
    const created = await service.create(draft({ expiresAt }), owner);
    clock.advance(2 * DAY);
    await reconciler.tick();
    expect((await store.getRequest(created.id))!.status).toBe('expired');
  });

  describe('with a client-chosen id', () => {
    const id = '3f9c2a57-8d41-4e0b-a6c2-9b1d7e5f0a13';

    it('previews exactly the resources approval applies', async () => {
      const { service, clusters } = await setup();
      const preview = await service.preview(draft({ id }), owner);
      expect(preview.valid).toBe(true);
      const created = await service.create(draft({ id }), owner);
      expect(created.id).toBe(id);
      await service.approve(id, undefined, platform);
      await settled();
      for (const { cluster, manifests: all } of preview.manifests) {
        const manifests = all.filter(m => m.metadata.namespace === 'payments');
        const applied = clusters[cluster as 'dev' | 'prod'].ownedBy({ namespace: 'payments', requestId: id });
        const key = (m: { kind: string; metadata: { name: string } }) => `${m.kind}/${m.metadata.name}`;
        expect(applied.map(key).sort()).toEqual(manifests.map(key).sort());
        for (const m of manifests) expect(m.metadata.labels[REQUEST_ID_LABEL]).toBe(id);
      }
      // Without an id, the preview cannot know the name the request will get
      // (another host: api.stripe.com is now covered by the stored request).
      const anonymous = await service.preview(draft({ hosts: ['api.paypal.com'] }), owner);
      expect(anonymous.manifests[0].manifests[0].metadata.labels[REQUEST_ID_LABEL]).not.toBe(id);
    });

    it('stores a repeated submit once and answers it with the stored request', async () => {
      const { service, store, clusters, notifications } = await setup({ ...DEFAULT_EGRESS_POLICY, autoApproveHosts: ['*.stripe.com'] });
      const first = await service.submit(draft({ id }), owner);
      expect(first).toMatchObject({ created: true, request: { id, status: 'approved' } });
      await settled();
      const notified = notifications.send.mock.calls.length;
      const again = await service.submit(draft({ id, hosts: ['API.Stripe.com'] }), owner);
      expect(again).toEqual({ created: false, request: await store.getRequest(id) });
      const parallel = await Promise.all([1, 2, 3].map(() => service.submit(draft({ id }), owner)));
      expect(parallel.map(r => r.created)).toEqual([false, false, false]);
      expect((await store.listRequests({ limit: 10 })).items).toHaveLength(1);
      expect((await store.listEvents(id)).filter(e => e.action === 'created')).toHaveLength(1);
      expect(clusters.dev.applyCalls).toBe(1);
      expect(notifications.send).toHaveBeenCalledTimes(notified);
    });

    it('stores parallel first submits once', async () => {
      const { service, store } = await setup();
      const results = await Promise.all([1, 2, 3, 4].map(() => service.submit(draft({ id }), owner)));
      expect(results.filter(r => r.created)).toHaveLength(1);
      expect(new Set(results.map(r => r.request.id))).toEqual(new Set([id]));
      expect((await store.listRequests({ limit: 10 })).items).toHaveLength(1);
    });

    it('refuses the id with 409 for another requester or another draft', async () => {
      const { service, store } = await setup();
      await service.create(draft({ id }), owner);
      await expect(service.create(draft({ id }), platformOwner)).rejects.toMatchObject({ name: 'ConflictError' });
      await expect(service.create(draft({ id, hosts: ['api.paypal.com'] }), owner)).rejects.toMatchObject({ name: 'ConflictError' });
      await expect(service.create(draft({ id, clusters: ['dev'] }), owner)).rejects.toMatchObject({ name: 'ConflictError' });
      const stored = (await store.getRequest(id))!;
      expect(stored).toMatchObject({ requestedBy: USERS.owner.ref, hosts: ['api.stripe.com'], clusters: ['dev', 'prod'] });
    });

    it('rejects an id that is not a lowercase UUID', async () => {
      const { service, store } = await setup();
      await expect(service.create(draft({ id: 'preview' }), owner)).rejects.toMatchObject({ name: 'InputError', message: expect.stringMatching(/^Invalid egress request: id:/) });
      expect((await service.preview(draft({ id: id.toUpperCase() }), owner)).errors.map(e => e.path)).toEqual(['id']);
      expect((await store.listRequests({ limit: 10 })).items).toHaveLength(0);
    });
  });

  it('makes exactly one transition and one apply for 20 parallel approvals', async () => {
    const { service, store, clusters } = await setup();
    clusters.dev.delayMs = 20;
    const created = await service.create(draft(), owner);
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, () => service.approve(created.id, undefined, platform)),
    );
    expect(results.filter(r => r.status === 'fulfilled')).toHaveLength(1);
    await settled();
    const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(failures).toHaveLength(19);
    for (const f of failures) expect(f.reason.name).toBe('ConflictError');
    expect(clusters.dev.applyCalls).toBe(1);
    expect(clusters.prod.applyCalls).toBe(1);
    const events = await store.listEvents(created.id);
    expect(events.filter(e => e.to === 'approved')).toHaveLength(1);
    expect(events.filter(e => e.to === 'active')).toHaveLength(1);
  });

  it('keeps a request approved with the target failed while a cluster is down, and applies it when it returns', async () => {
    const { service, reconciler, store, clusters, clock } = await setup();
    clusters.prod.down = true;
    const created = await service.create(draft(), owner);
    const approved = await service.approve(created.id, undefined, platform);
    expect(approved.status).toBe('approved');
    await settled();
    const targets = await store.getTargets(created.id);
    expect(targets.find(t => t.cluster === 'dev')).toMatchObject({ status: 'applied' });
    const prod = targets.find(t => t.cluster === 'prod')!;
    expect(prod).toMatchObject({ status: 'failed', attempts: 1 });
    expect(prod.lastError).toContain('ECONNREFUSED');
    expect(prod.nextAttemptAt! > clock.now().toISOString()).toBe(true);

    // Still down: the next attempt waits for its backoff, then fails again.
    await reconciler.tick();
    expect(clusters.prod.applyCalls).toBe(1);
    clock.advance(60_000);
    await reconciler.tick();
    expect(clusters.prod.applyCalls).toBe(2);
    expect((await store.getTargets(created.id)).find(t => t.cluster === 'prod')!.attempts).toBe(2);

    clusters.prod.down = false;
    clock.advance(10 * 60_000);
    await reconciler.tick();
    expect((await store.getRequest(created.id))!.status).toBe('active');
    expect(clusters.prod.ownedBy({ namespace: 'payments', requestId: created.id }).length).toBe(3);
    const events = await store.listEvents(created.id);
    expect(events.filter(e => e.action === 'apply-failed' && e.cluster === 'prod')).toHaveLength(2);
    expect(clusters.dev.applyCalls).toBe(1);
  });

  it('re-applies resources that drifted or were deleted in the cluster', async () => {
    const { service, reconciler, store, clusters } = await setup();
    const created = await service.create(draft(), owner);
    await service.approve(created.id, undefined, platform);
    await settled();
    const [se] = clusters.dev.ownedBy({ namespace: 'payments', requestId: created.id }).filter(o => o.kind === 'ServiceEntry');
    (se.spec as any).hosts = ['evil.example.com'];
    const [vs] = clusters.prod.ownedBy({ namespace: 'payments', requestId: created.id }).filter(o => o.kind === 'VirtualService');
    clusters.prod.objects.delete(`VirtualService/payments/${vs.metadata.name}`);

    await reconciler.tick();
    const fixed = clusters.dev.ownedBy({ namespace: 'payments', requestId: created.id }).find(o => o.kind === 'ServiceEntry')!;
    expect((fixed.spec as any).hosts).toEqual(['api.stripe.com']);
    expect(clusters.prod.ownedBy({ namespace: 'payments', requestId: created.id })).toHaveLength(3);
    const drift = (await store.listEvents(created.id)).filter(e => e.action === 'drift');
    expect(drift.map(e => e.cluster).sort()).toEqual(['dev', 'prod']);

    await reconciler.tick();
    expect(clusters.dev.applyCalls).toBe(2);
  });

  it('never lets requesters decide their own request, whatever the policy says', async () => {
    const { service, store } = await setup();
    const created = await service.create(draft(), platformOwner);
    await expect(service.approve(created.id, undefined, platformOwner)).rejects.toThrow(/your own request/);
    await expect(service.reject(created.id, 'no', platformOwner)).rejects.toThrow(/your own request/);
    expect((await store.getRequest(created.id))!.status).toBe('pending');
  });

  it('refuses a policy-denied request naming the rule and stores nothing', async () => {
    const { service, store } = await setup({ ...DEFAULT_EGRESS_POLICY, deniedHosts: ['*.stripe.com'] });
    await expect(service.create(draft(), owner)).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringMatching(/deniedHosts.*api\.stripe\.com/),
    });
    expect((await store.listRequests({ limit: 10 })).items).toHaveLength(0);
  });

  it('auto-approves by policy, audited with actor policy, and applies at once', async () => {
    const { service, store, clusters } = await setup({ ...DEFAULT_EGRESS_POLICY, autoApproveHosts: ['*.stripe.com'] });
    const created = await service.create(draft(), owner);
    expect(created.status).toBe('approved');
    expect(created.decidedBy).toBe('policy');
    await settled();
    expect((await store.getRequest(created.id))!.status).toBe('active');
    expect(clusters.dev.applyCalls).toBe(1);
    const events = await store.listEvents(created.id);
    expect(events.find(e => e.to === 'approved')).toMatchObject({ actor: 'policy', from: 'pending' });
  });

  it('lists newest first with filters and cursor pagination', async () => {
    const { service } = await setup();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push((await service.create(draft({ clusters: i % 2 ? ['dev'] : ['prod'], hosts: [`api${i}.stripe.com`] }), owner)).id);
    }
    await service.cancel(ids[0], owner);
    const page1 = await service.list({ limit: 2 }, owner);
    expect(page1.items.map(r => r.id)).toEqual([ids[4], ids[3]]);
    const page2 = await service.list({ limit: 2, cursor: page1.nextCursor }, owner);
    expect(page2.items.map(r => r.id)).toEqual([ids[2], ids[1]]);
    const page3 = await service.list({ limit: 2, cursor: page2.nextCursor }, owner);
    expect(page3.items.map(r => r.id)).toEqual([ids[0]]);
    expect(page3.nextCursor).toBeUndefined();
    expect((await service.list({ cluster: 'dev' }, owner)).items.map(r => r.id)).toEqual([ids[3], ids[1]]);
    expect((await service.list({ status: ['cancelled'] }, owner)).items.map(r => r.id)).toEqual([ids[0]]);
    expect((await service.list({ requestedBy: USERS.platform.ref }, owner)).items).toEqual([]);
    expect((await service.entityRequests('component:default/payments', owner)).requests.length).toBe(5);
  });

  describe('duplicate routes', () => {
    it('refuses a second request for a host another live request of the namespace covers on a shared cluster', async () => {
      const { service, store } = await setup();
      const first = await service.create(draft(), owner);
      const expected = `api.stripe.com in namespace payments on cluster dev is already covered by request ${first.id} (pending)`;
      await expect(service.create(draft({ clusters: ['prod', 'dev'], justification: 'Stripe again, for refunds' }), owner)).rejects.toMatchObject({
        name: 'ConflictError',
        message: `api.stripe.com in namespace payments on cluster prod is already covered by request ${first.id} (pending)`,
      });
      await expect(service.create(draft({ clusters: ['dev'] }), platformOwner)).rejects.toMatchObject({ name: 'ConflictError', message: expected });
      const preview = await service.preview(draft({ hosts: ['files.stripe.com', 'API.stripe.com'] }), owner);
      expect(preview).toMatchObject({ valid: false, manifests: [] });
      expect(preview.errors).toEqual([{ path: 'hosts[1]', code: 'host-already-covered', message: `hosts[1]: ${expected}` }]);
      expect((await store.listRequests({ limit: 10 })).items).toHaveLength(1);

      // Still covered while active; free again once the first request is gone.
      await service.approve(first.id, undefined, platform);
      await settled();
      await expect(service.create(draft(), owner)).rejects.toThrow(`request ${first.id} (active)`);
      await service.revoke(first.id, undefined, owner);
      expect((await service.preview(draft(), owner)).valid).toBe(true);
      expect((await service.create(draft(), owner)).status).toBe('pending');
    });

    it('allows the same host on another cluster, and direct routes on another port', async () => {
      const { service } = await setup();
      await service.create(draft({ clusters: ['dev'] }), owner);
      await expect(service.create(draft({ clusters: ['prod'] }), owner)).resolves.toMatchObject({ status: 'pending' });
      const direct = { hosts: ['db.example.com'], viaEgressGateway: false, clusters: ['dev'] };
      await service.create(draft({ ...direct, ports: [{ number: 443, protocol: 'TLS' }] }), owner);
      await expect(service.create(draft({ ...direct, ports: [{ number: 8443, protocol: 'TLS' }] }), owner)).resolves.toMatchObject({ status: 'pending' });
      await expect(service.create(draft({ ...direct, ports: [{ number: 443, protocol: 'HTTPS' }] }), owner)).rejects.toMatchObject({ name: 'ConflictError' });
    });

    it('matches wildcards against the hosts they cover', async () => {
      const { service } = await setup({ ...DEFAULT_EGRESS_POLICY, allowWildcards: true });
      const direct = { viaEgressGateway: false, clusters: ['dev'] };
      const exact = await service.create(draft({ ...direct, hosts: ['api.stripe.com'] }), owner);
      await expect(service.create(draft({ ...direct, hosts: ['*.stripe.com'] }), owner)).rejects.toThrow(
        `*.stripe.com in namespace payments on cluster dev is already covered by request ${exact.id} (pending)`,
      );
    });

    it('warns, without refusing, when an unmanaged resource already declares the host', async () => {
      const { service, clients } = await setup();
      clients.inventory = (namespace, names) =>
        names.map(cluster => ({
          cluster,
          namespace,
          synced: true,
          resources:
            cluster === 'dev'
              ? [
                  { kind: 'ServiceEntry' as const, namespace, name: 'legacy-stripe', managed: false, hosts: ['api.stripe.com'], addresses: [], ports: [443] },
                  { kind: 'ServiceEntry' as const, namespace, name: 'other', managed: false, hosts: ['api.paypal.com'], addresses: [], ports: [443] },
                ]
              : [],
        })) as any;
      const preview = await service.preview(draft(), owner);
      expect(preview.valid).toBe(true);
      expect(preview.warnings.filter(w => w.code === 'host-declared-unmanaged')).toEqual([
        {
          path: 'hosts[0]',
          code: 'host-declared-unmanaged',
          message: 'hosts[0]: api.stripe.com is already declared by ServiceEntry payments/legacy-stripe on cluster dev, which is not managed by backstage-egress',
        },
      ]);
      await expect(service.create(draft(), owner)).resolves.toMatchObject({ status: 'pending' });
    });

    it('warns when a lockdown would sit next to a namespace-wide Sidecar it does not manage', async () => {
      const { service, clients } = await setup();
      clients.inventory = (namespace, names) =>
        names.map(cluster => ({
          cluster,
          namespace,
          synced: true,
          ...(cluster === 'dev'
            ? {
                sidecarMode: 'REGISTRY_ONLY',
                sidecarOverride: 'restrict-outbound',
                resources: [{ kind: 'Sidecar' as const, namespace, name: 'restrict-outbound', managed: false, hosts: [], addresses: [], ports: [] }],
              }
            : { resources: [] }),
        })) as any;
      const locked = await service.preview(draft({ lockdownNamespace: true }), owner);
      expect(locked.warnings.filter(w => w.code === 'namespace-sidecar-exists').map(w => w.message)).toEqual([
        expect.stringContaining('Sidecar payments/restrict-outbound on cluster dev already applies to every workload'),
      ]);
      const open = await service.preview(draft(), owner);
      expect(open.warnings.filter(w => w.code === 'namespace-sidecar-exists')).toEqual([]);
    });
  });

  describe('shared lockdown Sidecar', () => {
    const sidecarKey = `Sidecar/payments/${LOCKDOWN_SIDECAR_NAME}`;

    it('is removed with the last approved or active request of the namespace that asks for lockdown', async () => {
      const { service, store, clusters } = await setup();
      const a = await service.create(draft({ lockdownNamespace: true }), owner);
      await service.approve(a.id, undefined, platform);
      await settled();
      const b = await service.create(draft({ lockdownNamespace: true, hosts: ['api.paypal.com'], clusters: ['dev'] }), owner);
      await service.approve(b.id, undefined, platform);
      await settled();
      const plain = await service.create(draft({ hosts: ['api.adyen.com'] }), owner);
      await service.approve(plain.id, undefined, platform);
      await settled();
      expect(clusters.dev.objects.has(sidecarKey)).toBe(true);
      expect(clusters.prod.objects.has(sidecarKey)).toBe(true);

      // b still asks for lockdown on dev; nobody does on prod any more.
      await service.revoke(a.id, undefined, owner);
      expect(clusters.dev.objects.has(sidecarKey)).toBe(true);
      expect(clusters.prod.objects.has(sidecarKey)).toBe(false);
      const aEvents = (await store.listEvents(a.id)).filter(e => e.action === 'removed' && !e.comment?.startsWith('shared egress gateway'));
      expect(aEvents.map(e => e.cluster)).toEqual(['dev', 'prod', 'prod']);
      expect(aEvents[2].comment).toMatch(/^shared lockdown Sidecar payments\/egress-lockdown deleted/);

      await service.revoke(b.id, undefined, owner);
      expect(clusters.dev.objects.has(sidecarKey)).toBe(false);
      expect((await store.listEvents(b.id)).filter(e => e.action === 'removed' && e.comment?.includes('lockdown'))).toHaveLength(1);
      // The request without lockdown keeps its resources.
      expect(clusters.dev.ownedBy({ namespace: 'payments', requestId: plain.id })).toHaveLength(3);
    });

    it('is removed on expiry too, and an unmanaged Sidecar of that name is never deleted', async () => {
      const { service, reconciler, clock, store, clusters } = await setup();
      const expiresAt = new Date(clock.now().getTime() + DAY).toISOString();
      const created = await service.create(draft({ lockdownNamespace: true, expiresAt }), owner);
      await service.approve(created.id, undefined, platform);
      await settled();
      // Someone replaced the Sidecar in dev with their own.
      const theirs = JSON.parse(JSON.stringify(clusters.dev.objects.get(sidecarKey)));
      theirs.metadata.labels = { team: 'payments' };
      clusters.dev.objects.set(sidecarKey, theirs);

      clock.advance(2 * DAY);
      await reconciler.tick();
      expect((await store.getRequest(created.id))!.status).toBe('expired');
      expect(clusters.dev.objects.get(sidecarKey)).toEqual(theirs);
      expect(clusters.prod.objects.has(sidecarKey)).toBe(false);
      const failed = (await store.listEvents(created.id)).filter(e => e.action === 'remove-failed');
      expect(failed).toEqual([expect.objectContaining({ cluster: 'dev', comment: expect.stringMatching(/not managed by backstage-egress/) })]);
    });

    it('retries the Sidecar removal while the cluster is unreachable', async () => {
      const { service, reconciler, clock, store, clusters } = await setup();
      const created = await service.create(draft({ lockdownNamespace: true, clusters: ['dev'] }), owner);
      await service.approve(created.id, undefined, platform);
      await settled();
      clusters.dev.removeLockdown = async () => ({ cluster: 'dev', ok: false, outcomes: [], error: "Cluster 'dev': unreachable" });
      expect((await service.revoke(created.id, undefined, owner)).status).toBe('revoking');
      delete (clusters.dev as any).removeLockdown;
      clock.advance(60_000);
      await reconciler.tick();
      expect((await store.getRequest(created.id))!.status).toBe('revoked');
      expect(clusters.dev.objects.has(sidecarKey)).toBe(false);
    });
  });

  it('refuses a status change outside the lifecycle table in the store itself', async () => {
    const { service, store } = await setup();
    const created = await service.create(draft(), owner);
    await expect(
      store.transition({ id: created.id, from: 'pending', to: 'active', actor: 'x', at: new Date().toISOString() }),
    ).rejects.toMatchObject({ name: 'ConflictError' });
    expect((await store.getRequest(created.id))!.status).toBe('pending');
    expect((await store.listEvents(created.id)).map(e => e.action)).toEqual(['created']);
  });

  it('answers approve before any cluster call ends, then applies in the background', async () => {
    const { service, store, clusters } = await setup();
    let release!: () => void;
    const gate = new Promise<void>(r => (release = r));
    for (const cluster of [clusters.dev, clusters.prod]) {
      const apply = cluster.apply.bind(cluster);
      cluster.apply = async manifests => {
        await gate;
        return apply(manifests);
      };
    }
    const created = await service.create(draft(), owner);
    // Every cluster write is held until the answer is in hand.
    const approved = await service.approve(created.id, undefined, platform);
    expect(approved.status).toBe('approved');
    expect((await store.getTargets(created.id)).map(t => t.status)).toEqual(['pending', 'pending']);
    expect(clusters.dev.objects.size + clusters.prod.objects.size).toBe(0);
    release();
    await settled();
    expect((await store.getRequest(created.id))!.status).toBe('active');
    expect((await store.getTargets(created.id)).map(t => t.status)).toEqual(['applied', 'applied']);
  });

  it('a replica that serves the API only records the approval; another replica applies it from the database', async () => {
    const knexA = await databases.init(databaseId);
    const knexB = databaseId === POSTGRES_ID ? knexFactory(knexA.client.config) : knexA;
    const { clusters, clients } = fakeClusters('dev', 'prod');
    const a = await createWorkflow(knexA, { clients, reconcilerEnabled: false });
    const b = await createWorkflow(knexB, { clients, clock: a.clock, skipMigrations: true });
    try {
      const created = await a.service.create(draft(), owner);
      await a.service.approve(created.id, undefined, platform);
      await a.reconciler.idle();
      expect(clusters.dev.applyCalls + clusters.prod.applyCalls).toBe(0);
      expect(await b.store.listDueIds({ now: a.clock.now().toISOString() })).toEqual([created.id]);
      await b.reconciler.wakeDue();
      await b.reconciler.idle();
      expect((await a.store.getRequest(created.id))!.status).toBe('active');
      expect([clusters.dev.applyCalls, clusters.prod.applyCalls]).toEqual([1, 1]);
      // Nothing is due any more: B's next look wakes nothing.
      expect(await b.store.listDueIds({ now: a.clock.now().toISOString() })).toEqual([]);
    } finally {
      if (knexB !== knexA) await knexB.destroy();
    }
  });

  it('two backend instances on one database with reconcilers running apply once', async () => {
    const knexA = await databases.init(databaseId);
    // On PostgreSQL the second instance has its own connection pool, like a replica.
    const knexB = databaseId === POSTGRES_ID ? knexFactory(knexA.client.config) : knexA;
    const { clusters, clients } = fakeClusters('dev', 'prod');
    clusters.dev.delayMs = 30;
    clusters.prod.delayMs = 30;
    const a = await createWorkflow(knexA, { clients });
    const b = await createWorkflow(knexB, { clients, clock: a.clock, skipMigrations: true });
    try {
      const created = await a.service.create(draft(), owner);
      // Approve on A; the apply it wakes races both reconcilers' passes and B's look for due work.
      await Promise.all([
        a.service.approve(created.id, undefined, platform),
        a.reconciler.tick(),
        b.reconciler.tick(),
        b.reconciler.tick(),
        a.reconciler.tick(),
        b.reconciler.wakeDue(),
      ]);
      await Promise.all([a.reconciler.idle(), b.reconciler.idle()]);
      await Promise.all([a.reconciler.tick(), b.reconciler.tick()]);
      expect((await b.store.getRequest(created.id))!.status).toBe('active');
      expect(clusters.dev.applyCalls).toBe(1);
      expect(clusters.prod.applyCalls).toBe(1);
      const events = await a.store.listEvents(created.id);
      expect(events.filter(e => e.action === 'applied')).toHaveLength(2);
      expect(events.filter(e => e.to === 'active')).toHaveLength(1);
    } finally {
      if (knexB !== knexA) await knexB.destroy();
    }
  });
});
