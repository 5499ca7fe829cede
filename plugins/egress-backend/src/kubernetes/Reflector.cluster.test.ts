/**
 * The Reflector against real test clusters (etcd + kube-apiserver from @backstage-egress/testenv),
 * reading as the plugin's least-privilege identity: etcd compaction makes the API server answer
 * 410 Gone to a watch from an old resourceVersion, and the API server restarts mid-watch.
 */
import {
  ClusterInfo,
  compactCluster,
  deleteFromEtcd,
  startApiserver,
  startCluster,
  stopApiserver,
  stopCluster,
} from '@backstage-egress/testenv';
import { KubeHttp, kubeConfigFor } from './KubeClients';
import { KubeListWatch, ListWatch, WatchEvent } from './ListWatch';
import { Reflector } from './Reflector';

jest.setTimeout(120_000);

const NS = 'reflector';
const COMPACT = 't-reflector-compact';
const RESTART = 't-reflector-restart';
const clusters: Record<string, ClusterInfo> = {};
let reflector: Reflector | undefined;

function client(info: ClusterInfo, user: 'admin' | 'backstage-egress') {
  return new KubeHttp(
    info.name,
    kubeConfigFor({
      name: info.name,
      title: info.name,
      url: info.server,
      authProvider: 'serviceAccount',
      serviceAccountToken: info.tokens[user],
      caData: info.caData,
      skipTLSVerify: false,
      istioNamespace: 'istio-system',
      egressGateway: { selector: {}, serviceHost: 'istio-egressgateway.istio-system' },
    }),
  );
}

const collection = `/apis/networking.istio.io/v1/namespaces/${NS}/serviceentries`;

async function createEntry(info: ClusterInfo, name: string) {
  await client(info, 'admin').request('POST', collection, {
    body: {
      apiVersion: 'networking.istio.io/v1',
      kind: 'ServiceEntry',
      metadata: { name },
      spec: { hosts: [`${name}.example.com`], location: 'MESH_EXTERNAL', ports: [{ number: 443, name: 'tls', protocol: 'TLS' }], resolution: 'DNS' },
    },
  });
}

const deleteEntry = (info: ClusterInfo, name: string) => client(info, 'admin').request('DELETE', `${collection}/${name}`);

/** Revisions elsewhere, so that compaction moves past the reflector's resourceVersion. */
async function churn(info: ClusterInfo, n: number) {
  for (let i = 0; i < n; i++) {
    await client(info, 'admin').request('POST', `/api/v1/namespaces/${NS}/configmaps`, { body: { metadata: { generateName: 'churn-' } } });
  }
}

const names = (r: Reflector) => r.all().map(o => o.metadata.name).sort();

async function eventually(what: string, check: () => boolean, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 50));
  }
}

/**
 * The real transport, with a switch to drop the running watch as a lost connection would and to
 * hold new watches until `reconnect()`; it records what the server sent.
 */
class Interruptible implements ListWatch {
  readonly events: WatchEvent[] = [];
  lists = 0;
  private current?: AbortController;
  private held?: { released: Promise<void>; release: () => void };

  constructor(private readonly inner: ListWatch) {}

  get cluster() {
    return this.inner.cluster;
  }

  list(options: Parameters<ListWatch['list']>[0]) {
    this.lists++;
    return this.inner.list(options);
  }

  async watch(options: Parameters<ListWatch['watch']>[0], handlers: Parameters<ListWatch['watch']>[1]) {
    while (this.held && !options.signal.aborted) await this.held.released;
    const stream = new AbortController();
    this.current = stream;
    const forward = () => stream.abort();
    options.signal.addEventListener('abort', forward, { once: true });
    try {
      await this.inner.watch(
        { ...options, signal: stream.signal },
        { onOpen: handlers.onOpen, onEvent: e => {
          this.events.push(e);
          handlers.onEvent(e);
        } },
      );
    } catch (e) {
      if (!this.held) throw e;
    } finally {
      options.signal.removeEventListener('abort', forward);
    }
    if (this.held && !options.signal.aborted) throw Object.assign(new Error('watch connection lost'), { code: 'ECONNRESET' });
  }

  disconnect() {
    let release!: () => void;
    const released = new Promise<void>(resolve => (release = resolve));
    this.held = { released, release };
    this.current?.abort();
  }

  reconnect() {
    this.held?.release();
    this.held = undefined;
  }
}

beforeAll(async () => {
  const [compact, restart] = await Promise.all([
    startCluster({ name: COMPACT, namespaces: [NS], watchCache: false }),
    startCluster({ name: RESTART, namespaces: [NS] }),
  ]);
  clusters[COMPACT] = compact;
  clusters[RESTART] = restart;
}, 30 * 60_000);

afterEach(async () => {
  await reflector?.stop();
  reflector = undefined;
});

afterAll(async () => {
  await Promise.all([stopCluster(COMPACT), stopCluster(RESTART)]);
});

describe('Reflector on a real cluster', () => {
  it('relists after etcd compaction answers 410 to the watch from its old resourceVersion, and sees what changed meanwhile', async () => {
    const info = clusters[COMPACT];
    await createEntry(info, 'kept');
    await createEntry(info, 'deleted-meanwhile');
    const transport = new Interruptible(new KubeListWatch(client(info, 'backstage-egress'), async () => collection));
    reflector = new Reflector({ listWatch: transport, what: 'watching ServiceEntry resources', backoff: { initialMs: 200, maxMs: 1000 } });
    reflector.start();
    await reflector.whenFirstAttempted();
    expect(names(reflector)).toEqual(['deleted-meanwhile', 'kept']);

    transport.disconnect();
    await eventually('the reflector to notice the lost watch', () => reflector!.error !== undefined);
    await deleteEntry(info, 'deleted-meanwhile');
    await createEntry(info, 'created-meanwhile');
    await churn(info, 5);
    const { revision } = await compactCluster(info.name);
    expect(revision).toBeGreaterThan(0);
    transport.reconnect();

    await eventually('the relisted cache', () => names(reflector!).join() === 'created-meanwhile,kept');
    const gone = transport.events.find(e => e.type === 'ERROR');
    expect(gone?.object).toMatchObject({ code: 410, reason: 'Expired', message: 'The resourceVersion for the provided watch is too old.' });
    expect(transport.lists).toBe(2);
    await eventually('the error to clear', () => reflector!.error === undefined);

    // And it watches again from the new list.
    await createEntry(info, 'after');
    await eventually('the new entry', () => names(reflector!).includes('after'));
  });

  it('reconnects after the API server restarts mid-watch and sees what changed while it was down', async () => {
    const info = clusters[RESTART];
    for (const n of ['a', 'b', 'c']) await createEntry(info, n);
    const transport = new Interruptible(new KubeListWatch(client(info, 'backstage-egress'), async () => collection));
    reflector = new Reflector({ listWatch: transport, what: 'watching ServiceEntry resources', backoff: { initialMs: 200, maxMs: 1000 } });
    reflector.start();
    await reflector.whenFirstAttempted();
    expect(names(reflector)).toEqual(['a', 'b', 'c']);

    await stopApiserver(info.name);
    await eventually('the reflector to report the API server down', () => /ECONNREFUSED|unreachable|refused/i.test(reflector!.error ?? ''));
    expect(names(reflector)).toEqual(['a', 'b', 'c']); // kept while down
    // Another API server of the same control plane deletes b meanwhile.
    expect(await deleteFromEtcd(info.name, `/registry/networking.istio.io/serviceentries/${NS}/b`)).toBe(1);
    await startApiserver(info.name);

    await eventually('the cache to catch up', () => names(reflector!).join() === 'a,c');
    await eventually('the error to clear', () => reflector!.error === undefined);
    // The restarted API server's watch cache begins after the old resourceVersion: 410, relist.
    expect(transport.events.find(e => e.type === 'ERROR')?.object).toMatchObject({ code: 410, reason: 'Expired' });
    expect(transport.lists).toBe(2);
    await createEntry(info, 'd');
    await deleteEntry(info, 'a');
    await eventually('the changes after the restart', () => names(reflector!).join() === 'c,d');
  });
});
