import { KubeHttp } from './KubeClients';
import type { CachedObject } from './Reflector';

/** One page of a list, with the collection's resourceVersion. */
export interface ListPage {
  items: CachedObject[];
  resourceVersion: string;
  /** Token for the next page; absent on the last one. */
  continue?: string;
}

/**
 * One watch event as the API server sends it. `object` is the changed object, the
 * BOOKMARK's object (only `metadata.resourceVersion` counts) or, for ERROR, a `Status`.
 */
export interface WatchEvent {
  type: string;
  object: any;
}

/**
 * The transport under a {@link Reflector}, like client-go's ListerWatcher: how one collection
 * is listed and watched. The reflector owns the list/watch/relist logic on top of it, so its
 * failure paths can be exercised with a stub. Failed calls throw; a non-2xx answer throws a
 * `KubernetesApiError` carrying the HTTP status (410 Gone makes the reflector relist).
 */
export interface ListWatch {
  /** The cluster read from, for error messages. */
  readonly cluster: string;
  /** One page of the list (a consistent read: no resourceVersion is sent). */
  list(options: { limit: number; continue?: string; signal: AbortSignal }): Promise<ListPage>;
  /**
   * Streams the changes after `resourceVersion`, with bookmarks. Calls `onOpen` once the
   * server accepted the watch and `onEvent` for each event; resolves when the server ends the
   * stream (its timeout); rejects on transport errors and non-200 answers.
   */
  watch(
    options: { resourceVersion: string; timeoutSeconds: number; signal: AbortSignal },
    handlers: { onOpen: () => void; onEvent: (event: WatchEvent) => void },
  ): Promise<void>;
}

/** A collection on a real API server, over the cluster's {@link KubeHttp} client. */
export class KubeListWatch implements ListWatch {
  /**
   * @param path resolved on every call, so a served version found by a later discovery is used
   * @param query extra query parameters for both, e.g. a field selector
   */
  constructor(
    private readonly api: KubeHttp,
    private readonly path: () => Promise<string>,
    private readonly query: Record<string, string> = {},
  ) {}

  get cluster(): string {
    return this.api.cluster;
  }

  async list(options: { limit: number; continue?: string; signal: AbortSignal }): Promise<ListPage> {
    const page = await this.api.request<{
      items: CachedObject[];
      metadata: { resourceVersion: string; continue?: string };
    }>('GET', await this.path(), {
      query: { ...this.query, limit: options.limit, continue: options.continue },
      timeoutMs: 60000,
      signal: options.signal,
    });
    return {
      items: page.items ?? [],
      resourceVersion: page.metadata.resourceVersion,
      ...(page.metadata.continue ? { continue: page.metadata.continue } : {}),
    };
  }

  async watch(
    options: { resourceVersion: string; timeoutSeconds: number; signal: AbortSignal },
    handlers: { onOpen: () => void; onEvent: (event: WatchEvent) => void },
  ): Promise<void> {
    await this.api.watch(
      await this.path(),
      {
        ...this.query,
        resourceVersion: options.resourceVersion,
        allowWatchBookmarks: true,
        timeoutSeconds: options.timeoutSeconds,
      },
      handlers.onEvent,
      options.signal,
      handlers.onOpen,
    );
  }
}
