/**
 * The resource kinds the egress plugin renders, watches, applies and removes:
 * one registry, read by rendering (order, apiVersion), the backend's
 * inventory, watches, writer and overlap checks. A new kind is one entry here
 * plus its renderer code.
 */
import type { IstioKind } from './api';

/** One resource kind the plugin manages. @public */
export interface ResourceKindInfo {
  kind: IstioKind;
  /** API group, e.g. networking.istio.io. */
  group: string;
  /** Served versions we accept, preferred first; rendering writes the first. */
  versions: readonly string[];
  /** Resource name in the API path, e.g. serviceentries. */
  plural: string;
  /**
   * Which namespace a request's own objects of this kind (those carrying its
   * request id) live in: the request's or the egress gateway's. Objects shared
   * per external host always live in the gateway's namespace.
   */
  namespace: 'request' | 'gateway';
  /** Whether the kind's hosts declare a destination or a route (for overlap warnings). */
  declaresHosts: boolean;
}

const NETWORKING = 'networking.istio.io';
const NETWORKING_VERSIONS = ['v1', 'v1beta1', 'v1alpha3'] as const;
const SECURITY = 'security.istio.io';

/**
 * Every managed kind in dependency order: applied in this order, removed in
 * reverse. The AuthorizationPolicy comes first so that the gateway never
 * admits a host before the policy naming who may reach it exists (and loses
 * it last); a VirtualService refers to its Gateway and DestinationRule subset;
 * the ServiceEntry declares the host the others route. The namespace's
 * NetworkPolicy comes last: pods lose direct egress only once the routes
 * through the gateway exist, and regain it first on removal.
 * @public
 */
export const RESOURCE_KINDS: readonly ResourceKindInfo[] = [
  { kind: 'AuthorizationPolicy', group: SECURITY, versions: ['v1', 'v1beta1'], plural: 'authorizationpolicies', namespace: 'gateway', declaresHosts: false },
  { kind: 'ServiceEntry', group: NETWORKING, versions: NETWORKING_VERSIONS, plural: 'serviceentries', namespace: 'request', declaresHosts: true },
  { kind: 'Gateway', group: NETWORKING, versions: NETWORKING_VERSIONS, plural: 'gateways', namespace: 'request', declaresHosts: false },
  { kind: 'DestinationRule', group: NETWORKING, versions: NETWORKING_VERSIONS, plural: 'destinationrules', namespace: 'request', declaresHosts: true },
  { kind: 'VirtualService', group: NETWORKING, versions: NETWORKING_VERSIONS, plural: 'virtualservices', namespace: 'request', declaresHosts: true },
  { kind: 'Sidecar', group: NETWORKING, versions: NETWORKING_VERSIONS, plural: 'sidecars', namespace: 'request', declaresHosts: false },
  { kind: 'NetworkPolicy', group: 'networking.k8s.io', versions: ['v1'], plural: 'networkpolicies', namespace: 'request', declaresHosts: false },
];

/** The managed kinds' names in dependency order. @public */
export const KIND_ORDER: readonly IstioKind[] = RESOURCE_KINDS.map(k => k.kind);

/** The registry entry of a kind, or undefined when the plugin does not manage it. @public */
export function resourceKind(kind: string): ResourceKindInfo | undefined {
  return RESOURCE_KINDS.find(k => k.kind === kind);
}

/** The apiVersion rendering writes for a kind (its group and preferred version). @public */
export function renderedApiVersion(kind: IstioKind): string {
  const info = resourceKind(kind)!;
  return `${info.group}/${info.versions[0]}`;
}
