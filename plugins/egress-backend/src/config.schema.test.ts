/**
 * The plugin's config.d.ts, read the way Backstage reads it (config-loader
 * compiling the TypeScript declarations to JSON schema with
 * ts-json-schema-generator): the repository's config files validate, a wrong
 * value is refused, and visibility reaches the browser only for what is marked
 * `frontend`, never for secrets.
 */
import { ConfigSchema, loadConfigSchema } from '@backstage/config-loader';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

const repoRoot = path.resolve(__dirname, '../../..');
const configFile = (name: string) => ({
  data: parse(fs.readFileSync(path.join(repoRoot, name), 'utf8')),
  context: name,
});

describe('the egress config schema', () => {
  let schema: ConfigSchema;

  beforeAll(async () => {
    const cwd = process.cwd();
    process.chdir(repoRoot);
    try {
      schema = await loadConfigSchema({
        dependencies: [],
        packagePaths: [path.join(repoRoot, 'plugins/egress-backend/package.json')],
      });
    } finally {
      process.chdir(cwd);
    }
  }, 60_000);

  it('is compiled from config.d.ts', () => {
    const schemas = schema.serialize().schemas as Array<{ packageName: string; path: string; value: unknown }>;
    const egress = schemas.find(s => s.packageName === '@backstage-egress/plugin-egress-backend');
    expect(egress?.path).toBe(path.join('plugins', 'egress-backend', 'config.d.ts'));
    expect(JSON.stringify(egress?.value)).toContain('serviceAccountToken');
  });

  it('accepts the repository\'s development and production config files', () => {
    for (const files of [
      ['app-config.yaml', 'app-config.development.yaml'],
      ['app-config.yaml', 'app-config.production.yaml'],
    ]) {
      expect(() => schema.process(files.map(configFile))).not.toThrow();
    }
  });

  it('refuses a value outside the declared type', () => {
    const wrong = { data: { egress: { clusters: [{ name: 'c1', authProvider: 'password' }] } }, context: 'wrong.yaml' };
    expect(() => schema.process([wrong])).toThrow(/authProvider/);
  });

  it('lets the browser see cluster names and titles, never tokens', () => {
    const cluster = { name: 'c1', title: 'Cluster one', serviceAccountToken: 's3cret', prometheusToken: 't0ken' };
    const processed = schema.process([configFile('app-config.yaml'), { data: { egress: { clusters: [cluster] } }, context: 'c.yaml' }], {
      visibility: ['frontend'],
    });
    expect(processed.find(c => c.context === 'c.yaml')?.data).toEqual({ egress: { clusters: [{ name: 'c1', title: 'Cluster one' }] } });
  });
});
