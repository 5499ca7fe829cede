/**
 * Row locks that make a check and the insert it guards one step: taken inside
 * the creating transaction (PostgreSQL: row locks until commit; SQLite: the
 * database's write lock), so simultaneous creates cannot both pass a check.
 * Whoever takes both kinds takes the gateway hosts' rows first.
 */
import { Knex } from 'knex';
import { LIVE_STATUSES } from '../lifecycle';
import { RequestRow, toRequest } from './rows';
import { StoredEgressRequest } from './EgressStore';

const NAMESPACE_CLAIMS = 'egress_namespace_claims';
const GATEWAY_HOST_CLAIMS = 'egress_gateway_host_claims';

/** Locks the namespace's row; returns the namespace's live requests. */
export async function claimNamespace(tx: Knex.Transaction, namespace: string, at: string): Promise<StoredEgressRequest[]> {
  await tx(NAMESPACE_CLAIMS).insert({ namespace, claimed_at: at }).onConflict('namespace').ignore();
  await tx(NAMESPACE_CLAIMS).where({ namespace }).update({ claimed_at: at });
  const live = await tx<RequestRow>('egress_requests').where({ namespace }).whereIn('status', [...LIVE_STATUSES]);
  return live.map(toRequest);
}

/**
 * Locks the row of every cluster and host (in one sorted order, so two
 * creates never wait on each other in a cycle); returns the live requests
 * that route through the egress gateway on any of the clusters.
 */
export async function claimGatewayHosts(
  tx: Knex.Transaction,
  clusters: readonly string[],
  hosts: readonly string[],
  at: string,
): Promise<StoredEgressRequest[]> {
  const keys = clusters
    .flatMap(cluster => hosts.map(host => ({ cluster, host })))
    .sort((a, b) => (a.cluster === b.cluster ? compare(a.host, b.host) : compare(a.cluster, b.cluster)));
  for (const key of keys) {
    await tx(GATEWAY_HOST_CLAIMS).insert({ ...key, claimed_at: at }).onConflict(['cluster', 'host']).ignore();
    await tx(GATEWAY_HOST_CLAIMS).where(key).update({ claimed_at: at });
  }
  const live = await tx<RequestRow>('egress_requests')
    .whereIn('status', [...LIVE_STATUSES])
    .whereExists(function onTheClusters() {
      this.select('*')
        .from('egress_request_targets')
        .whereRaw('egress_request_targets.request_id = egress_requests.id')
        .whereIn('egress_request_targets.cluster', [...clusters]);
    });
  return live.map(toRequest).filter(r => r.viaEgressGateway);
}

function compare(a: string, b: string) {
  if (a < b) return -1;
  return a > b ? 1 : 0;
}
