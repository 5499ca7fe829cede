// @ts-check
'use strict';

const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { toolsDir, binRoot } = require('./paths');
const { run, withLock } = require('./proc');

/**
 * @typedef {object} BinarySpec
 * @property {'kube-apiserver' | 'kubectl' | 'etcd' | 'istioctl' | 'pilot-discovery' | 'xds-check'} name
 * @property {string} version  cache key, taken from the module's go.mod
 * @property {string} moduleDir  the Go module under tools/ that builds it
 * @property {string} pkg  main package to build
 * @property {string[]} ldflags  -X flags so the binary reports its real version
 */

/**
 * The version of `modulePath` that a go.mod requires (the go.mod is the single source of truth).
 * @param {string} moduleDir
 * @param {string} modulePath
 */
function requiredVersion(moduleDir, modulePath) {
  const goMod = fs.readFileSync(path.join(toolsDir, moduleDir, 'go.mod'), 'utf8');
  const quoted = modulePath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`^\\s*(?:require\\s+)?${quoted}\\s+(v\\S+)`, 'm').exec(goMod);
  if (!match) throw new Error(`tools/${moduleDir}/go.mod does not require ${modulePath}`);
  return match[1];
}

/**
 * Our own Go sources (the xDS check tool) have no upstream version: the cache key is the istio
 * version plus a hash of the sources and the module's go.mod, so an edit builds a new binary.
 * @param {string} moduleDir @param {string} dir
 */
function sourceVersion(moduleDir, dir) {
  const hash = crypto.createHash('sha256');
  const root = path.join(toolsDir, moduleDir);
  const files = [path.join(root, 'go.mod'), ...fs.readdirSync(path.join(root, dir)).sort().map(f => path.join(root, dir, f))];
  for (const file of files) hash.update(`${path.relative(root, file)}\0`).update(fs.readFileSync(file));
  return hash.digest('hex').slice(0, 12);
}

/** @returns {BinarySpec[]} */
function binarySpecs() {
  const kube = requiredVersion('kube', 'k8s.io/kubernetes');
  const [major, minor] = kube.replace(/^v/, '').split('.');
  const kubeFlags = ['k8s.io/component-base/version', 'k8s.io/client-go/pkg/version'].flatMap(pkg => [
    `-X ${pkg}.gitVersion=${kube}`,
    `-X ${pkg}.gitMajor=${major}`,
    `-X ${pkg}.gitMinor=${minor}`,
    `-X ${pkg}.gitTreeState=clean`,
  ]);
  const istio = requiredVersion('istioctl', 'istio.io/istio');
  const istioSha = istio.split('-').pop();
  const [apiMajor, apiMinor] = requiredVersion('istioctl', 'istio.io/api').replace(/^v/, '').split('.');
  const istioFlags = [
    `-X istio.io/istio/pkg/version.buildVersion=${apiMajor}.${apiMinor}-dev-${istioSha}`,
    `-X istio.io/istio/pkg/version.buildGitRevision=${istioSha}`,
    '-X istio.io/istio/pkg/version.buildStatus=Clean',
  ];
  return [
    { name: 'etcd', version: requiredVersion('etcd', 'go.etcd.io/etcd/server/v3'), moduleDir: 'etcd', pkg: 'go.etcd.io/etcd/server/v3', ldflags: [] },
    { name: 'kube-apiserver', version: kube, moduleDir: 'kube', pkg: 'k8s.io/kubernetes/cmd/kube-apiserver', ldflags: kubeFlags },
    { name: 'kubectl', version: kube, moduleDir: 'kube', pkg: 'k8s.io/kubernetes/cmd/kubectl', ldflags: kubeFlags },
    { name: 'istioctl', version: istio, moduleDir: 'istioctl', pkg: 'istio.io/istio/istioctl/cmd/istioctl', ldflags: istioFlags },
    // istiod, from the same module and version as istioctl (one go.mod, two `tool` directives).
    { name: 'pilot-discovery', version: istio, moduleDir: 'istioctl', pkg: 'istio.io/istio/pilot/cmd/pilot-discovery', ldflags: istioFlags },
    {
      name: 'xds-check',
      version: `${istio}-${sourceVersion('istioctl', 'xds-check')}`,
      moduleDir: 'istioctl',
      pkg: './xds-check',
      ldflags: [],
    },
  ];
}

/** @param {BinarySpec} spec */
function binaryPath(spec) {
  return path.join(binRoot(), `${spec.name}-${spec.version}`, spec.name);
}

/** Environment for `go`: static binaries, the local toolchain unless the caller chose one. */
function goEnv() {
  return { ...process.env, CGO_ENABLED: '0', GOTOOLCHAIN: process.env.GOTOOLCHAIN || 'local' };
}

/**
 * Builds one binary unless it is cached. Builds go to a temporary file that is renamed into
 * place, under a lock, so concurrent callers never see half a binary and build it only once.
 * @param {BinarySpec} spec
 */
async function ensureBinary(spec) {
  const out = binaryPath(spec);
  if (fs.existsSync(out)) return out;
  fs.mkdirSync(path.dirname(out), { recursive: true });
  await withLock(
    `${path.dirname(out)}.lock`,
    async () => {
      if (fs.existsSync(out)) return;
      process.stderr.write(`building ${spec.name} ${spec.version} (first run, several minutes)…\n`);
      const started = Date.now();
      const tmp = `${out}.${process.pid}.tmp`;
      await run(
        'go',
        ['build', '-trimpath', '-ldflags', ['-s', '-w', ...spec.ldflags].join(' '), '-o', tmp, spec.pkg],
        { cwd: path.join(toolsDir, spec.moduleDir), env: goEnv(), inheritStderr: true },
      );
      fs.renameSync(tmp, out);
      process.stderr.write(`built ${spec.name} ${spec.version} in ${Math.round((Date.now() - started) / 1000)} s: ${out}\n`);
    },
    {
      timeoutMs: 60 * 60_000,
      onWait: () => process.stderr.write(`waiting for another process building ${spec.name} ${spec.version}…\n`),
    },
  );
  return out;
}

/**
 * Istio's CRDs, read from the istio.io/api module in the Go module cache (never copied into the repo).
 * Looks in the module cache directly first, so a warm start needs no `go` call.
 */
async function ensureCrdFile() {
  const version = requiredVersion('istio-api', 'istio.io/api');
  const rel = path.join('kubernetes', 'customresourcedefinitions.gen.yaml');
  const modCache =
    process.env.GOMODCACHE || path.join((process.env.GOPATH || path.join(os.homedir(), 'go')).split(path.delimiter)[0], 'pkg', 'mod');
  const guess = path.join(modCache, `istio.io/api@${version}`, rel);
  if (fs.existsSync(guess)) return guess;
  const { stdout } = await run('go', ['mod', 'download', '-json', `istio.io/api@${version}`], {
    cwd: path.join(toolsDir, 'istio-api'),
    env: goEnv(),
    timeoutMs: 5 * 60_000,
  });
  const file = path.join(JSON.parse(stdout).Dir, rel);
  if (!fs.existsSync(file)) throw new Error(`istio.io/api@${version} has no ${rel}`);
  return file;
}

/**
 * Builds (first run only) and returns the paths of every binary and of Istio's CRD file.
 * @returns {Promise<import('../index').Binaries>}
 */
async function ensureBinaries() {
  /** @type {Record<string, string>} */
  const paths = {};
  // One at a time: on 2 cores parallel Go builds are no faster and share the build cache.
  for (const spec of binarySpecs()) paths[spec.name] = await ensureBinary(spec);
  return {
    kubeApiserver: paths['kube-apiserver'],
    etcd: paths.etcd,
    kubectl: paths.kubectl,
    istioctl: paths.istioctl,
    pilotDiscovery: paths['pilot-discovery'],
    xdsCheck: paths['xds-check'],
    crdFile: await ensureCrdFile(),
  };
}

/** Versions of everything testenv runs, from the go.mod files. */
function versions() {
  /** @type {Record<string, string>} */
  const out = {};
  for (const spec of binarySpecs()) out[spec.name] = spec.version;
  out['istio.io/api'] = requiredVersion('istio-api', 'istio.io/api');
  return out;
}

module.exports = { ensureBinaries, binarySpecs, binaryPath, versions };
