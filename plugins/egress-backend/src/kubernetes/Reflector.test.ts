import { KubernetesApiError } from './errors';
import { ListPage, ListWatch, WatchEvent } from './ListWatch';
import { CachedObject, Reflector } from './Reflector';

/** A watch the test drives: it opens, sends events, ends or fails when told. */
class StubWatch {
  readonly done: Promise<void>;
  private settle!: { resolve: () => void; reject: (e: unknown) => void };

  constructor(
    readonly resourceVersion: string,
    private readonly handlers: { onOpen: () => void; onEvent: (event: WatchEvent) => void },
    readonly signal: AbortSignal,
  ) {
    this.done = new Promise((resolve, reject) => {
      this.settle = { resolve, reject };
    });
    signal.addEventListener('abort', () => this.settle.reject(Object.assign(new Error('aborted'), { name: 'AbortError' })));
  }

  open() {
    this.handlers.onOpen();
    return this;
  }

  send(type: string, object: unknown) {
    this.handlers.onEvent({ type, object });
    return this;
  }

  /** The server ends the stream (its timeout). */
  end() {
    this.settle.resolve();
  }

  fail(error: unknown) {
    this.settle.reject(error);
  }
}

/** A queue whose `next()` waits for the item pushed next. */
class Queue<T> {
  private items: T[] = [];
  private waiters: Array<(item: T) => void> = [];

  push(item: T) {
    const waiter = this.waiters.shift();
    if (waiter) waiter(item);
    else this.items.push(item);
  }

  next(timeoutMs = 3000): Promise<T> {
    const item = this.items.shift();
    if (item !== undefined) return Promise.resolve(item);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('nothing came in time')), timeoutMs);
      this.waiters.push(v => {
        clearTimeout(timer);
        resolve(v);
      });
    });
  }

  get pending(): number {
    return this.items.length;
  }
}

/** Our ListWatch interface, scripted: lists answer what `answerList` queued; watches are handed to the test. */
class StubListWatch implements ListWatch {
  readonly cluster = 'stub';
  readonly listCalls: Array<{ continue?: string }> = [];
  readonly watchCalls: Array<{ resourceVersion: string; at: number }> = [];
  private readonly listAnswers = new Queue<ListPage | Error>();
  readonly watches = new Queue<StubWatch>();

  answerList(...answers: Array<ListPage | Error>) {
    for (const a of answers) this.listAnswers.push(a);
  }

  async list(options: { limit: number; continue?: string }): Promise<ListPage> {
    this.listCalls.push({ continue: options.continue });
    const answer = await this.listAnswers.next(60_000);
    if (answer instanceof Error) throw answer;
    return answer;
  }

  watch(
    options: { resourceVersion: string; timeoutSeconds: number; signal: AbortSignal },
    handlers: { onOpen: () => void; onEvent: (event: WatchEvent) => void },
  ): Promise<void> {
    this.watchCalls.push({ resourceVersion: options.resourceVersion, at: Date.now() });
    const w = new StubWatch(options.resourceVersion, handlers, options.signal);
    this.watches.push(w);
    return w.done;
  }
}

const se = (name: string, rv: string, namespace = 'payments'): CachedObject => ({
  kind: 'ServiceEntry',
  metadata: { name, namespace, resourceVersion: rv },
});
const page = (rv: string, items: CachedObject[], cont?: string): ListPage => ({
  items,
  resourceVersion: rv,
  ...(cont ? { continue: cont } : {}),
});
const gone = () => ({ kind: 'Status', code: 410, reason: 'Expired', message: 'too old resource version: 5 (20)' });
const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6443'), { code: 'ECONNREFUSED' });
const names = (r: Reflector) => r.all().map(o => o.metadata.name).sort();

async function until(check: () => boolean, timeoutMs = 3000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise(r => setTimeout(r, 2));
  }
}

let lw: StubListWatch;
let reflector: Reflector;
let changes: number;

function startReflector(backoff = { initialMs: 40, maxMs: 160 }) {
  lw = new StubListWatch();
  changes = 0;
  reflector = new Reflector({ listWatch: lw, what: 'watching ServiceEntry resources', backoff, limit: 2, onChange: () => changes++ });
  reflector.start();
}

afterEach(() => reflector?.stop());

describe('Reflector', () => {
  it('lists every page, then watches from the list resourceVersion and applies events', async () => {
    startReflector();
    lw.answerList(page('10', [se('a', '8'), se('b', '9')], 'token-1'), page('10', [se('c', '7', 'search')]));
    const w = (await lw.watches.next()).open();
    expect(lw.listCalls).toEqual([{ continue: undefined }, { continue: 'token-1' }]);
    expect(w.resourceVersion).toBe('10');
    expect(reflector.synced).toBe(true);
    expect(names(reflector)).toEqual(['a', 'b', 'c']);
    expect(reflector.namespace('search').map(o => o.metadata.name)).toEqual(['c']);

    w.send('MODIFIED', { ...se('a', '11'), spec: { hosts: ['x'] } })
      .send('DELETED', se('b', '12'))
      .send('ADDED', se('d', '13'));
    expect(names(reflector)).toEqual(['a', 'c', 'd']);
    expect(reflector.namespace('payments').find(o => o.metadata.name === 'a')?.spec).toEqual({ hosts: ['x'] });
    expect(changes).toBe(4); // the list and three events

    w.end(); // server-side timeout: watch again from the last event, no relist
    const next = await lw.watches.next();
    expect(next.resourceVersion).toBe('13');
    expect(lw.listCalls).toHaveLength(2);
  });

  it('relists on 410 Gone in the stream and replaces stale objects: deletions during the gap are seen', async () => {
    startReflector();
    lw.answerList(page('10', [se('a', '8'), se('b', '9')]));
    const w = (await lw.watches.next()).open();
    // Meanwhile b was deleted and c created, and the history was compacted.
    w.send('ERROR', gone());
    lw.answerList(page('30', [se('a', '8'), se('c', '25')]));
    const after = await lw.watches.next();
    expect(lw.listCalls).toHaveLength(2);
    expect(after.resourceVersion).toBe('30');
    expect(names(reflector)).toEqual(['a', 'c']);
    expect(reflector.error).toBeUndefined();
  });

  it('relists when the watch request itself answers 410', async () => {
    startReflector();
    lw.answerList(page('10', [se('a', '8')]));
    (await lw.watches.next()).fail(new KubernetesApiError(410, gone(), ''));
    lw.answerList(page('40', [se('z', '39')]));
    expect((await lw.watches.next()).resourceVersion).toBe('40');
    expect(names(reflector)).toEqual(['z']);
  });

  it('starts the list over when a continue token was compacted away', async () => {
    startReflector();
    lw.answerList(
      page('10', [se('a', '8'), se('b', '9')], 'old-token'),
      new KubernetesApiError(410, { code: 410, reason: 'Expired', message: 'The provided continue parameter is too old' }, ''),
      page('50', [se('a', '8'), se('c', '45')]),
    );
    const w = await lw.watches.next();
    expect(lw.listCalls).toEqual([{ continue: undefined }, { continue: 'old-token' }, { continue: undefined }]);
    expect(w.resourceVersion).toBe('50');
    expect(names(reflector)).toEqual(['a', 'c']);
  });

  it('backs off when 410 follows 410 right after a relist', async () => {
    startReflector({ initialMs: 150, maxMs: 150 });
    lw.answerList(page('10', []), page('11', []));
    (await lw.watches.next()).open().send('ERROR', gone());
    (await lw.watches.next()).open().send('ERROR', gone());
    const relistedAt = Date.now();
    lw.answerList(page('12', []));
    await lw.watches.next();
    expect(lw.listCalls).toHaveLength(3);
    expect(lw.watchCalls[2].at - lw.watchCalls[1].at).toBeGreaterThanOrEqual(150);
    expect(Date.now() - relistedAt).toBeGreaterThanOrEqual(140);
  });

  it('advances the resourceVersion with bookmarks, without reporting a change', async () => {
    startReflector();
    lw.answerList(page('10', [se('a', '8')]));
    const w = (await lw.watches.next()).open();
    const before = changes;
    w.send('BOOKMARK', { kind: 'ServiceEntry', metadata: { resourceVersion: '77' } });
    expect(changes).toBe(before);
    expect(names(reflector)).toEqual(['a']);
    w.end();
    expect((await lw.watches.next()).resourceVersion).toBe('77');
  });

  it('retries a failing watch with growing delays from the last resourceVersion, keeping the cache', async () => {
    startReflector({ initialMs: 40, maxMs: 320 });
    lw.answerList(page('10', [se('a', '8')]));
    (await lw.watches.next()).open().send('ADDED', se('b', '12')).fail(refused());
    for (let i = 0; i < 3; i++) (await lw.watches.next()).fail(refused());
    expect(reflector.error).toMatch(/stub.*watching ServiceEntry resources.*ECONNREFUSED/s);
    expect(reflector.synced).toBe(true);
    expect(names(reflector)).toEqual(['a', 'b']);

    const w = (await lw.watches.next()).open();
    expect(reflector.error).toBeDefined(); // accepted, but a 410 may follow at once
    w.send('BOOKMARK', { metadata: { resourceVersion: '13' } });
    expect(reflector.error).toBeUndefined(); // current from here on
    expect(lw.listCalls).toHaveLength(1);
    expect(lw.watchCalls.map(c => c.resourceVersion)).toEqual(['10', '12', '12', '12', '12']);
    const gaps = lw.watchCalls.slice(1).map((c, i) => c.at - lw.watchCalls[i].at);
    // 40, 80, 160, 320 ms (+ up to 20% jitter): each at least its step. Less 1 ms: a timer starts
    // from the event loop's cached millisecond clock, so Date.now() can see a 40 ms timer fire
    // after 39 ms (CI saw exactly that once).
    expect(gaps[0]).toBeGreaterThanOrEqual(40 - 1);
    expect(gaps[1]).toBeGreaterThanOrEqual(80 - 1);
    expect(gaps[2]).toBeGreaterThanOrEqual(160 - 1);
    expect(gaps[3]).toBeGreaterThanOrEqual(320 - 1);
    // Growing: each gap well above the one before (a fixed delay would fail here).
    expect(gaps[3]).toBeGreaterThan(gaps[0] * 4);

    // After a watch that ran normally, the delay starts over (40 ms, far below 320).
    w.send('ADDED', se('c', '14')).end();
    (await lw.watches.next()).fail(refused());
    const t0 = Date.now();
    await lw.watches.next();
    expect(Date.now() - t0).toBeLessThan(300);
  });

  it('clears the error of a reconnected watch only once it proved current', async () => {
    startReflector({ initialMs: 20, maxMs: 20 });
    lw.answerList(page('10', [se('a', '8')]));
    (await lw.watches.next()).open().fail(refused());
    // Reconnected, then told its resourceVersion is too old: still failing until the relist.
    (await lw.watches.next()).open().send('ERROR', gone());
    await until(() => lw.listCalls.length === 2);
    expect(reflector.error).toMatch(/ECONNREFUSED/);
    lw.answerList(page('20', []));
    const quiet = (await lw.watches.next()).open();
    expect(reflector.error).toBeUndefined(); // the relist cleared it
    // A watch accepted and quiet for a second is current too.
    quiet.fail(refused());
    (await lw.watches.next()).open();
    expect(reflector.error).toMatch(/ECONNREFUSED/);
    await until(() => reflector.error === undefined, 3000);
  });

  it('reports an ERROR event other than 410 and retries the watch', async () => {
    startReflector();
    lw.answerList(page('10', []));
    (await lw.watches.next()).open().send('ERROR', { kind: 'Status', code: 500, message: 'etcdserver: request timed out' });
    await until(() => reflector.error !== undefined);
    expect(reflector.error).toMatch(/etcdserver: request timed out/);
    expect((await lw.watches.next()).resourceVersion).toBe('10');
    expect(lw.listCalls).toHaveLength(1);
  });

  it('counts a watch that the server closes at once, without events, as a failure', async () => {
    startReflector({ initialMs: 100, maxMs: 100 });
    lw.answerList(page('10', []));
    (await lw.watches.next()).open().end();
    await lw.watches.next();
    expect(lw.watchCalls[1].at - lw.watchCalls[0].at).toBeGreaterThanOrEqual(100);
    expect(reflector.error).toMatch(/closed at once/);
  });

  it('reports never synced while the first list fails, and keeps trying', async () => {
    startReflector({ initialMs: 20, maxMs: 40 });
    lw.answerList(refused());
    await reflector.whenFirstAttempted();
    expect(reflector.synced).toBe(false);
    expect(reflector.size).toBe(0);
    expect(reflector.error).toMatch(/Cluster 'stub': watching ServiceEntry resources/);
    expect(lw.watchCalls).toHaveLength(0); // nothing to watch from

    lw.answerList(refused(), page('10', [se('a', '8')]));
    await lw.watches.next();
    expect(lw.listCalls).toHaveLength(3);
    expect(reflector.synced).toBe(true);
    expect(reflector.error).toBeUndefined();
    expect(names(reflector)).toEqual(['a']);
  });

  it('stops: aborts the running watch and makes no further calls', async () => {
    startReflector();
    lw.answerList(page('10', []));
    const w = (await lw.watches.next()).open();
    await reflector.stop();
    expect(w.signal.aborted).toBe(true);
    await new Promise(r => setTimeout(r, 100));
    expect(lw.watchCalls).toHaveLength(1);
    expect(lw.watches.pending).toBe(0);
  });
});
