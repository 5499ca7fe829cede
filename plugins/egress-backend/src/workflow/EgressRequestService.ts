import {
  BackstageCredentials,
  BackstageUserPrincipal,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import { AuthorizeResult, BasicPermission, ResourcePermission } from '@backstage/plugin-permission-common';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ClusterEgressSettingsInput,
  ClusterManifests,
  DraftValidationResult,
  EgressPolicy,
  EgressRequestDraft,
  EgressRequestStatus,
  NamespaceInventory,
  NormalizedDraft,
  PreviewResult,
  RequestActionName,
  RequestDetail,
  egressRequestCreatePermission,
  egressRequestReadPermission,
  evaluatePolicy,
  isRequestId,
  manifestsToYaml,
  renderManifests,
  riskFlags,
  validateDraft,
} from '@backstage-egress/plugin-egress-common';
import { Request } from 'express';
import { randomUUID } from 'node:crypto';
import { CLUSTERS_ANNOTATION, annotatedClusters } from '../catalog/annotations';
import { EntityTargetResolver } from '../catalog/EntityTargets';
import { EgressStore, StoredEgressRequest } from '../database/EgressStore';
import { EgressAuditor } from './audit';
import { EgressNotifier } from './notifier';
import { Reconciler } from './Reconciler';
import { renderable } from './hashing';
import { overlappingRequests, unmanagedOverlaps } from './overlaps';
import { IstioVerdictSource, withIstioVerdicts } from './istioVerdicts';
import { actionCallers, withSync, withViews } from './requestViews';
import { RenderedManifests } from './renderedManifests';
import { assertAction } from '../lifecycle';

/** Actor of decisions made by the policy. */
export const POLICY_ACTOR = 'policy';

/** What the preview shows as the approver until someone approves. */
export const APPROVER_PLACEHOLDER = '(set on approval to the approver)';

type UserCredentials = BackstageCredentials<BackstageUserPrincipal>;

// ClusterManifests, PreviewResult and RequestDetail are what the routes
// answer: wire types of the common package.
export type { ClusterManifests, PreviewResult, RequestDetail } from '@backstage-egress/plugin-egress-common';

/** Options of {@link EgressRequestService}. */
export interface EgressRequestServiceOptions {
  store: EgressStore;
  reconciler: Reconciler;
  permissions: PermissionsService;
  catalog: CatalogService;
  /** Entity → namespace → clusters, with the platform's trust rules. */
  targets: EntityTargetResolver;
  /** Names of the configured clusters. */
  clusterNames(): string[];
  clusterSettings(name: string): ClusterEgressSettingsInput;
  /** Egress resources of a namespace from the cluster caches, for the preview's warnings. */
  inventory?(namespace: string, clusterNames: string[]): NamespaceInventory[];
  /** Istio's verdict on applied resources, from the cluster caches. */
  istioVerdict?: IstioVerdictSource;
  policy: EgressPolicy;
  auditor: EgressAuditor;
  notifier: EgressNotifier;
  now?: () => Date;
}

/**
 * The request workflow behind the HTTP API: validation, policy, permissions,
 * state changes (compare-and-set in the store) and handing approved work to
 * the reconciler. Every method takes the caller's user credentials.
 */
export class EgressRequestService {
  private readonly now: () => Date;
  private readonly rendered: RenderedManifests;

  constructor(private readonly options: EgressRequestServiceOptions) {
    this.now = options.now ?? (() => new Date());
    this.rendered = new RenderedManifests(options.clusterSettings);
  }

  /** Validation, policy verdict and manifests of a draft, without storing anything. */
  async preview(input: object, credentials: UserCredentials): Promise<PreviewResult> {
    await this.authorizeBasic(egressRequestReadPermission, credentials, 'read egress requests');
    const { validation } = await this.prepare(input, credentials);
    const { draft } = validation;
    if (!validation.valid) {
      return { valid: false, errors: validation.errors, warnings: validation.warnings, riskFlags: [], manifests: [] };
    }
    const id = requestIdOf(input);
    const overlaps = await overlappingRequests(this.options.store, draft, id);
    if (overlaps.length > 0) {
      return { valid: false, errors: overlaps, warnings: validation.warnings, riskFlags: [], manifests: [] };
    }
    const policy = evaluatePolicy(draft, this.options.policy, { now: this.now() });
    return {
      valid: true,
      errors: [],
      warnings: [...validation.warnings, ...this.unmanagedWarnings(draft)],
      policy,
      riskFlags: riskFlags(draft, this.options.policy, { now: this.now() }),
      // The client's id, when it sent one, is the id create will store, and
      // the requester and approver annotations are rendered as approval will
      // set them: the preview is what approval applies (for an approver not
      // yet known, a placeholder names the annotation).
      manifests: this.render({
        ...draft,
        id: id ?? 'preview',
        requestedBy: credentials.principal.userEntityRef,
        decidedBy: policy.verdict === 'auto-approve' ? POLICY_ACTOR : APPROVER_PLACEHOLDER,
        status: 'approved',
      }),
    };
  }

  /** Hosts of the draft that unmanaged resources in its namespace already declare (warnings only). */
  private unmanagedWarnings(draft: NormalizedDraft) {
    if (!this.options.inventory) return [];
    try {
      return unmanagedOverlaps(draft, this.options.inventory(draft.namespace, draft.clusters));
    } catch {
      return [];
    }
  }

  /** Stores a new request (pending, or approved by policy) and applies it if approved. */
  async create(
    input: object,
    credentials: UserCredentials,
    httpRequest?: Request,
  ): Promise<StoredEgressRequest> {
    return (await this.submit(input, credentials, httpRequest)).request;
  }

  /**
   * {@link EgressRequestService.create}, idempotent on the client-chosen id:
   * when a request with the draft's `id` exists, the same requester sending
   * the same draft gets it back (`created: false`), so a retried submit never
   * stores twice; anyone else, or a different draft, gets a ConflictError.
   */
  async submit(
    input: object,
    credentials: UserCredentials,
    httpRequest?: Request,
  ): Promise<{ request: StoredEgressRequest; created: boolean }> {
    const { validation, entityRef } = await this.prepare(input, credentials);
    await this.authorizeEntity(egressRequestCreatePermission, entityRef, credentials, 'request egress for');
    if (!validation.valid) {
      throw new InputError(`Invalid egress request: ${validation.errors.map(e => e.message).join('; ')}`);
    }
    const { draft } = validation;
    const requester = credentials.principal.userEntityRef;
    const id = requestIdOf(input);
    if (id) {
      const existing = await this.options.store.getRequest(id);
      if (existing) return { request: this.resubmitted(existing, draft, requester), created: false };
    }
    const verdict = evaluatePolicy(draft, this.options.policy, { now: this.now() });
    if (verdict.verdict === 'denied') {
      throw new InputError(
        `Denied by policy (${verdict.rule}): ${verdict.reasons.map(r => r.reason).join('; ')}`,
      );
    }
    const overlaps = await overlappingRequests(this.options.store, draft, id);
    if (overlaps.length > 0) {
      // The message without the `hosts[i]: ` prefix: "<host> in namespace … is already covered by request <id> (<status>)".
      throw new ConflictError(overlaps.map(o => o.message.replace(/^hosts\[\d+\]: /, '')).join('; '));
    }
    const at = this.now().toISOString();
    const auto = verdict.verdict === 'auto-approve';
    let created: StoredEgressRequest;
    try {
      created = await this.options.store.createRequest({
        id: id ?? randomUUID(),
        draft,
        status: auto ? 'approved' : 'pending',
        requestedBy: requester,
        requestedAt: at,
        events: [
          { actor: requester, action: 'created', to: 'pending', comment: draft.justification, at },
          ...(auto
            ? [{ actor: POLICY_ACTOR, action: 'transition' as const, from: 'pending' as const, to: 'approved' as const, comment: verdict.reason, at }]
            : []),
        ],
      });
    } catch (e) {
      // A concurrent submit with the same id won the insert: answer as if it came first.
      const existing = id ? await this.options.store.getRequest(id) : undefined;
      if (!existing) throw e;
      return { request: this.resubmitted(existing, draft, requester), created: false };
    }
    await this.options.auditor.report(created.id, { actor: requester, action: 'created', to: 'pending' }, { request: httpRequest });
    if (auto) {
      await this.options.auditor.report(created.id, { actor: POLICY_ACTOR, action: 'transition', from: 'pending', to: 'approved', comment: verdict.reason });
      this.options.notifier.toRequester(created, 'was approved by policy');
      await this.options.reconciler.reconcile(created.id);
      return { request: (await this.options.store.getRequest(created.id))!, created: true };
    }
    this.options.notifier.pending(created);
    return { request: created, created: true };
  }

  /** The existing request for a repeated submit, or a ConflictError when it is not a repeat. */
  private resubmitted(existing: StoredEgressRequest, draft: NormalizedDraft, requester: string) {
    if (existing.requestedBy !== requester || !sameDraft(existing, draft)) {
      throw new ConflictError(`Request ${existing.id} already exists with a different requester or content; send a new id`);
    }
    return existing;
  }

  async list(
    filter: { status?: EgressRequestStatus[]; entityRef?: string; cluster?: string; requestedBy?: string; cursor?: string; limit?: number },
    credentials: UserCredentials,
  ) {
    await this.authorizeBasic(egressRequestReadPermission, credentials, 'read egress requests');
    const page = await this.options.store.listRequests({ ...filter, limit: Math.min(Math.max(filter.limit ?? 50, 1), 200) });
    const targets = await this.targetsOf(page.items);
    return { ...page, items: await withViews(this.options.permissions, credentials, page.items, targets) };
  }

  async get(id: string, credentials: UserCredentials): Promise<RequestDetail> {
    await this.authorizeBasic(egressRequestReadPermission, credentials, 'read egress requests');
    const request = await this.load(id);
    const [targets, events] = await Promise.all([this.targetsOf([request]), this.options.store.listEvents(id)]);
    const [view] = await withViews(this.options.permissions, credentials, [request], targets);
    return { request: view, targets, events, manifests: this.render(request) };
  }

  async approve(id: string, comment: string | undefined, credentials: UserCredentials, httpRequest?: Request) {
    const request = await this.act('approve', id, comment, credentials, httpRequest);
    this.options.notifier.toRequester(request, 'was approved');
    await this.options.reconciler.reconcile(id);
    return this.view((await this.options.store.getRequest(id))!, credentials);
  }

  async reject(id: string, comment: string, credentials: UserCredentials, httpRequest?: Request) {
    if (!comment || comment.trim() === '') {
      throw new InputError('comment: a comment is required to reject a request');
    }
    const request = await this.act('reject', id, comment.trim(), credentials, httpRequest);
    this.options.notifier.toRequester(request, 'was rejected');
    return this.view(request, credentials);
  }

  async cancel(id: string, credentials: UserCredentials, httpRequest?: Request) {
    return this.view(await this.act('cancel', id, undefined, credentials, httpRequest), credentials);
  }

  async revoke(id: string, comment: string | undefined, credentials: UserCredentials, httpRequest?: Request) {
    await this.act('revoke', id, comment, credentials, httpRequest);
    await this.options.reconciler.reconcile(id);
    return this.view((await this.options.store.getRequest(id))!, credentials);
  }

  /** The request as the API answers it: with the caller's actions and its displayed state. */
  async view(request: StoredEgressRequest, credentials: UserCredentials): Promise<StoredEgressRequest> {
    const targets = await this.targetsOf([request]);
    return (await withViews(this.options.permissions, credentials, [request], targets))[0];
  }

  /**
   * The requests' targets, each applied one with whether its cluster holds it (`sync`) and
   * Istio's verdict on its resources where the cluster's istiod runs analysis.
   */
  private async targetsOf(requests: StoredEgressRequest[]) {
    const stored = await this.options.store.getTargetsOf(requests.map(r => r.id));
    const targets = await withSync(requests, stored, (r, cluster) => this.options.reconciler.observe(r, cluster));
    return requests.flatMap(r =>
      withIstioVerdicts(
        targets.filter(t => t.requestId === r.id),
        () => r.clusters.map(cluster => ({ cluster, manifests: this.rendered.of(r, cluster).manifests })),
        this.options.istioVerdict,
      ),
    );
  }

  /**
   * Requests of one entity, newest first, and their per-cluster targets (for
   * the entity tab: one store read for all targets, not one per request).
   * `decided` answers permission decisions the caller's HTTP request already made.
   */
  async entityRequests(entityRef: string, credentials: UserCredentials, decided = this.options.permissions) {
    await this.authorizeBasic(egressRequestReadPermission, credentials, 'read egress requests', decided);
    const ref = this.parseRef(entityRef);
    const requests = (await this.options.store.listRequests({ entityRef: ref, limit: 200 })).items;
    const targets = await this.targetsOf(requests);
    return { requests: await withViews(decided, credentials, requests, targets), targets };
  }

  /**
   * One user action: checked against the lifecycle's rules for this caller
   * (NotAllowedError, or ConflictError for the status), then made as one
   * compare-and-set transition (ConflictError when another caller won).
   */
  private async act(
    name: RequestActionName,
    id: string,
    comment: string | undefined,
    credentials: UserCredentials,
    httpRequest?: Request,
  ): Promise<StoredEgressRequest> {
    const request = await this.load(id);
    const callerFor = await actionCallers(this.options.permissions, credentials, [request.entityRef]);
    const { from, to } = assertAction(name, request, callerFor(request.entityRef));
    const actor = credentials.principal.userEntityRef;
    const changed = await this.options.store.transition({
      id,
      from,
      to,
      actor,
      comment,
      at: this.now().toISOString(),
      ...(name === 'approve' || name === 'reject' ? { decision: true } : {}),
      ...(name === 'revoke' ? { ending: 'revoked' as const } : {}),
    });
    if (!changed) {
      const current = (await this.options.store.getRequest(id))!;
      throw new ConflictError(`Request ${id} is ${current.status}, not ${from}; it cannot become ${to}`);
    }
    await this.options.auditor.report(id, { actor, action: 'transition', from, to, comment }, { request: httpRequest });
    return changed;
  }

  private async load(id: string): Promise<StoredEgressRequest> {
    const request = await this.options.store.getRequest(id);
    if (!request) throw new NotFoundError(`No egress request ${id}`);
    return request;
  }

  /** Reads the entity, fills the namespace from it, and validates the draft. */
  private async prepare(body: object, credentials: UserCredentials) {
    const input = body as Record<string, unknown>;
    if (typeof input.entityRef !== 'string') {
      throw new InputError('entityRef: is required');
    }
    const entityRef = this.parseRef(input.entityRef);
    const requested = Array.isArray(input.clusters)
      ? input.clusters.filter((c): c is string => typeof c === 'string').map(c => c.trim())
      : undefined;
    const { entity, namespace } = await this.options.targets
      .resolve(entityRef, credentials, { verifyOwnership: true, clusters: requested })
      .catch(e => {
        // A draft naming a missing entity is a bad draft, not a missing route.
        throw e instanceof NotFoundError ? new InputError(e.message) : e;
      });
    if (input.namespace !== undefined && input.namespace !== namespace) {
      throw new InputError(`namespace: must be ${namespace}, the namespace of ${entityRef}`);
    }
    const policy = this.options.policy;
    const validation: DraftValidationResult = validateDraft(
      { ...input, entityRef, namespace },
      { now: this.now(), knownClusters: this.options.clusterNames(), requireJustification: policy.requireJustification },
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

  private parseRef(entityRef: string): string {
    try {
      return stringifyEntityRef(parseEntityRef(entityRef));
    } catch (e) {
      throw new InputError(`entityRef: ${(e as Error).message}`);
    }
  }

  private render(request: Parameters<typeof renderable>[0]): ClusterManifests[] {
    return request.clusters.map(cluster => {
      const manifests = renderManifests(renderable(request), this.options.clusterSettings(cluster));
      return { cluster, manifests, yaml: manifestsToYaml(manifests) };
    });
  }

  private async authorizeBasic(
    permission: BasicPermission,
    credentials: UserCredentials,
    what: string,
    permissions = this.options.permissions,
  ) {
    const [decision] = await permissions.authorize([{ permission }], { credentials });
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(`You are not allowed to ${what}`);
    }
  }

  private async authorizeEntity(permission: ResourcePermission, entityRef: string, credentials: UserCredentials, what: string) {
    const [decision] = await this.options.permissions.authorize([{ permission, resourceRef: entityRef }], { credentials });
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(`You are not allowed to ${what} ${entityRef}`);
    }
  }
}

/** The client-chosen id of a draft, once validation accepted it. */
function requestIdOf(input: object): string | undefined {
  const id = (input as { id?: unknown }).id;
  return isRequestId(id) ? id : undefined;
}

/** Whether a stored request holds exactly this normalised draft (the fields rendering takes). */
function sameDraft(request: StoredEgressRequest, draft: NormalizedDraft): boolean {
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
