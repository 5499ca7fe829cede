import { KubernetesApiError, statusCodeOf, toClusterError } from './errors';
import type { ListWatch, WatchEvent } from './ListWatch';

/** A Kubernetes object as cached: what we read of it. */
export interface CachedObject {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec?: any;
  /** What the cluster's controllers write back (for Istio resources: istiod's analysis messages). */
  status?: any;
  data?: Record<string, string>;
}

export interface ReflectorOptions {
  /** How the collection is listed and watched. */
  listWatch: ListWatch;
  /** Describes what is watched, for error messages: e.g. "watching ServiceEntries". */
  what: string;
  /** Called after every change (list or event). */
  onChange?: () => void;
  /** Delays between failed attempts: doubled per failure up to `maxMs`, with 20% jitter. */
  backoff?: { initialMs: number; maxMs: number };
  /** Page size of lists; default 500. */
  limit?: number;
  /** Server-side watch timeout; default 240-300 s, randomized so watches do not end together. */
  watchTimeoutSeconds?: () => number;
  /**
   * What is kept of each listed or watched object (default: the whole object). A compact
   * projection keeps the cache's memory proportional to what its readers use.
   */
  project?: (obj: CachedObject) => CachedObject;
  /** A label whose values index the objects (see {@link Reflector.withLabel}). */
  indexLabel?: string;
}

/** A watch that ends normally sooner than this without any event counts as a failure. */
const SHORT_WATCH_MS = 1000;
/** Beyond its server-side timeout, a watch is abandoned after this (a half-open connection). */
const WATCH_GRACE_MS = 30000;

/**
 * List + watch of one collection into memory, like client-go's reflector: list (paginated),
 * then watch from the list's resourceVersion with bookmarks. 410 Gone (the resourceVersion was
 * compacted away, or the API server restarted) relists, which replaces the cache, so objects
 * deleted while no watch ran disappear. Any other failure keeps what we have, reports the
 * error and retries with exponential backoff, resuming the watch from the last resourceVersion.
 * Until the first list succeeded, `synced` is false: callers must treat the cache as unknown.
 * Objects are indexed by namespace for cheap per-namespace reads.
 */
export class Reflector {
  readonly byNamespace = new Map<string, Map<string, CachedObject>>();
  /** Objects by the value of `indexLabel`, then by `namespace/name`. */
  private readonly byLabel = new Map<string, Map<string, CachedObject>>();
  /** The first list succeeded (stays true while the watch is retried; see `error`). */
  synced = false;
  lastEventAt?: Date;
  /** The last failure; cleared by a successful list, a watch event, or a watch open for a second. */
  error?: string;
  private resourceVersion?: string;
  /** A count of changes to the cache; per namespace, its value at the namespace's last change. */
  private changes = 0;
  private listedAt = 0;
  private readonly namespaceChangedAt = new Map<string, number>();
  private readonly abort = new AbortController();
  private stopped = false;
  private running?: Promise<void>;
  private readonly firstAttempt: Promise<void>;
  private resolveFirstAttempt!: () => void;

  constructor(private readonly options: ReflectorOptions) {
    this.firstAttempt = new Promise(resolve => {
      this.resolveFirstAttempt = resolve;
    });
  }

  start(): void {
    if (!this.running) this.running = this.loop();
  }

  /** Resolves after the first list succeeded or failed. */
  whenFirstAttempted(): Promise<void> {
    return this.firstAttempt;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    await this.running?.catch(() => {});
  }

  get size(): number {
    let n = 0;
    for (const m of this.byNamespace.values()) n += m.size;
    return n;
  }

  /**
   * A number that changes whenever the namespace's objects change (or the cache is listed
   * anew): answers derived from {@link namespace} may be reused while it stays the same.
   */
  namespaceVersion(ns: string): number {
    return Math.max(this.listedAt, this.namespaceChangedAt.get(ns) ?? 0);
  }

  namespace(ns: string): CachedObject[] {
    return [...(this.byNamespace.get(ns)?.values() ?? [])];
  }

  /** The objects whose `indexLabel` has this value, in every namespace. */
  withLabel(value: string): CachedObject[] {
    return [...(this.byLabel.get(value)?.values() ?? [])];
  }

  private unindex(obj: CachedObject | undefined) {
    const value = obj && this.options.indexLabel ? obj.metadata.labels?.[this.options.indexLabel] : undefined;
    if (value === undefined) return;
    const m = this.byLabel.get(value);
    m?.delete(`${obj!.metadata.namespace ?? ''}/${obj!.metadata.name}`);
    if (m && m.size === 0) this.byLabel.delete(value);
  }

  /** One object by namespace and name, without copying the namespace. */
  get(ns: string, name: string): CachedObject | undefined {
    return this.byNamespace.get(ns)?.get(name);
  }

  all(): CachedObject[] {
    return [...this.byNamespace.values()].flatMap(m => [...m.values()]);
  }

  private put(whole: CachedObject) {
    const obj = this.options.project ? this.options.project(whole) : whole;
    const ns = obj.metadata.namespace ?? '';
    this.namespaceChangedAt.set(ns, ++this.changes);
    let m = this.byNamespace.get(ns);
    if (!m) this.byNamespace.set(ns, (m = new Map()));
    this.unindex(m.get(obj.metadata.name));
    m.set(obj.metadata.name, obj);
    const value = this.options.indexLabel ? obj.metadata.labels?.[this.options.indexLabel] : undefined;
    if (value !== undefined) {
      let l = this.byLabel.get(value);
      if (!l) this.byLabel.set(value, (l = new Map()));
      l.set(`${ns}/${obj.metadata.name}`, obj);
    }
  }

  private remove(obj: CachedObject) {
    const ns = obj.metadata.namespace ?? '';
    this.namespaceChangedAt.set(ns, ++this.changes);
    const m = this.byNamespace.get(ns);
    this.unindex(m?.get(obj.metadata.name));
    m?.delete(obj.metadata.name);
    if (m && m.size === 0) this.byNamespace.delete(ns);
  }

  /** Lists every page, then replaces the cache with the result. */
  private async list() {
    const items: CachedObject[] = [];
    let cont: string | undefined;
    let rv: string;
    do {
      const page = await this.options.listWatch.list({
        limit: this.options.limit ?? 500,
        continue: cont,
        signal: this.abort.signal,
      });
      items.push(...page.items);
      rv = page.resourceVersion;
      cont = page.continue || undefined;
    } while (cont);
    this.byNamespace.clear();
    this.byLabel.clear();
    this.namespaceChangedAt.clear();
    this.listedAt = ++this.changes;
    for (const item of items) this.put(item);
    this.resourceVersion = rv;
    this.synced = true;
    this.error = undefined;
    this.lastEventAt = new Date();
    this.options.onChange?.();
  }

  /**
   * One watch from the current resourceVersion until the server ends it. Returns 'expired' when
   * the server answered 410 Gone in the stream; throws on failures (an ERROR event other than 410,
   * a transport error, a non-200 answer, or a stream closed at once without events).
   */
  private async watch(): Promise<'ended' | 'expired'> {
    const stream = new AbortController();
    const stopStream = () => stream.abort();
    this.abort.signal.addEventListener('abort', stopStream, { once: true });
    const timeoutSeconds = this.options.watchTimeoutSeconds?.() ?? 240 + Math.floor(Math.random() * 60);
    let deadlinePassed = false;
    const deadline = setTimeout(() => {
      deadlinePassed = true;
      stream.abort();
    }, timeoutSeconds * 1000 + WATCH_GRACE_MS);
    let expired = false;
    let failure: Error | undefined;
    let events = 0;
    const startedAt = Date.now();
    // Accepted is not yet current: a resourceVersion too old gets 410 right after the answer.
    let settled: NodeJS.Timeout | undefined;
    const onOpen = () => {
      settled = setTimeout(() => {
        if (!expired && !failure) this.error = undefined;
      }, SHORT_WATCH_MS);
    };
    const onEvent = (event: WatchEvent) => {
      if (expired || failure) return;
      const obj = event.object as CachedObject;
      switch (event.type) {
        case 'ADDED':
        case 'MODIFIED':
          this.put(obj);
          break;
        case 'DELETED':
          this.remove(obj);
          break;
        case 'BOOKMARK':
          break;
        case 'ERROR': {
          const status = event.object as { code?: number; message?: string };
          if (status?.code === 410) expired = true;
          else failure = new KubernetesApiError(status?.code ?? 500, status, status?.message ?? 'watch error');
          stream.abort();
          return;
        }
        default:
          return;
      }
      events++;
      if (obj?.metadata?.resourceVersion) this.resourceVersion = obj.metadata.resourceVersion;
      this.lastEventAt = new Date();
      this.error = undefined;
      if (event.type !== 'BOOKMARK') this.options.onChange?.();
    };
    try {
      await this.options.listWatch.watch(
        { resourceVersion: this.resourceVersion!, timeoutSeconds, signal: stream.signal },
        { onOpen, onEvent },
      );
    } catch (e) {
      // Our own abort (ERROR event, deadline, stop) is accounted for below.
      if (!stream.signal.aborted) throw e;
    } finally {
      clearTimeout(deadline);
      clearTimeout(settled);
      this.abort.signal.removeEventListener('abort', stopStream);
    }
    if (expired) return 'expired';
    if (failure) throw failure;
    if (!deadlinePassed && !this.stopped && events === 0 && Date.now() - startedAt < SHORT_WATCH_MS) {
      throw new Error('the watch was closed at once, without any event');
    }
    return 'ended';
  }

  private async loop() {
    const { initialMs, maxMs } = this.options.backoff ?? { initialMs: 500, maxMs: 30000 };
    let delay = initialMs;
    let needList = true;
    let lastExpiredAt = 0;
    const expiredAgain = () => {
      // Relist at once after a 410, unless the previous 410 was just now: then back off.
      const again = Date.now() - lastExpiredAt < SHORT_WATCH_MS;
      lastExpiredAt = Date.now();
      return again;
    };
    while (!this.stopped) {
      let wait = false;
      try {
        if (needList) {
          await this.list();
          needList = false;
          this.resolveFirstAttempt();
        }
        if ((await this.watch()) === 'expired') {
          needList = true;
          wait = expiredAgain();
        } else {
          delay = initialMs;
        }
      } catch (e) {
        if (this.stopped) break;
        if (statusCodeOf(e) === 410) {
          // A list continued with a compacted token, or a watch refused as too old.
          needList = true;
          wait = expiredAgain();
        } else {
          this.error = toClusterError(this.options.listWatch.cluster, e, this.options.what).message;
          // Resume the watch from the last resourceVersion; without one, list again.
          needList = needList || !this.resourceVersion;
          wait = true;
          this.resolveFirstAttempt();
        }
      }
      if (wait && !this.stopped) {
        await sleep(delay + Math.random() * delay * 0.2, this.abort.signal);
        delay = Math.min(delay * 2, maxMs);
      }
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise(resolve => {
    let timer: ReturnType<typeof setTimeout> | undefined = undefined;
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
