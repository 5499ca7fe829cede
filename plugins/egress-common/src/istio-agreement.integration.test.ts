/**
 * Agreement with the real thing: a kube-apiserver with Istio's CRDs (from
 * @backstage-egress/testenv) and istioctl.
 *
 * - every golden manifest applies as the plugin's least-privilege identity
 *   and passes `istioctl validate`;
 * - for every invalid-corpus case that can be written as manifests, what the
 *   API server or istioctl reject, our validator rejects too, and the
 *   corpus' `istio` column (rejects/accepts) is what they really do;
 * - drafts our validator accepts render manifests the API server accepts.
 *
 * Nothing is skipped: without a cluster these tests fail.
 */
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import fc from 'fast-check';
import * as k8s from '@kubernetes/client-node';
import { ensureBinaries, startCluster, stopCluster } from '@backstage-egress/testenv';
import { parseAllDocuments } from 'yaml';
import { CORPUS_NOW, invalidDrafts } from './__fixtures__/invalidDrafts';
import { GOLDEN_CLUSTER } from './__fixtures__/goldenCases';
import { KubernetesManifest, manifestsToYaml } from './manifests';
import { renderManifests } from './render';
import { renderUnchecked } from './__testUtils__/renderUnchecked';
import { validDraftArbitrary } from './__testUtils__/arbitraries';
import { validateDraft } from './validation';

jest.setTimeout(20 * 60 * 1000);

const CLUSTER = 't-common-agree';
const FIELD_MANAGER = 'backstage-egress';
const goldenDir = path.join(__dirname, '__golden__');
const goldenFiles = fs.readdirSync(goldenDir).filter(f => f.endsWith('.yaml')).sort();

let client: k8s.KubernetesObjectApi;
let istioctl: string;
let tmp: string;

function readManifests(file: string): KubernetesManifest[] {
  return parseAllDocuments(fs.readFileSync(file, 'utf8')).map(d => d.toJSON());
}

function apply(manifest: KubernetesManifest, dryRun?: 'All') {
  return client.patch(manifest, undefined, dryRun, FIELD_MANAGER, true, k8s.PatchStrategy.ServerSideApply);
}

/** Undefined when the API server accepts, else its message. */
async function apiServerVerdict(manifests: KubernetesManifest[]): Promise<string | undefined> {
  for (const manifest of manifests) {
    try {
      await apply(manifest, 'All');
    } catch (e: any) {
      const body = typeof e.body === 'string' ? e.body : JSON.stringify(e.body ?? {});
      return `${manifest.kind}: ${e.code ?? ''} ${body || e.message}`;
    }
  }
  return undefined;
}

/**
 * Undefined when `istioctl validate` accepts the file without a word, else
 * its output. It exits non-zero on warnings too; `errorsOnly` counts a file
 * with warnings but no errors as accepted (Istio would apply it).
 */
function istioctlVerdict(file: string, errorsOnly = false): Promise<string | undefined> {
  return new Promise(resolve => {
    execFile(istioctl, ['validate', '-f', file], { timeout: 120_000 }, (error, stdout, stderr) => {
      const output = `${stdout}${stderr}`.trim();
      if (!error) resolve(undefined);
      else if (errorsOnly && /has warnings/.test(output) && !/error/i.test(output)) resolve(undefined);
      else resolve(output || String(error));
    });
  });
}

beforeAll(async () => {
  const binaries = await ensureBinaries();
  istioctl = binaries.istioctl;
  const cluster = await startCluster({ name: CLUSTER });
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(cluster.kubeconfigPath);
  kc.setCurrentContext(cluster.contexts['backstage-egress']);
  client = k8s.KubernetesObjectApi.makeApiClient(kc);
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'egress-agree-'));
});

afterAll(async () => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  await stopCluster(CLUSTER);
});

describe('golden manifests', () => {
  it.each(goldenFiles)('%s applies as the backstage-egress identity', async file => {
    const manifests = readManifests(path.join(goldenDir, file));
    for (const manifest of manifests) {
      const applied: any = await apply(manifest);
      expect(applied.metadata.name).toBe(manifest.metadata.name);
      expect(applied.spec).toEqual(manifest.spec);
    }
    for (const manifest of manifests) await client.delete(manifest);
  });

  it.each(goldenFiles)('%s passes istioctl validate', async file => {
    expect(await istioctlVerdict(path.join(goldenDir, file))).toBeUndefined();
  });
});

describe('invalid corpus against Istio', () => {
  const expressible = invalidDrafts.filter(c => c.istio !== 'n/a');

  it.each(expressible.map(c => [c.name, c] as const))('%s', async (_name, c) => {
    const manifests = renderUnchecked(c.draft);
    expect(manifests).toBeDefined();
    const file = path.join(tmp, 'case.yaml');
    fs.writeFileSync(file, manifestsToYaml(manifests!));
    const rejection = (await apiServerVerdict(manifests!)) ?? (await istioctlVerdict(file, true));

    // What Istio rejects, we reject (every corpus case is one we reject).
    expect(validateDraft(c.draft, { now: CORPUS_NOW, ...c.options }).valid).toBe(false);
    // And the corpus says truthfully whether Istio would have let it through.
    expect({ case: c.name, istio: rejection ? 'rejects' : 'accepts', why: rejection }).toMatchObject({
      case: c.name,
      istio: c.istio,
    });
  });
});

describe('accepted drafts', () => {
  it('render manifests the API server and istioctl accept', async () => {
    const rendered: KubernetesManifest[] = [];
    await fc.assert(
      fc.asyncProperty(validDraftArbitrary, fc.uuid(), async (draft, id) => {
        // The cluster has a fixed set of namespaces; the draft's own is checked by the validator.
        const manifests = renderManifests({ ...draft, namespace: 'payments', id }, GOLDEN_CLUSTER);
        rendered.push(...manifests);
        expect(await apiServerVerdict(manifests)).toBeUndefined();
      }),
      { numRuns: 200 },
    );
    const file = path.join(tmp, 'accepted.yaml');
    fs.writeFileSync(file, manifestsToYaml(rendered));
    expect(await istioctlVerdict(file)).toBeUndefined();
  });
});
