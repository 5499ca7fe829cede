import {
  BackstageCredentials,
  BackstageUserPrincipal,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { ConflictError, InputError } from '@backstage/errors';
import {
  ClusterEgressSettingsInput,
  EgressPolicy,
  EgressRequestStatus,
  NamespaceInventory,
  NormalizedDraft,
  PreviewResult,
  RequestActionName,
  RequestDetail,
  egressRequestCreatePermission,
  evaluatePolicy,
} from '@backstage-egress/plugin-egress-common';
import { Request } from 'express';
import { randomUUID } from 'node:crypto';
import { EntityTargetResolver } from '../catalog/EntityTargets';
import { EgressStore, StoredEgressRequest } from '../database/EgressStore';
import { EgressAuditor } from './audit';
import { EgressNotifier } from './notifier';
import { Reconciler } from './Reconciler';
import { overlapConflict } from './overlaps';
import { IstioVerdictSource } from './istioVerdicts';
import { actionCallers } from './requestViews';
import { assertAction } from '../lifecycle';
import { requestIdOf, sameDraft } from './draftIntake';
import { requireForEntity } from './permissionChecks';
import { RequestReader } from './RequestReader';
import { RenderedManifests } from './renderedManifests';
import { gatewayModeClashesAmong } from './gatewayModeClashes';
import { APPROVER_PLACEHOLDER, DraftPreview, POLICY_ACTOR, prepareDraft } from './draftPreview';

export { APPROVER_PLACEHOLDER, POLICY_ACTOR };

type UserCredentials = BackstageCredentials<BackstageUserPrincipal>;

// ClusterManifests, PreviewResult and RequestDetail are what the routes
// answer: wire types of the common package.
export type { ClusterManifests, PreviewResult, RequestDetail } from '@backstage-egress/plugin-egress-common';

/** Options of {@link EgressRequestService}. */
export interface EgressRequestServiceOptions {
  store: EgressStore;
  reconciler: Reconciler;
  permissions: PermissionsService;
  /** Entity → namespace → clusters, with the platform's trust rules. */
  targets: EntityTargetResolver;
  /** Names of the configured clusters. */
  clusterNames(): string[];
  clusterSettings(name: string): ClusterEgressSettingsInput;
  /** Egress resources of a namespace from the cluster caches, for the preview's warnings. */
  inventory?(namespace: string, clusterNames: string[]): NamespaceInventory[];
  /** Istio's verdict on applied resources, from the cluster caches. */
  istioVerdict?: IstioVerdictSource;
  /** Rendered requests remembered, shared with the reconciler. */
  rendered?: RenderedManifests;
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
  private readonly reader: RequestReader;
  private readonly previewer: DraftPreview;

  constructor(private readonly options: EgressRequestServiceOptions) {
    this.now = options.now ?? (() => new Date());
    this.reader = new RequestReader(options);
    this.previewer = new DraftPreview(options, this.reader, this.now);
  }

  /** Validation, policy verdict and manifests of a draft, without storing anything. */
  async preview(input: object, credentials: UserCredentials): Promise<PreviewResult> {
    return this.previewer.preview(input, credentials);
  }

  /** Stores a new request (pending, or approved by policy, then woken for the reconciler to apply). */
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
    await requireForEntity(this.options.permissions, egressRequestCreatePermission, entityRef, credentials, 'request egress for');
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
    const verdict = evaluatePolicy(draft, this.options.policy, { now: this.now(), gatewayModeOf: this.gatewayModeOf });
    if (verdict.verdict === 'denied') {
      throw new InputError(
        `Denied by policy (${verdict.rule}): ${verdict.reasons.map(r => r.reason).join('; ')}`,
      );
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
        // Checked in the database under the namespace's lock: simultaneous creates cannot both pass.
        conflicts: live => overlapConflict(draft, live, id),
        // Across namespaces: one mode per host on a cluster's gateway, checked under the locks of
        // the draft's clusters and hosts.
        gatewayConflicts: live =>
          gatewayModeClashesAmong(draft, live, this.gatewayModeOf, id)
            .map(c => c.message.replace(/^gatewayMode: /, ''))
            .join('; ') || undefined,
        events: [
          { actor: requester, action: 'created', to: 'pending', comment: draft.justification, at },
          ...(auto
            ? [{ actor: POLICY_ACTOR, action: 'transition' as const, from: 'pending' as const, to: 'approved' as const, comment: verdict.reason, at }]
            : []),
        ],
      });
    } catch (e) {
      if (e instanceof ConflictError) throw e;
      // A concurrent submit with the same id won the insert: answer as if it came first.
      const existing = id ? await this.options.store.getRequest(id) : undefined;
      if (!existing) throw e;
      return { request: this.resubmitted(existing, draft, requester), created: false };
    }
    await this.options.auditor.report(created.id, { actor: requester, action: 'created', to: 'pending' }, { request: httpRequest });
    if (auto) {
      await this.options.auditor.report(created.id, { actor: POLICY_ACTOR, action: 'transition', from: 'pending', to: 'approved', comment: verdict.reason });
      this.options.notifier.toRequester(created, 'was approved by policy');
      // Applied by the reconciler, woken now: the answer says approved, targets pending.
      this.options.reconciler.wake(created.id);
      return { request: created, created: true };
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

  list(
    filter: { status?: EgressRequestStatus[]; entityRef?: string; cluster?: string; requestedBy?: string; cursor?: string; limit?: number },
    credentials: UserCredentials,
  ) {
    return this.reader.list(filter, credentials);
  }

  get(id: string, credentials: UserCredentials): Promise<RequestDetail> {
    return this.reader.get(id, credentials);
  }

  /** Requests of one entity, newest first, and their per-cluster targets. */
  entityRequests(entityRef: string, credentials: UserCredentials, decided?: PermissionsService) {
    return this.reader.entityRequests(entityRef, credentials, decided);
  }

  /** The request as the API answers it: with the caller's actions and its displayed state. */
  view(request: StoredEgressRequest, credentials: UserCredentials): Promise<StoredEgressRequest> {
    return this.reader.view(request, credentials);
  }

  async approve(id: string, comment: string | undefined, credentials: UserCredentials, httpRequest?: Request) {
    const request = await this.act('approve', id, comment, credentials, httpRequest);
    this.options.notifier.toRequester(request, 'was approved');
    // No cluster call here: the answer is the recorded decision (approved,
    // targets pending), and the reconciler, woken now, applies it; other
    // replicas pick it up from the database.
    const answer = await this.view(request, credentials);
    this.options.reconciler.wake(id);
    return answer;
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
    // A revocation is not held back by the backoff of a failed apply.
    await this.options.reconciler.reconcile(id, { force: true });
    // A target held by an apply in progress (woken by the approval) is removed once it ends.
    this.options.reconciler.wake(id);
    return this.view((await this.options.store.getRequest(id))!, credentials);
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
    const request = await this.reader.load(id);
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

  /** The configured egress gateway mode of a cluster. */
  private readonly gatewayModeOf = (cluster: string) => this.options.clusterSettings(cluster).egressGateway?.mode;

  /** The clusters whose egress gateway runs in `mutual` mode. */
  mutualClusters(): string[] {
    return this.options.clusterNames().filter(c => this.options.clusterSettings(c).egressGateway?.mode === 'mutual');
  }

  private prepare(body: object, credentials: UserCredentials) {
    return prepareDraft(this.options, body, credentials, this.now());
  }
}
