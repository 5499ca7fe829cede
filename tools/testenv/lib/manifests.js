// @ts-check
'use strict';

const path = require('node:path');

/** Namespaces of the demo catalog (catalog-info.yaml's backstage.io/kubernetes-namespace values). */
const DEMO_NAMESPACES = ['payments', 'checkout', 'search'];
/**
 * Owners of the demo namespaces (catalog-info.yaml's teams), as a platform
 * team would annotate them; the plugin verifies ownership against these.
 * @type {Record<string, string>}
 */
const NAMESPACE_OWNERS = {
  payments: 'group:default/payments-team',
  checkout: 'group:default/payments-team',
  search: 'group:default/search-team',
};

const rbacFile = path.join(__dirname, '..', 'manifests', 'rbac.yaml');
const seedDir = path.join(__dirname, '..', 'seed');

/**
 * istio-system as an installed Istio would leave it: the mesh ConfigMap carrying the outbound
 * traffic policy, the egress gateway's Service and its (never running) Pod. Plus the app namespaces.
 * @param {{ meshMode: string, namespaces: string[] }} opts
 */
function baseManifests({ meshMode, namespaces }) {
  // The egress gateway's Service and Pod share name and labels, as an installed gateway's do.
  const gatewayMetadata = `metadata:
  name: istio-egressgateway
  namespace: istio-system
  labels:
    app: istio-egressgateway
    istio: egressgateway
`;
  const ns = (/** @type {string} */ name, /** @type {Record<string, string>} */ labels) =>
    `apiVersion: v1
kind: Namespace
metadata:
  name: ${name}
  labels:
${Object.entries(labels).map(([k, v]) => `    ${k}: ${JSON.stringify(v)}`).join('\n')}
${NAMESPACE_OWNERS[name] ? `  annotations:\n    egress.backstage.io/owner: ${JSON.stringify(NAMESPACE_OWNERS[name])}\n` : ''}`;
  return [
    ns('istio-system', { 'kubernetes.io/metadata.name': 'istio-system' }),
    ...namespaces.map(name => ns(name, { 'istio-injection': 'enabled' })),
    `apiVersion: v1
kind: ConfigMap
metadata:
  name: istio
  namespace: istio-system
  labels:
    app: istio
    istio.io/rev: default
data:
  mesh: |-
    accessLogFile: /dev/stdout
    defaultConfig:
      discoveryAddress: istiod.istio-system.svc:15012
    rootNamespace: istio-system
    trustDomain: cluster.local
    outboundTrafficPolicy:
      mode: ${meshMode}
  meshNetworks: 'networks: {}'
`,
    `apiVersion: v1
kind: Service
${gatewayMetadata}spec:
  type: ClusterIP
  selector:
    istio: egressgateway
  ports:
    - name: http
      port: 80
      targetPort: 8080
      protocol: TCP
    - name: https
      port: 443
      targetPort: 8443
      protocol: TCP
`,
    // The egress gateway's pod as its Deployment would create it. It stays Pending (no scheduler,
    // no kubelet), but Istio's analyzers see that the Gateway selector and the gateway
    // DestinationRule's subsets select a workload (otherwise IST0101 / IST0173).
    `apiVersion: v1
kind: Pod
${gatewayMetadata}spec:
  containers:
    - name: istio-proxy
      image: docker.io/istio/proxyv2:1.31.0
      ports:
        - containerPort: 8080
        - containerPort: 8443
`,
  ].join('---\n');
}

module.exports = { DEMO_NAMESPACES, NAMESPACE_OWNERS, rbacFile, seedDir, baseManifests };
