// @ts-check
/**
 * The demo's two test clusters, started side by side by `npm run dev` and the end-to-end tests:
 * `dev-eu` with the mesh in REGISTRY_ONLY (only registered hosts are reachable) and `dev-us` in
 * ALLOW_ANY (everything passes). Their seeds differ, so the Egress tab shows per-cluster
 * differences: dev-eu holds unmanaged ServiceEntries in `payments` (created by hand before the
 * plugin existed), dev-us a hand-made lockdown Sidecar in `checkout` (REGISTRY_ONLY for that
 * namespace only). The catalog limits search-indexer to dev-us (egress.backstage.io/clusters).
 */
const fs = require('node:fs');
const path = require('node:path');

/**
 * @typedef {object} DemoCluster
 * @property {string} name        the name under egress.clusters (requests, the clusters annotation, the UI)
 * @property {string} suffix      the local test cluster is `<prefix>-<suffix>`
 * @property {'ALLOW_ANY' | 'REGISTRY_ONLY'} meshMode
 * @property {boolean} seed       testenv's unmanaged ServiceEntries in payments (tools/testenv/seed)
 * @property {string[]} manifests further unmanaged resources, applied as the cluster's admin
 * @property {Record<string, 'ALLOW_ANY' | 'REGISTRY_ONLY'>} [namespaceModes] namespaces whose seeded Sidecar overrides the mesh mode
 */

/** @type {DemoCluster[]} */
const DEMO_CLUSTERS = [
  { name: 'dev-eu', suffix: 'eu', meshMode: 'REGISTRY_ONLY', seed: true, manifests: [] },
  {
    name: 'dev-us',
    suffix: 'us',
    meshMode: 'ALLOW_ANY',
    seed: false,
    manifests: [path.join(__dirname, 'demo-seed', 'checkout-lockdown.yaml')],
    namespaceModes: { checkout: 'REGISTRY_ONLY' },
  },
];

/**
 * The demo clusters to run, each with the name of its local test cluster.
 * @param {string} prefix        local test clusters are `<prefix>-eu` and `<prefix>-us`
 * @param {string[]} [only]      names of DEMO_CLUSTERS to run (default all)
 */
function demoClusters(prefix, only) {
  const chosen = only ? DEMO_CLUSTERS.filter(c => only.includes(c.name)) : DEMO_CLUSTERS;
  if (only && chosen.length !== only.length) {
    throw new Error(`unknown demo cluster in ${only.join(', ')}: use ${DEMO_CLUSTERS.map(c => c.name).join(', ')}`);
  }
  return chosen.map(c => ({ ...c, local: `${prefix}-${c.suffix}` }));
}

/**
 * Starts the clusters in parallel (with istiod when asked) and applies their own seeds.
 * @param {ReturnType<typeof demoClusters>} clusters
 * @param {{ seed: boolean, istiod: boolean }} o
 * @returns {Promise<Array<{ cluster: ReturnType<typeof demoClusters>[number], info: import('@backstage-egress/testenv').ClusterInfo }>>}
 */
async function startDemoClusters(clusters, o) {
  const testenv = require('@backstage-egress/testenv');
  const bins = await testenv.ensureBinaries();
  return Promise.all(
    clusters.map(async cluster => {
      const info = await testenv.startCluster({
        name: cluster.local,
        meshMode: cluster.meshMode,
        seed: o.seed && cluster.seed,
        istiod: o.istiod,
      });
      if (o.seed && cluster.manifests.length > 0) {
        await kubectlApply(bins.kubectl, info, cluster.manifests);
      }
      return { cluster, info };
    }),
  );
}

/** Server-side apply as the cluster's admin (the seeds are what a platform team made by hand). */
function kubectlApply(kubectl, info, files) {
  const { execFile } = require('node:child_process');
  const args = ['--kubeconfig', info.kubeconfigPath, '--context', info.contexts.admin, 'apply', '--server-side', '--field-manager=egress-demo-seed'];
  for (const file of files) args.push('-f', file);
  return new Promise((resolve, reject) => {
    execFile(kubectl, args, { timeout: 60_000 }, (err, _stdout, stderr) =>
      err ? reject(new Error(`seeding ${info.name}: ${stderr || err.message}`)) : resolve(undefined),
    );
  });
}

/**
 * One kubeconfig holding the plugin's least-privilege identity for every cluster, one context
 * per egress cluster name (what egress.clusters[].kubeconfigContext names).
 * @param {string} file
 * @param {Array<{ cluster: { name: string }, info: import('@backstage-egress/testenv').ClusterInfo }>} started
 */
function writePluginKubeconfig(file, started) {
  const entries = started.map(({ cluster, info }) => ({ name: cluster.name, server: info.server, ca: info.caData, token: info.tokens['backstage-egress'] }));
  const text = [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    ...entries.flatMap(e => [`  - name: ${e.name}`, '    cluster:', `      server: ${e.server}`, `      certificate-authority-data: ${e.ca}`]),
    'users:',
    ...entries.flatMap(e => [`  - name: ${e.name}-backstage-egress`, '    user:', `      token: ${e.token}`]),
    'contexts:',
    ...entries.flatMap(e => [`  - name: ${e.name}`, '    context:', `      cluster: ${e.name}`, `      user: ${e.name}-backstage-egress`]),
    `current-context: ${entries[0].name}`,
    '',
  ].join('\n');
  fs.writeFileSync(file, text, { mode: 0o600 });
  return file;
}

/**
 * The clusters' entries under egress.clusters: the plugin's identity through the kubeconfig
 * above, istiod's verdict when it runs, the cluster's Prometheus, and a Kiali link to where
 * `istioctl dashboard kiali` serves it (no Kiali runs here: the links show their shape).
 * @param {Array<{ name: string, prometheusUrl?: string }>} clusters
 * @param {{ istioAnalysis: boolean }} o
 */
function demoClusterConfig(clusters, o) {
  return [
    'egress:',
    '  clusters:',
    ...clusters.flatMap(c => [
      `    - name: ${c.name}`,
      `      title: ${c.name}`,
      '      authProvider: kubeconfig',
      `      kubeconfigContext: ${c.name}`,
      `      istioAnalysis: ${o.istioAnalysis}`,
      ...(c.prometheusUrl ? [`      prometheusUrl: ${c.prometheusUrl}`] : []),
      '      kialiUrl: http://localhost:20001/kiali',
    ]),
    '',
  ].join('\n');
}

/** Demo workloads and the hosts they call (the seeded ServiceEntries and the demo's usual requests). */
const DEMO_LOAD = [
  { namespace: 'payments', workload: 'payments-api', hosts: ['api.github.com', '*.googleapis.com', 'api.stripe.com'] },
  { namespace: 'checkout', workload: 'checkout', hosts: ['api.stripe.com'] },
  { namespace: 'search', workload: 'search-indexer', hosts: ['api.github.com'] },
];

/**
 * A traffic simulator with a gentle load, and a Prometheus scraping it every 5 s: one per cluster,
 * as in a real mesh. Unregistered calls are blocked or pass through as the namespace's mode says.
 * @param {ReturnType<typeof demoClusters>[number]} cluster
 */
async function startDemoMetrics(cluster) {
  const { TrafficSimulator, startPrometheus } = require('@backstage-egress/testenv');
  const simulator = new TrafficSimulator();
  const target = await simulator.listen();
  simulator.startLoad(
    DEMO_LOAD.map(w => ({ ...w, meshMode: cluster.namespaceModes?.[w.namespace] ?? cluster.meshMode })),
    5000,
  );
  try {
    const prometheus = await startPrometheus({ name: `stack-${cluster.local}`, targets: [target], scrapeIntervalSeconds: 5 });
    return { prometheus, simulator };
  } catch (e) {
    await simulator.close();
    throw e;
  }
}

module.exports = { DEMO_CLUSTERS, demoClusters, startDemoClusters, writePluginKubeconfig, demoClusterConfig, startDemoMetrics };
