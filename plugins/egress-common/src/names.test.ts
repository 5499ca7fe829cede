import fc from 'fast-check';
import { fnv1a32, fnv1a64, isDns1123Label, resourceName } from './names';
import { hostArbitrary, labelArbitrary, requestIdArbitrary, wildcardHostArbitrary } from './__testUtils__/arbitraries';

describe('FNV-1a', () => {
  it('matches the reference vectors', () => {
    expect(fnv1a32('')).toBe('811c9dc5');
    expect(fnv1a32('a')).toBe('e40c292c');
    expect(fnv1a32('foobar')).toBe('bf9cf968');
    expect(fnv1a64('')).toBe('cbf29ce484222325');
    expect(fnv1a64('a')).toBe('af63dc4c8601ec8c');
    expect(fnv1a64('foobar')).toBe('85944171f73967e8');
  });

  it('computes the 64-bit hash as its BigInt definition does, for any text', () => {
    const definition = (text: string) => {
      let hash = 0xcbf29ce484222325n;
      for (const byte of new TextEncoder().encode(text)) {
        hash = ((hash ^ BigInt(byte)) * 0x100000001b3n) & 0xffffffffffffffffn;
      }
      return hash.toString(16).padStart(16, '0');
    };
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), text => fnv1a64(text) === definition(text)), { numRuns: 500 });
  });
});

describe('resourceName', () => {
  it('is readable and deterministic', () => {
    expect(resourceName('edition.cnn.com', 'req-1')).toMatch(/^edition-cnn-com-[0-9a-f]{8}$/);
    expect(resourceName('edition.cnn.com', 'req-1')).toBe(resourceName('edition.cnn.com', 'req-1'));
    expect(resourceName('*.googleapis.com', 'x')).toMatch(/^wildcard-googleapis-com-/);
    expect(resourceName('2001:db8::/48', 'x')).toMatch(/^2001-db8-48-/);
  });

  it('differs between hosts and between requests, even when the slugs would read the same', () => {
    expect(resourceName('a-b', 'c')).not.toBe(resourceName('a', 'b-c'));
    expect(resourceName('edition.cnn.com', 'req-1')).not.toBe(resourceName('edition.cnn.com', 'req-2'));
  });

  it('truncates long hosts to 63 characters with the hash kept', () => {
    const host = `${'a'.repeat(63)}.${'b'.repeat(63)}.example.com`;
    const name = resourceName(host, 'req-1');
    expect(name).toHaveLength(63);
    expect(isDns1123Label(name)).toBe(true);
    expect(name.endsWith(fnv1a32(`${host}\nreq-1`))).toBe(true);
  });

  it('is a DNS-1123 label of at most 63 characters for any valid host and id', () => {
    const longHost = fc
      .array(labelArbitrary(63), { minLength: 2, maxLength: 4 })
      .map(labels => `${labels.join('.')}.com`)
      .filter(h => h.length <= 253);
    fc.assert(
      fc.property(fc.oneof(hostArbitrary, wildcardHostArbitrary, longHost), requestIdArbitrary, (host, id) => {
        const name = resourceName(host, id);
        expect(name.length).toBeLessThanOrEqual(63);
        expect(isDns1123Label(name)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});
