/**
 * What crosses HTTP between the egress backend and the browser: the answers
 * of the backend's routes. The types are generated from the backend's
 * src/schema/openapi.yaml (./generated/openapi.ts, `npm run generate:openapi`)
 * and named here. Where an answer carries a request, the domain type is used
 * and checked against the spec's (src/api.contract.test.ts). Types only.
 */
import type { components } from './generated/openapi';
import type { EgressRequest, EgressRequestStatus } from './model';

export type { components as EgressApiComponents } from './generated/openapi';

/** The schemas of the egress HTTP API's answers and bodies. @public */
export type EgressApiSchemas = components['schemas'];

/** Istio's `outboundTrafficPolicy.mode`. @public */
export type MeshMode = EgressApiSchemas['MeshMode'];

/** Freshness of the backend's watch-fed cache of a cluster, reported with every answer. @public */
export type CacheFreshness = Pick<EgressApiSchemas['ClusterStatus'], 'synced' | 'lastEventAt' | 'error'>;

/**
 * A target cluster and its state (`GET /clusters`), as the browser may see
 * it: never credentials or the API server URL.
 * @public
 */
export type ClusterStatus = EgressApiSchemas['ClusterStatus'];

/** Kinds read into the inventory: Istio's, and Kubernetes' NetworkPolicy. @public */
export type IstioKind = EgressApiSchemas['IstioKind'];

/** One Istio resource in a namespace, and the egress it opens. @public */
export type InventoryResource = EgressApiSchemas['InventoryResource'];

/** Egress resources of one namespace in one cluster, from the cache. @public */
export type NamespaceInventory = EgressApiSchemas['NamespaceInventory'];

/** What a caller can do with a request. @public */
export type RequestActionName = EgressApiSchemas['RequestAction']['name'];

/** One action on a request, computed by the backend for the caller. @public */
export type RequestAction = EgressApiSchemas['RequestAction'];

/** A request's state as shown to people, derived from its status and targets. @public */
export type RequestDisplayStatus = EgressApiSchemas['DisplayState']['status'];

/** @public */
export type RequestDisplayState = EgressApiSchemas['DisplayState'];

/**
 * A request as the backend stores and returns it: the domain request plus
 * the fields only the answer carries (`ending`, `updatedAt`, risk flags,
 * the caller's actions, the state to show).
 * @public
 */
export type EgressRequestRecord = EgressRequest &
  Pick<EgressApiSchemas['EgressRequest'], 'ending' | 'updatedAt' | 'riskFlags' | 'actions' | 'displayState'>;

/**
 * The platform's policy as the browser sees it (`GET /policy`): enough for
 * the form to guide the user; never the host lists.
 * @public
 */
export type PolicySummary = EgressApiSchemas['PolicySummary'];

/** Answer of `GET /entity`: the entity's namespace in its target clusters. @public */
export type EntityEgress = Omit<EgressApiSchemas['EntityEgress'], 'requests'> & {
  /** The entity's requests, newest first (when the backend serves the request workflow). */
  requests?: EgressRequestRecord[];
};

/** Apply state of one request on one target cluster. @public */
export type RequestTarget = EgressApiSchemas['Target'];

/** How Istio judges a resource or a target: its worst message. @public */
export type IstioVerdict = EgressApiSchemas['IstioVerdict'];

/** One analysis message or failed condition Istio wrote on a resource. @public */
export type IstioMessage = EgressApiSchemas['IstioMessage'];

/** Istio's verdict on the resources of one request in one cluster. @public */
export type TargetIstioVerdict = EgressApiSchemas['TargetIstioVerdict'];

/** Observed state of a target's resources against what it should hold. @public */
export type TargetSync = NonNullable<EgressApiSchemas['Target']['sync']>;

/** What an audit event records. @public */
export type AuditAction = EgressApiSchemas['AuditEvent']['action'];

/** One entry of a request's audit trail. Never updated or deleted. @public */
export type RequestAuditEvent = EgressApiSchemas['AuditEvent'];

/** The manifests of a request for one cluster. @public */
export type ClusterManifests = EgressApiSchemas['ClusterManifests'];

/** Answer of `POST /preview`. @public */
export type PreviewResult = EgressApiSchemas['PreviewResult'];

/** Answer of `GET /requests/{id}`: a request with its targets, audit trail and manifests. @public */
export type RequestDetail = Omit<EgressApiSchemas['RequestDetail'], 'request'> & { request: EgressRequestRecord };

/** One page of `GET /requests`, newest first. @public */
export type EgressRequestPage = Omit<EgressApiSchemas['EgressRequestPage'], 'items'> & { items: EgressRequestRecord[] };

/** Backstage signals channel on which the backend announces request changes. @public */
export const EGRESS_SIGNAL_CHANNEL = 'egress:requests';

/**
 * Message on {@link EGRESS_SIGNAL_CHANNEL}: which request changed and how.
 * Open pages reload what they show; the message itself carries no content.
 * @public
 */
export type RequestChangedSignal = {
  requestId: string;
  entityRef: string;
  status: EgressRequestStatus;
  /** The audit action that changed it: `created`, `transition`, `applied`, `apply-failed`, ... */
  action: string;
};

/** Time window of `GET /traffic`. @public */
export type TrafficWindow = EgressApiSchemas['TrafficWindow'];

/** Traffic of the entity's namespace to one host it may reach, in one cluster. @public */
export type HostTraffic = EgressApiSchemas['HostTraffic'];

/** Attempts of one workload that no registered host served. @public */
export type BlockedAttempts = EgressApiSchemas['BlockedAttempts'];

/** An active grant with no traffic to any of its hosts for `unusedAfterDays`: a candidate for revoke. @public */
export type UnusedGrant = EgressApiSchemas['UnusedGrant'];

/** Traffic of the entity's namespace in one target cluster. @public */
export type ClusterTraffic = EgressApiSchemas['ClusterTraffic'];

/** Answer of `GET /traffic`. @public */
export type EntityTraffic = EgressApiSchemas['EntityTraffic'];

/**
 * Why a resource carrying our managed-by label is an orphan: its request is
 * not in the database (`unknown-request`: database lost or restored from an
 * older backup), or has ended (`request-ended`: revoked, expired, rejected or
 * cancelled), or it is a shared lockdown Sidecar no live request asks for
 * (`no-lockdown-request`), or a shared namespace NetworkPolicy no live request
 * asks for (`no-network-policy-request`), or an object shared per external host in the
 * egress gateway's namespace that no live request routes through the gateway
 * (`no-gateway-user`).
 * @public
 */
export type OrphanReason = EgressApiSchemas['OrphanResource']['reason'];

/** A resource with our managed-by label that no live request accounts for (`GET /orphans`). @public */
export type OrphanResource = EgressApiSchemas['OrphanResource'];

/** The orphans of one cluster, from its watch-fed cache. @public */
export type ClusterOrphans = EgressApiSchemas['ClusterOrphans'];
