import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { GOLDEN_CLUSTER, GOLDEN_NOW, goldenCases } from './__fixtures__/goldenCases';
import { manifestsToYaml } from './manifests';
import { renderManifests } from './render';
import { validateDraft } from './validation';

const goldenDir = path.join(__dirname, '__golden__');
const update = process.env.UPDATE_GOLDEN === '1';

describe('golden manifests', () => {
  it.each(goldenCases.map(c => [c.name, c] as const))('%s', (name, golden) => {
    const { id, requestedBy, decidedBy, status, ...draft } = golden.request;
    expect(validateDraft(draft, { now: GOLDEN_NOW }).errors).toEqual([]);

    const yaml = manifestsToYaml(renderManifests(golden.request, golden.cluster ?? GOLDEN_CLUSTER));
    const file = path.join(goldenDir, `${name}.yaml`);
    if (update) fs.writeFileSync(file, `# ${golden.description}\n${yaml}`);
    const expected = fs.readFileSync(file, 'utf8').replace(/^#.*\n/, '');
    expect(yaml).toBe(expected);
    // The file is valid multi-document YAML.
    expect(parseAllDocuments(expected).every(d => d.errors.length === 0)).toBe(true);
  });

  it('covers every golden file', () => {
    const files = fs.readdirSync(goldenDir).filter(f => f.endsWith('.yaml')).sort();
    expect(files).toEqual(goldenCases.map(c => `${c.name}.yaml`).sort());
  });
});
