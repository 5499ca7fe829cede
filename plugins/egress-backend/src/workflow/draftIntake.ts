import { BackstageCredentials, BackstageUserPrincipal } from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import {
  DraftValidationResult,
  EgressPolicy,
  EgressRequestDraft,
  NormalizedDraft,
  isRequestId,
  validateDraft,
} from '@backstage-egress/plugin-egress-common';
import { CLUSTERS_ANNOTATION, annotatedClusters } from '../catalog/annotations';
import { EntityTargetResolver } from '../catalog/EntityTargets';
import { StoredEgressRequest } from '../database/EgressStore';
import { renderable } from './hashing';

type UserCredentials = BackstageCredentials<BackstageUserPrincipal>;

/**
 * Reads a draft as sent by a client: resolves its entity (namespace,
 * ownership, allowed clusters), fills the namespace from it and validates.
 */
export async function readDraft(
  body: object,
  credentials: UserCredentials,
  deps: {
    targets: EntityTargetResolver;
    clusterNames(): string[];
    policy: EgressPolicy;
    now: Date;
  },
) {
  const input = body as Record<string, unknown>;
  if (typeof input.entityRef !== 'string') {
    throw new InputError('entityRef: is required');
  }
  const entityRef = normalizeEntityRef(input.entityRef);
  const requested = Array.isArray(input.clusters)
    ? input.clusters.filter((c): c is string => typeof c === 'string').map(c => c.trim())
    : undefined;
  const { entity, namespace } = await deps.targets
    .resolve(entityRef, credentials, { verifyOwnership: true, clusters: requested })
    .catch(e => {
      // A draft naming a missing entity is a bad draft, not a missing route.
      throw e instanceof NotFoundError ? new InputError(e.message) : e;
    });
  if (input.namespace !== undefined && input.namespace !== namespace) {
    throw new InputError(`namespace: must be ${namespace}, the namespace of ${entityRef}`);
  }
  const validation: DraftValidationResult = validateDraft(
    { ...input, entityRef, namespace },
    { now: deps.now, knownClusters: deps.clusterNames(), requireJustification: deps.policy.requireJustification },
  );
  const allowed = annotatedClusters(entity);
  if (allowed && Array.isArray(input.clusters)) {
    input.clusters.forEach((cluster, i) => {
      if (typeof cluster === 'string' && !allowed.includes(cluster.trim())) {
        validation.errors.push({
          path: `clusters[${i}]`,
          code: 'cluster-not-allowed',
          message: `clusters[${i}]: ${entityRef} may only use ${allowed.join(', ')} (${CLUSTERS_ANNOTATION})`,
        });
        validation.valid = false;
      }
    });
  }
  return { validation, entityRef, entity };
}

/** The entity ref in its canonical form; InputError when it does not parse. */
export function normalizeEntityRef(entityRef: string): string {
  try {
    return stringifyEntityRef(parseEntityRef(entityRef));
  } catch (e) {
    throw new InputError(`entityRef: ${(e as Error).message}`);
  }
}

/** The client-chosen id of a draft, once validation accepted it. */
export function requestIdOf(input: object): string | undefined {
  const id = (input as { id?: unknown }).id;
  return isRequestId(id) ? id : undefined;
}

/** Whether a stored request holds exactly this normalised draft (the fields rendering takes). */
export function sameDraft(request: StoredEgressRequest, draft: NormalizedDraft): boolean {
  const fields = (r: EgressRequestDraft) =>
    canonical(renderable({ ...r, id: '', requestedBy: undefined, decidedBy: undefined, status: undefined }));
  return fields(request) === fields(draft);
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}
