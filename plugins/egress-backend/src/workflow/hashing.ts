import {
  EgressRequestDraft,
  EgressRequestStatus,
  KubernetesManifest,
  RenderableRequest,
  SHARED_LABEL,
  specHash,
} from '@backstage-egress/plugin-egress-common';

/**
 * Hash of the parts of a request's resources that matter for drift: kind,
 * namespace, name and spec, in a fixed order. The same function hashes what
 * was rendered (stored as the target's applied hash) and what the cluster
 * holds, so a changed or deleted resource shows up as a different hash.
 * The namespace's shared objects (lockdown Sidecar, NetworkPolicy) are not the
 * request's own and are left out;
 * the objects shared per external host through the egress gateway are in
 * (the request relies on them, and they must hold the current users).
 */
export function desiredHash(manifests: KubernetesManifest[]): string {
  const own = manifests
    .filter(m => m.metadata.labels?.[SHARED_LABEL] !== 'namespace')
    .map(m => ({
      kind: m.kind,
      namespace: m.metadata.namespace,
      name: m.metadata.name,
      spec: m.spec,
    }))
    .sort((a, b) =>
      `${a.kind}/${a.namespace}/${a.name}` < `${b.kind}/${b.namespace}/${b.name}` ? -1 : 1,
    );
  return specHash(own as unknown as KubernetesManifest[]);
}

/** What rendering takes of a stored request: the draft fields, the id and the people. */
export function renderable(request: {
  id: string;
  requestedBy?: string;
  decidedBy?: string;
  status?: EgressRequestStatus;
} & EgressRequestDraft): RenderableRequest {
  return {
    id: request.id,
    ...(request.requestedBy ? { requestedBy: request.requestedBy } : {}),
    ...(request.decidedBy ? { decidedBy: request.decidedBy } : {}),
    ...(request.status ? { status: request.status } : {}),
    entityRef: request.entityRef,
    namespace: request.namespace,
    clusters: request.clusters,
    hosts: request.hosts,
    addresses: request.addresses,
    ports: request.ports,
    resolution: request.resolution,
    endpoints: request.endpoints,
    viaEgressGateway: request.viaEgressGateway,
    justification: request.justification,
    ...(request.expiresAt ? { expiresAt: request.expiresAt } : {}),
    lockdownNamespace: request.lockdownNamespace,
    namespaceNetworkPolicy: request.namespaceNetworkPolicy,
    ...(request.gatewayMode ? { gatewayMode: request.gatewayMode } : {}),
  };
}
