import {
  LOCKDOWN_SIDECAR_NAME,
  NETWORK_POLICY_NAME,
  OrphanReason,
} from '@backstage-egress/plugin-egress-common';
import { EgressStore, RequestFilter, StoredEgressRequest } from '../database/EgressStore';
import { IstioKind } from '../kubernetes/types';

/**
 * An object shared by every request of a namespace that asks for it (label
 * `egress.backstage.io/shared: namespace`): it exists on a cluster while at
 * least one approved, active or revoking request of the namespace there asks
 * for it.
 */
export interface NamespaceSharedObject {
  kind: IstioKind;
  name: string;
  /** The object in the user's words, e.g. "lockdown Sidecar" (audit and orphan messages). */
  title: string;
  /** What a request asks for, in the user's words. */
  what: string;
  asks(request: Pick<StoredEgressRequest, 'lockdownNamespace' | 'namespaceNetworkPolicy'>): boolean;
  /** The store filter selecting requests that ask for it, where the store has one. */
  filter: Partial<RequestFilter>;
  orphanReason: OrphanReason;
}

/** The namespace-wide objects: the lockdown Sidecar and the NetworkPolicy. */
export const NAMESPACE_SHARED: readonly NamespaceSharedObject[] = [
  {
    kind: 'Sidecar',
    name: LOCKDOWN_SIDECAR_NAME,
    title: 'lockdown Sidecar',
    what: 'lockdown',
    asks: r => r.lockdownNamespace === true,
    filter: {},
    orphanReason: 'no-lockdown-request',
  },
  {
    kind: 'NetworkPolicy',
    name: NETWORK_POLICY_NAME,
    title: 'namespace NetworkPolicy',
    what: 'the namespace NetworkPolicy',
    asks: r => r.namespaceNetworkPolicy === true,
    filter: { networkPolicy: true },
    orphanReason: 'no-network-policy-request',
  },
];

/**
 * A request of `namespace` on `cluster` in one of `statuses`, other than
 * `exceptId`, that asks for `object`; undefined when there is none.
 */
export async function holderOf(
  store: EgressStore,
  object: NamespaceSharedObject,
  options: { namespace: string; cluster: string; statuses: readonly StoredEgressRequest['status'][]; exceptId?: string },
): Promise<StoredEgressRequest | undefined> {
  let cursor: string | undefined;
  do {
    const page = await store.listRequests({
      namespace: options.namespace,
      cluster: options.cluster,
      status: [...options.statuses],
      ...object.filter,
      limit: 500,
      cursor,
    });
    const holder = page.items.find(r => r.id !== options.exceptId && object.asks(r));
    if (holder) return holder;
    cursor = page.nextCursor;
  } while (cursor);
  return undefined;
}
