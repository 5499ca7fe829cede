/**
 * The egress domain shared by the egress backend and frontend plugins:
 * request model, validation, policy, risk flags, rendering to Istio
 * manifests, permissions, and the shapes of the HTTP API's answers. Pure
 * TypeScript without I/O, so the browser and the backend validate and render
 * identically.
 * @packageDocumentation
 */
export * from './permissions';
export * from './model';
export { RESOURCE_KINDS, KIND_ORDER, resourceKind, renderedApiVersion } from './kinds';
export type { ResourceKindInfo } from './kinds';
export type {
  MeshMode,
  CacheFreshness,
  ClusterStatus,
  IstioKind,
  InventoryResource,
  NamespaceInventory,
  EgressRequestRecord,
  EntityEgress,
  RequestTarget,
  IstioVerdict,
  IstioMessage,
  TargetIstioVerdict,
  AuditAction,
  RequestAuditEvent,
  ClusterManifests,
  PreviewResult,
  RequestDetail,
  EgressRequestPage,
  RequestAction,
  RequestActionName,
  RequestDisplayState,
  PolicySummary,
  RequestChangedSignal,
  TrafficWindow,
  HostTraffic,
  BlockedAttempts,
  UnusedGrant,
  ClusterTraffic,
  EntityTraffic,
  RequestDisplayStatus,
  TargetSync,
  OrphanReason,
  OrphanResource,
  ClusterOrphans,
  EgressApiComponents,
  EgressApiSchemas,
} from './api';
export { EGRESS_SIGNAL_CHANNEL } from './api';
export { egressRequestDraftSchema } from './schema';
export type { EgressRequestDraftShape } from './schema';
export { validateDraft, DRAFT_LIMITS, REQUEST_ID_PATTERN, isRequestId } from './validation';
export type { FieldIssue, DraftValidationResult, ValidateDraftOptions } from './validation';
export {
  DEFAULT_EGRESS_POLICY,
  egressPolicySchema,
  parseEgressPolicy,
  evaluatePolicy,
  summarizePolicy,
  GATEWAY_MODE_OVERRIDES,
} from './policy';
export type {
  EgressPolicy,
  PolicyVerdict,
  PolicyRule,
  PolicyReason,
  PolicyEvaluation,
  GatewayModeOverride,
} from './policy';
export { riskFlags, LONG_EXPIRY_DAYS } from './risk';
export type { GatewayModeOf } from './gatewayModePolicy';
export { BUILT_IN_DENY_SET, PRIVATE_RANGES, builtInDenial, privateRange } from './builtInDeny';
export type { BuiltInDenyEntry } from './builtInDeny';
export type { RiskFlag, RiskFlagCode } from './risk';
export {
  renderManifests,
  withGatewayMode,
  ISTIO_API_VERSION,
  LOCKDOWN_SIDECAR_NAME,
  ADDRESS_HOST_SUFFIX,
} from './render';
export type { RenderableRequest } from './render';
export {
  explainGatewayMode,
  gatewayUsageOf,
  mergeGatewayUsage,
  renderSharedGateway,
  sharedGatewayKinds,
  sharedGatewayName,
  SHARED_GATEWAY,
} from './renderGateway';
export type { GatewayPort, GatewayUse, GatewayUsage } from './renderGateway';
export {
  explainNetworkPolicy,
  NETWORK_POLICY_NAME,
  ISTIOD_XDS_PORT,
  CLUSTER_DNS,
} from './renderNetworkPolicy';
export {
  manifestsToYaml,
  specHash,
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
  REQUEST_ID_LABEL,
  SHARED_LABEL,
  EGRESS_ANNOTATIONS,
} from './manifests';
export type { KubernetesManifest } from './manifests';
export { resourceName, isDns1123Label, fnv1a32, fnv1a64, MAX_RESOURCE_NAME_LENGTH } from './names';
export { hostMatchesPattern, hostOverlapsPattern, isWildcardHost } from './hostnames';
export {
  egressDraftInputSchema,
  entityEgressInputSchema,
  entityEgressOutputSchema,
  egressRequestSummarySchema,
  egressPreviewOutputSchema,
  egressRequestOutcomeSchema,
  entityEgressTabPath,
} from './actionSchemas';
export type {
  EgressDraftInput,
  EntityEgressOutput,
  EgressPreviewOutput,
  EgressRequestOutcome,
} from './actionSchemas';
