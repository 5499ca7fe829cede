import { useApi } from '@backstage/core-plugin-api';
import { useReloadable } from './useReloadable';
import { egressApiRef } from '../api/EgressApi';
import {
  EgressCluster,
  EgressRequest,
  EntityEgress,
  RequestTarget,
} from '../api/types';

/** Statuses whose per-cluster apply state is worth showing in the history. */
const APPLYING = new Set(['approved', 'active', 'revoking']);

/** Everything the entity's Egress tab shows. */
export interface EntityEgressOverview {
  entity: EntityEgress;
  /** By cluster name; a cluster missing here is shown by its name. */
  clusters: Map<string, EgressCluster>;
  /** The entity's requests, newest first. */
  requests: EgressRequest[];
  /** Per-cluster apply state of requests being applied or in force, by request id. */
  targets: Map<string, RequestTarget[]>;
}

/**
 * Loads the entity's inventory per target cluster, the cluster states and the
 * entity's requests. A failure of the cluster list or of one request's detail
 * does not hide the rest.
 */
export function useEntityEgress(entityRef: string) {
  const egressApi = useApi(egressApiRef);
  return useReloadable(async (): Promise<EntityEgressOverview> => {
    const [entity, clusterList] = await Promise.all([
      egressApi.getEntity(entityRef),
      egressApi.listClusters().catch(() => [] as EgressCluster[]),
    ]);
    // GET /entity carries the requests; older backends need the list call.
    const requests =
      entity.requests ?? (await egressApi.listRequests({ entityRef, limit: 200 })).items;
    const targets = new Map<string, RequestTarget[]>();
    const applying = requests.filter(r => APPLYING.has(r.status));
    if (entity.targets) {
      // GET /entity carries every target in one answer.
      const wanted = new Set(applying.map(r => r.id));
      for (const target of entity.targets) {
        if (!wanted.has(target.requestId)) continue;
        targets.set(target.requestId, [...(targets.get(target.requestId) ?? []), target]);
      }
    } else {
      // Older backends: one detail call per request being applied or in force.
      const details = await Promise.all(
        applying.slice(0, 20).map(r => egressApi.getRequest(r.id).catch(() => undefined)),
      );
      for (const detail of details) {
        if (detail) targets.set(detail.request.id, detail.targets);
      }
    }
    return {
      entity,
      clusters: new Map(clusterList.map(c => [c.name, c])),
      requests,
      targets,
    };
  }, [egressApi, entityRef]);
}
