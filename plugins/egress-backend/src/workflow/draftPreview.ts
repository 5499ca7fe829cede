/**
 * The preview of a draft: validation, the policy's verdict, the manifests as
 * approval would apply them, and warnings from the cluster caches, without
 * storing anything.
 */
import {
  BackstageCredentials,
  BackstageUserPrincipal,
} from '@backstage/backend-plugin-api';
import {
  ClusterManifests,
  NormalizedDraft,
  PreviewResult,
  evaluatePolicy,
  explainGatewayMode,
  explainNetworkPolicy,
  resolveClusterSettings,
  riskFlags,
} from '@backstage-egress/plugin-egress-common';
import type { EgressRequestServiceOptions } from './EgressRequestService';
import { readDraft, requestIdOf } from './draftIntake';
import { gatewayModeClashes } from './gatewayModeClashes';
import {
  overlappingRequests,
  unmanagedNameCollisions,
  unmanagedNamespaceSidecars,
  unmanagedOverlaps,
} from './overlaps';
import { RequestReader } from './RequestReader';

/** Actor of decisions made by the policy. */
export const POLICY_ACTOR = 'policy';

/** What the preview shows as the approver until someone approves. */
export const APPROVER_PLACEHOLDER = '(set on approval to the approver)';

type UserCredentials = BackstageCredentials<BackstageUserPrincipal>;

/** The request body read and validated for its entity, as preview and create both need it. */
export function prepareDraft(options: EgressRequestServiceOptions, body: object, credentials: UserCredentials, now: Date) {
  return readDraft(body, credentials, {
    targets: options.targets,
    clusterNames: options.clusterNames,
    policy: options.policy,
    now,
  });
}

/** Previews drafts for {@link EgressRequestService}. */
export class DraftPreview {
  constructor(
    private readonly options: EgressRequestServiceOptions,
    private readonly reader: RequestReader,
    private readonly now: () => Date,
  ) {}

  /** Validation, policy verdict and manifests of a draft, without storing anything. */
  async preview(input: object, credentials: UserCredentials): Promise<PreviewResult> {
    await this.reader.requireRead(credentials);
    const { validation } = await prepareDraft(this.options, input, credentials, this.now());
    const { draft } = validation;
    if (!validation.valid) {
      return { valid: false, errors: validation.errors, warnings: validation.warnings, riskFlags: [], manifests: [] };
    }
    const id = requestIdOf(input);
    const overlaps = [
      ...(await overlappingRequests(this.options.store, draft, id)),
      ...(await gatewayModeClashes(this.options.store, draft, this.gatewayModeOf, id)),
    ];
    if (overlaps.length > 0) {
      return { valid: false, errors: overlaps, warnings: validation.warnings, riskFlags: [], manifests: [] };
    }
    const policy = evaluatePolicy(draft, this.options.policy, { now: this.now(), gatewayModeOf: this.gatewayModeOf });
    // The client's id, when it sent one, is the id create will store, and
    // the requester and approver annotations are rendered as approval will
    // set them: the preview is what approval applies (for an approver not
    // yet known, a placeholder names the annotation).
    const manifests = this.reader.render({
      ...draft,
      id: id ?? 'preview',
      requestedBy: credentials.principal.userEntityRef,
      decidedBy: policy.verdict === 'auto-approve' ? POLICY_ACTOR : APPROVER_PLACEHOLDER,
      status: 'approved',
    });
    return {
      valid: true,
      errors: [],
      warnings: [
        ...validation.warnings,
        ...this.unmanagedWarnings(draft, manifests),
        ...explainGatewayMode(draft, this.gatewayModeOf),
        ...explainNetworkPolicy(draft, c => resolveClusterSettings(this.options.clusterSettings(c))),
      ],
      policy,
      riskFlags: riskFlags(draft, this.options.policy, { now: this.now(), gatewayModeOf: this.gatewayModeOf }),
      manifests,
    };
  }

  /**
   * Hosts of the draft that unmanaged resources in its namespace already
   * declare, rendered names they already hold, and a namespace-wide Sidecar
   * of theirs next to a lockdown (warnings only).
   */
  private unmanagedWarnings(draft: NormalizedDraft, manifests: ClusterManifests[]) {
    if (!this.options.inventory) return [];
    try {
      const namespaces = [...new Set(manifests.flatMap(c => c.manifests.map(m => m.metadata.namespace)))];
      const inventory = namespaces.flatMap(ns => this.options.inventory!(ns, draft.clusters));
      const own = inventory.filter(inv => inv.namespace === draft.namespace);
      return [
        ...unmanagedOverlaps(draft, own),
        ...unmanagedNameCollisions(manifests, inventory),
        ...unmanagedNamespaceSidecars(draft, own),
      ];
    } catch {
      return [];
    }
  }

  /** The configured egress gateway mode of a cluster. */
  private readonly gatewayModeOf = (cluster: string) => this.options.clusterSettings(cluster).egressGateway?.mode;
}
