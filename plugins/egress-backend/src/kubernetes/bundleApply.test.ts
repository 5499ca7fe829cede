import { KubernetesManifest, MANAGED_BY_LABEL, MANAGED_BY_VALUE, REQUEST_ID_LABEL } from '@backstage-egress/plugin-egress-common';
import { applyAllOrNothing } from './bundleApply';
import { KubernetesApiError } from './errors';
import { KubeHttp } from './KubeClients';
import { KIND_ORDER, RESOURCE_KINDS, ServedVersions } from './kinds';
import { deleteRequestObjects } from './requestObjects';

const versions = Object.fromEntries(KIND_ORDER.map(k => [k, 'v1'])) as ServedVersions;
const PLURALS = new Set(RESOURCE_KINDS.map(k => k.plural));

function manifest(kind: string, namespace: string, name: string): KubernetesManifest {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind,
    metadata: { name, namespace, labels: { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE, [REQUEST_ID_LABEL]: 'r1' } },
    spec: {},
  } as KubernetesManifest;
}

/**
 * An API server stand-in that answers every call after the test lets it go,
 * recording which calls were in flight together.
 */
class Server {
  readonly calls: Array<{ method: string; path: string }> = [];
  private pending: Array<{ method: string; path: string; answer: () => void }> = [];
  refuse?: (method: string, path: string) => boolean;

  readonly api = {
    request: (method: string, path: string) => {
      this.calls.push({ method, path });
      return new Promise((resolve, reject) => {
        this.pending.push({
          method,
          path,
          answer: () => {
            const isList = PLURALS.has(path.split('/').pop()!);
            if (method === 'GET' && !isList) {
              reject(new KubernetesApiError(404, undefined, 'not found'));
            } else if (this.refuse?.(method, path)) {
              reject(new KubernetesApiError(422, undefined, 'refused'));
            } else if (method === 'GET') {
              resolve({ items: [] });
            } else {
              resolve({ metadata: { uid: `uid-${path}`, resourceVersion: '1' } });
            }
          },
        });
      });
    },
  } as unknown as KubeHttp;

  /** Waits until the calls in flight stop growing; answers them all; returns them. */
  async answerInFlight(): Promise<Array<{ method: string; path: string }>> {
    let before = -1;
    while (before !== this.pending.length) {
      before = this.pending.length;
      await new Promise(r => setImmediate(r));
    }
    const batch = this.pending.splice(0);
    for (const p of batch) p.answer();
    return batch.map(({ method, path }) => ({ method, path }));
  }
}

describe('applyAllOrNothing', () => {
  const bundle = [
    manifest('VirtualService', 'payments', 'vs-own'),
    manifest('ServiceEntry', 'payments', 'se-own'),
    manifest('VirtualService', 'istio-system', 'vs-shared'),
    manifest('DestinationRule', 'payments', 'dr-own'),
    manifest('ServiceEntry', 'istio-system', 'se-shared'),
  ];

  it('applies the objects of one kind together, kind by kind in dependency order', async () => {
    const server = new Server();
    const done = applyAllOrNothing('c1', server.api, async () => versions, bundle);
    const rounds: string[][] = [];
    for (;;) {
      const batch = await server.answerInFlight();
      if (batch.length === 0) break;
      const patches = batch.filter(c => c.method === 'PATCH').map(c => c.path.replace(/^.*\/namespaces\//, ''));
      if (patches.length > 0) rounds.push(patches.sort());
    }
    const result = await done;
    expect(result.ok).toBe(true);
    expect(rounds).toEqual([
      ['istio-system/serviceentries/se-shared', 'payments/serviceentries/se-own'],
      ['payments/destinationrules/dr-own'],
      ['istio-system/virtualservices/vs-shared', 'payments/virtualservices/vs-own'],
    ]);
  });

  it('stops after the kind that failed and removes what the attempt created', async () => {
    const server = new Server();
    server.refuse = (method, path) => method === 'PATCH' && path.endsWith('/destinationrules/dr-own');
    const done = applyAllOrNothing('c1', server.api, async () => versions, bundle);
    while ((await server.answerInFlight()).length > 0);
    const result = await done;
    expect(result.ok).toBe(false);
    expect(server.calls.filter(c => c.method === 'PATCH' && c.path.includes('virtualservices'))).toEqual([]);
    expect(result.outcomes.map(o => `${o.kind}/${o.name}:${o.action}`).sort()).toEqual([
      'DestinationRule/dr-own:failed',
      'ServiceEntry/se-own:rolled-back',
      'ServiceEntry/se-shared:rolled-back',
    ]);
  });
});

describe('deleteRequestObjects', () => {
  it('lists every kind in every namespace at once', async () => {
    const server = new Server();
    const done = deleteRequestObjects('c1', server.api, versions, { requestId: 'r1', namespaces: ['payments', 'istio-system'] });
    const first = await server.answerInFlight();
    expect(first).toHaveLength(KIND_ORDER.length * 2);
    expect(first.every(c => c.method === 'GET')).toBe(true);
    while ((await server.answerInFlight()).length > 0);
    expect(await done).toEqual([]);
  });
});
