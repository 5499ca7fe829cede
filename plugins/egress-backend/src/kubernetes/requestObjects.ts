/**
 * The objects carrying one request's id (and our managed-by label) on a
 * cluster, wherever they are: the request's namespace or the egress
 * gateway's, for every managed kind. Deleting them is both a request's
 * removal and the pruning after an apply (objects the bundle no longer has,
 * e.g. the per-namespace Gateway of the layout before gateway sharing).
 */
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE, REQUEST_ID_LABEL } from '@backstage-egress/plugin-egress-common';
import { statusCodeOf, toClusterError } from './errors';
import { KubeHttp } from './KubeClients';
import { collectionPath, KIND_ORDER, objectPath, ServedVersions } from './kinds';
import { CachedObject } from './Reflector';
import { ApplyOutcome } from './types';

/** The namespaces a request's objects may be in: its own and the gateway's. */
export function requestNamespaces(requestNamespace: string, gatewayNamespace: string): string[] {
  return [...new Set([requestNamespace, gatewayNamespace])];
}

/** Identity of an object in a bundle, for `keep`. */
export const objectKey = (o: { kind: string; namespace: string; name: string }) => `${o.kind}/${o.namespace}/${o.name}`;

/**
 * Deletes every object labelled with `requestId` in `namespaces` (kinds in
 * reverse dependency order) except those whose {@link objectKey} is in
 * `keep`; preconditions make sure the object deleted is the one listed.
 */
export async function deleteRequestObjects(
  cluster: string,
  api: KubeHttp,
  versions: ServedVersions,
  options: { requestId: string; namespaces: string[]; keep?: ReadonlySet<string> },
): Promise<ApplyOutcome[]> {
  const { requestId } = options;
  const outcomes: ApplyOutcome[] = [];
  const labelSelector = `${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE},${REQUEST_ID_LABEL}=${requestId}`;
  // Every list at once (they are independent reads); the deletions go in reverse dependency order.
  const lists = [...KIND_ORDER].reverse().flatMap(kind =>
    options.namespaces.map(async namespace => {
      try {
        const list = await api.request<{ items: CachedObject[] }>('GET', collectionPath(kind, versions[kind], namespace), {
          query: { labelSelector },
        });
        return { kind, namespace, items: list.items };
      } catch (e) {
        const err = toClusterError(cluster, e, `listing ${kind}s of request ${requestId} in ${namespace}`);
        return { kind, namespace, failed: { kind, namespace, name: '*', action: 'failed' as const, error: err.message, errorType: err.name } };
      }
    }),
  );
  for (const listed of await Promise.all(lists)) {
    const { kind, namespace } = listed;
    if (listed.failed) {
      outcomes.push(listed.failed);
      continue;
    }
    for (const item of listed.items) {
      const name = item.metadata.name;
      if (options.keep?.has(objectKey({ kind, namespace, name }))) continue;
      try {
        await api.request('DELETE', objectPath(kind, versions[kind], namespace, name), {
          body: {
            kind: 'DeleteOptions',
            apiVersion: 'v1',
            preconditions: { uid: item.metadata.uid, resourceVersion: item.metadata.resourceVersion },
          },
        });
        outcomes.push({ kind, namespace, name, action: 'deleted' });
      } catch (e) {
        if (statusCodeOf(e) === 404) {
          outcomes.push({ kind, namespace, name, action: 'absent' });
        } else {
          const err = toClusterError(cluster, e, `deleting ${kind} ${namespace}/${name}`);
          outcomes.push({ kind, namespace, name, action: 'failed', error: err.message, errorType: err.name });
        }
      }
    }
  }
  return outcomes;
}
