import { CORPUS_NOW, invalidDrafts, validBase } from './__fixtures__/invalidDrafts';
import { validateDraft } from './validation';

describe('invalid draft corpus', () => {
  it('has at least 100 cases with unique names', () => {
    expect(invalidDrafts.length).toBeGreaterThanOrEqual(100);
    expect(new Set(invalidDrafts.map(c => c.name)).size).toBe(invalidDrafts.length);
  });

  it('starts from a valid base', () => {
    expect(validateDraft(validBase, { now: CORPUS_NOW }).errors).toEqual([]);
  });

  it.each(invalidDrafts.map(c => [c.name, c] as const))('rejects %s', (_name, c) => {
    const result = validateDraft(c.draft, { now: CORPUS_NOW, ...c.options });
    expect(result.valid).toBe(false);
    const match = result.errors.find(e => e.code === c.expected.code && e.path === c.expected.path);
    if (!match) {
      throw new Error(`expected ${c.expected.code} at ${c.expected.path}, got ${JSON.stringify(result.errors, null, 2)}`);
    }
    expect(match.message).toContain(c.expected.message);
    expect(match.message.startsWith(`${c.expected.path}: `)).toBe(true);
  });
});
