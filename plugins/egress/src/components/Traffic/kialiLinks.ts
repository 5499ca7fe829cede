/**
 * Deep links into Kiali (https://kiali.io): the namespace's traffic graph and a
 * host's service page (Kiali lists ServiceEntry hosts as services of the
 * namespace that declares them). Paths as served under Kiali's `/console`.
 */
function base(kialiUrl: string): string {
  return `${kialiUrl.replace(/\/+$/, '')}/console`;
}

/** Kiali's graph of the namespace. */
export function kialiNamespaceUrl(kialiUrl: string, namespace: string): string {
  return `${base(kialiUrl)}/graph/namespaces/?${new URLSearchParams({ namespaces: namespace })}`;
}

/** Kiali's page of a host (a ServiceEntry host) declared in the namespace. */
export function kialiHostUrl(kialiUrl: string, namespace: string, host: string): string {
  return `${base(kialiUrl)}/namespaces/${encodeURIComponent(namespace)}/services/${encodeURIComponent(host)}`;
}
