import {
  ClusterEgressSettingsInput,
  GatewayUsage,
  KubernetesManifest,
  renderManifests,
} from '@backstage-egress/plugin-egress-common';
import { desiredHash, renderable } from './hashing';

type Renderable = Parameters<typeof renderable>[0];

/** A request's manifests in one cluster, with the hash drift is judged by. */
export interface RenderedBundle {
  manifests: KubernetesManifest[];
  hash: string;
}

/**
 * Rendering of stored requests, remembered by what rendering takes of them
 * (the request's renderable fields and the cluster): the entity tab and the
 * request lists show Istio's verdict and the sync state of every applied
 * target on each call, and re-rendering (and re-hashing) every request each
 * time made their cost grow with the number of requests, not with what
 * changed. A changed request renders anew (its key changes); the oldest
 * entries go beyond `limit`. Callers must not modify the returned manifests.
 *
 * A request through the egress gateway renders its hosts' shared objects with
 * the other requests' use of the gateway: given `others`, the use of the
 * request's own hosts is part of the key, so a change in who else uses a host
 * renders anew.
 */
export class RenderedManifests {
  private readonly bundles = new Map<string, RenderedBundle>();
  private readonly byObject = new WeakMap<Renderable, { content: string; byCluster: Map<string, RenderedBundle> }>();

  constructor(
    private readonly clusterSettings: (name: string) => ClusterEgressSettingsInput,
    private readonly limit = 2000,
  ) {}

  of(request: Renderable, cluster: string, others?: GatewayUsage): RenderedBundle {
    // One view asks for the same request object more than once (its sync state, Istio's
    // verdict) and for each of its clusters: the content key is built once per object.
    let seen = this.byObject.get(request);
    if (!seen) this.byObject.set(request, (seen = { content: JSON.stringify(renderable(request)), byCluster: new Map() }));
    const where = others ? `${cluster}\n${usageKey(request, others)}` : cluster;
    const known = seen.byCluster.get(where);
    if (known) return known;
    const bundle = this.byContent(request, seen.content, where, cluster, others);
    seen.byCluster.set(where, bundle);
    return bundle;
  }

  private byContent(request: Renderable, content: string, where: string, cluster: string, others?: GatewayUsage): RenderedBundle {
    const key = `${where}\n${content}`;
    let bundle = this.bundles.get(key);
    if (bundle) {
      // Most recently used last: the Map's order is the eviction order.
      this.bundles.delete(key);
    } else {
      const manifests = renderManifests(renderable(request), this.clusterSettings(cluster), others);
      bundle = { manifests, hash: desiredHash(manifests) };
    }
    this.bundles.set(key, bundle);
    if (this.bundles.size > this.limit) this.bundles.delete(this.bundles.keys().next().value!);
    return bundle;
  }

  /** Rendered bundles currently remembered (tests). */
  get size(): number {
    return this.bundles.size;
  }
}

/** What rendering takes of the others' use of the gateway: their use of the request's hosts. */
function usageKey(request: Renderable, others: GatewayUsage): string {
  return JSON.stringify((request.hosts ?? []).map(host => others[host] ?? null));
}
