/**
 * All-or-nothing apply of one request's bundle on one cluster: a preflight
 * reads every name first and refuses the whole bundle on any object we do not
 * manage (or any read that fails), then the resources are applied in the kind
 * registry's dependency order, and on a failure whatever this attempt created
 * is deleted again.
 */
import { KubernetesManifest, MANAGED_BY_LABEL, MANAGED_BY_VALUE, SHARED_LABEL } from '@backstage-egress/plugin-egress-common';
import { statusCodeOf, toClusterError } from './errors';
import { KubeHttp } from './KubeClients';
import { apiVersionOf, isManagedKind, KIND_ORDER, objectPath, ServedVersions } from './kinds';
import { CachedObject } from './Reflector';
import { ApplyOutcome, BundleResult, IstioKind } from './types';

/** Field manager of every server-side apply. */
export const FIELD_MANAGER = 'backstage-egress';

/** Whether the object carries our managed-by label. */
export function isOurs(obj: CachedObject | undefined): boolean {
  return obj?.metadata.labels?.[MANAGED_BY_LABEL] === MANAGED_BY_VALUE;
}

/** A bundle result: ok when no outcome failed, `error` the first failure (or `error` given). */
export function bundleResult(cluster: string, outcomes: ApplyOutcome[], error?: string): BundleResult {
  const failed = outcomes.find(o => o.action === 'failed');
  const message = error ?? failed?.error;
  return { cluster, ok: !failed, outcomes, ...(message ? { error: message } : {}) };
}

type Planned = { manifest: KubernetesManifest; kind: IstioKind; path: string; existing?: CachedObject };

const NOTHING_APPLIED = 'nothing of the bundle was applied';

export async function applyAllOrNothing(
  cluster: string,
  api: KubeHttp,
  versions: () => Promise<ServedVersions>,
  manifests: KubernetesManifest[],
): Promise<BundleResult> {
  const ordered = [...manifests].sort((a, b) => rank(a.kind) - rank(b.kind));
  const preflight = await plan(cluster, api, versions, ordered);
  if ('refused' in preflight) return bundleResult(cluster, preflight.refused);

  const outcomes: ApplyOutcome[] = [];
  const created: Array<{ index: number; path: string; uid?: string; sharedVersion?: string }> = [];
  // Kind by kind in dependency order; the objects of one kind (e.g. a request's VirtualService and
  // its host's gateway-bound one) do not depend on each other and go to the server together.
  for (const group of byKind(preflight.planned)) {
    const served = await versions();
    const results = await Promise.all(group.map(step => applyOne(cluster, api, step, served)));
    results.forEach(({ outcome, applied }, i) => {
      outcomes.push(outcome);
      if (outcome.action !== 'created') return;
      // A shared object another request applied since (new resourceVersion) is theirs too: it stays.
      const shared = group[i].manifest.metadata.labels?.[SHARED_LABEL] !== undefined;
      created.push({
        index: outcomes.length - 1,
        path: group[i].path,
        uid: applied?.metadata.uid,
        ...(shared && applied?.metadata.resourceVersion ? { sharedVersion: applied.metadata.resourceVersion } : {}),
      });
    });
    if (results.some(r => r.outcome.action === 'failed')) break;
  }
  const failed = outcomes.find(o => o.action === 'failed');
  if (!failed) return bundleResult(cluster, outcomes);

  // Undo this attempt's creations, last first; objects that existed before stay as they are.
  const leftBehind: string[] = [];
  for (const { index, path, uid, sharedVersion } of [...created].reverse()) {
    const outcome = outcomes[index];
    const preconditions = { ...(uid ? { uid } : {}), ...(sharedVersion ? { resourceVersion: sharedVersion } : {}) };
    try {
      await api.request('DELETE', path, { body: { kind: 'DeleteOptions', apiVersion: 'v1', preconditions } });
      outcomes[index] = { ...outcome, action: 'rolled-back' };
    } catch (e) {
      if (statusCodeOf(e) === 404) {
        outcomes[index] = { ...outcome, action: 'rolled-back' };
      } else if (sharedVersion && statusCodeOf(e) === 409) {
        // Applied by another request meanwhile: in use, left in place (created stays true).
      } else {
        const err = toClusterError(cluster, e, `removing ${outcome.kind} ${outcome.namespace}/${outcome.name} after the failure`);
        outcomes[index] = { ...outcome, error: err.message };
        leftBehind.push(`${outcome.kind} ${outcome.namespace}/${outcome.name}`);
      }
    }
  }
  return bundleResult(cluster, outcomes, `${failed.error} (${undoneWhat(created.length, leftBehind)})`);
}

/** What undoing a failed attempt achieved, for the error message. */
function undoneWhat(created: number, leftBehind: string[]): string {
  if (created === 0) return 'nothing had been created';
  if (leftBehind.length === 0) return `the ${created} resource(s) this attempt created were removed`;
  return `${leftBehind.join(', ')} could not be removed and will be on the next attempt`;
}

/** Consecutive steps of the same kind (the steps are in dependency order). */
function byKind(steps: Planned[]): Planned[][] {
  const groups: Planned[][] = [];
  for (const step of steps) {
    const last = groups[groups.length - 1];
    if (last && last[0].kind === step.kind) last.push(step);
    else groups.push([step]);
  }
  return groups;
}

function rank(kind: string): number {
  const i = KIND_ORDER.indexOf(kind as IstioKind);
  return i < 0 ? KIND_ORDER.length : i;
}

/** Reads every name of the bundle; refuses it whole on an unmanaged object, an unknown kind or a failed read. */
async function plan(
  cluster: string,
  api: KubeHttp,
  versions: () => Promise<ServedVersions>,
  ordered: KubernetesManifest[],
): Promise<{ planned: Planned[] } | { refused: ApplyOutcome[] }> {
  // Every name is read at once (the reads are independent); the verdicts keep the bundle's order.
  const checks = await Promise.all(ordered.map(async (manifest): Promise<Planned | ApplyOutcome> => {
    const { kind } = manifest;
    const { namespace, name } = manifest.metadata;
    const id = { kind, namespace, name };
    const doing = `applying ${kind} ${namespace}/${name}`;
    if (!isManagedKind(kind)) {
      return { ...id, action: 'failed', error: `Cluster '${cluster}': ${doing}: kind ${kind} is not managed by the egress plugin; ${NOTHING_APPLIED}`, errorType: 'InputError' };
    }
    if (manifest.metadata.labels?.[MANAGED_BY_LABEL] !== MANAGED_BY_VALUE) {
      return { ...id, action: 'failed', error: `Cluster '${cluster}': ${doing}: the manifest lacks the ${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE} label; ${NOTHING_APPLIED}`, errorType: 'InputError' };
    }
    try {
      const path = objectPath(kind, (await versions())[kind], namespace, name);
      let existing: CachedObject | undefined;
      try {
        existing = await api.request<CachedObject>('GET', path);
      } catch (e) {
        if (statusCodeOf(e) !== 404) throw e;
      }
      if (existing && !isOurs(existing)) {
        return {
          ...id,
          action: 'failed',
          error: `Cluster '${cluster}': ${kind} ${namespace}/${name} already exists and is not managed by backstage-egress (no ${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE} label); it was left unchanged and ${NOTHING_APPLIED}`,
          errorType: 'ConflictError',
        };
      }
      return { manifest, kind, path, existing };
    } catch (e) {
      const err = toClusterError(cluster, e, `reading ${kind} ${namespace}/${name} before applying`);
      return { ...id, action: 'failed', error: `${err.message}; ${NOTHING_APPLIED}`, errorType: err.name };
    }
  }));
  const planned = checks.filter((c): c is Planned => 'manifest' in c);
  const refused = checks.filter((c): c is ApplyOutcome => !('manifest' in c));
  return refused.length > 0 ? { refused } : { planned };
}

async function applyOne(
  cluster: string,
  api: KubeHttp,
  { manifest, kind, path, existing }: Planned,
  versions: ServedVersions,
): Promise<{ outcome: ApplyOutcome; applied?: CachedObject }> {
  const { namespace, name } = manifest.metadata;
  const id = { kind, namespace, name };
  try {
    const applied = await api.request<CachedObject>('PATCH', path, {
      query: { fieldManager: FIELD_MANAGER, ...(existing ? { force: true } : {}) },
      contentType: 'application/apply-patch+yaml',
      body: { ...manifest, apiVersion: apiVersionOf(kind, versions[kind]) },
    });
    if (!existing) return { outcome: { ...id, action: 'created' }, applied };
    const same = applied.metadata.resourceVersion === existing.metadata.resourceVersion;
    return { outcome: { ...id, action: same ? 'unchanged' : 'configured' }, applied };
  } catch (e) {
    const err = toClusterError(cluster, e, `applying ${kind} ${namespace}/${name}`);
    return { outcome: { ...id, action: 'failed', error: err.message, errorType: err.name } };
  }
}
