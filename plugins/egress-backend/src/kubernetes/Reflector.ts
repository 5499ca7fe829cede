import { KubeHttp } from './KubeClients';
import { statusCodeOf, toClusterError } from './errors';

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
  api: KubeHttp;
  /** Describes what is watched, for error messages: e.g. "watching ServiceEntries". */
  what: string;
  /** Resolves the collection path on each (re)list, so a discovery change is picked up. */
  path: () => Promise<string>;
  query?: Record<string, string>;
  /** Called after every change (list or event). */
  onChange?: () => void;
  backoff?: { initialMs: number; maxMs: number };
  /** Page size of lists. */
  limit?: number;
}

/**
 * List + watch of one collection into memory, like client-go's reflector:
 * list (paginated), then watch from the list's resourceVersion with
 * bookmarks; relist when the server says 410 Gone; on any other failure keep
 * what we have, report the error and retry with exponential backoff.
 * Objects are indexed by namespace for cheap per-namespace reads.
 */
export class Reflector {
  readonly byNamespace = new Map<string, Map<string, CachedObject>>();
  synced = false;
  lastEventAt?: Date;
  error?: string;
  private resourceVersion?: string;
  private abort = new AbortController();
  private stopped = false;
  private running?: Promise<void>;
  private firstAttempt: Promise<void>;
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

  namespace(ns: string): CachedObject[] {
    return [...(this.byNamespace.get(ns)?.values() ?? [])];
  }

  all(): CachedObject[] {
    return [...this.byNamespace.values()].flatMap(m => [...m.values()]);
  }

  private put(obj: CachedObject) {
    const ns = obj.metadata.namespace ?? '';
    let m = this.byNamespace.get(ns);
    if (!m) this.byNamespace.set(ns, (m = new Map()));
    m.set(obj.metadata.name, obj);
  }

  private remove(obj: CachedObject) {
    const ns = obj.metadata.namespace ?? '';
    const m = this.byNamespace.get(ns);
    m?.delete(obj.metadata.name);
    if (m && m.size === 0) this.byNamespace.delete(ns);
  }

  private async list(path: string) {
    const items: CachedObject[] = [];
    let cont: string | undefined;
    let rv: string | undefined;
    do {
      const page = await this.options.api.request<{
        items: CachedObject[];
        metadata: { resourceVersion: string; continue?: string };
      }>('GET', path, {
        query: { ...this.options.query, limit: this.options.limit ?? 500, continue: cont },
        timeoutMs: 60000,
        signal: this.abort.signal,
      });
      items.push(...page.items);
      rv = page.metadata.resourceVersion;
      cont = page.metadata.continue || undefined;
    } while (cont);
    this.byNamespace.clear();
    for (const item of items) this.put(item);
    this.resourceVersion = rv;
    this.synced = true;
    this.error = undefined;
    this.lastEventAt = new Date();
    this.options.onChange?.();
  }

  private async loop() {
    const { initialMs, maxMs } = this.options.backoff ?? { initialMs: 500, maxMs: 30000 };
    let delay = initialMs;
    let needList = true;
    while (!this.stopped) {
      try {
        const path = await this.options.path();
        if (needList) {
          await this.list(path);
          needList = false;
          this.resolveFirstAttempt();
        }
        let gone = false;
        await this.options.api.watch(
          path,
          {
            ...this.options.query,
            resourceVersion: this.resourceVersion,
            allowWatchBookmarks: true,
            timeoutSeconds: 240 + Math.floor(Math.random() * 60),
          },
          event => {
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
                if (status.code === 410) gone = true;
                else throw new Error(status.message ?? 'watch error');
                return;
              }
              default:
                return;
            }
            if (obj?.metadata?.resourceVersion) this.resourceVersion = obj.metadata.resourceVersion;
            this.lastEventAt = new Date();
            this.error = undefined;
            if (event.type !== 'BOOKMARK') this.options.onChange?.();
          },
          this.abort.signal,
        );
        // A server-side timeout ends the stream normally: watch again from
        // the last resourceVersion; 410 Gone means it is too old: relist.
        if (gone) needList = true;
        delay = initialMs;
      } catch (e) {
        if (this.stopped) break;
        this.error = toClusterError(this.options.api.cluster, e, this.options.what).message;
        if (statusCodeOf(e) === 410 || !this.resourceVersion) needList = true;
        else needList = true; // connection trouble: relist to be safe once back
        this.resolveFirstAttempt();
        await sleep(delay + Math.random() * delay * 0.2, this.abort.signal);
        delay = Math.min(delay * 2, maxMs);
      }
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise(resolve => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(t);
      resolve();
    }, { once: true });
  });
}
