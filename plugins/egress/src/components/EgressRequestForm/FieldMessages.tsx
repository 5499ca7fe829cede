/**
 * A field's validator messages, errors first, one per line; undefined when
 * there are none so a field can fall back to its hint.
 */
export function fieldMessages(errors: string[], warnings: string[]) {
  const all = [...errors, ...warnings];
  if (all.length === 0) return undefined;
  return (
    <>
      {all.map(m => (
        <span key={m} style={{ display: 'block' }}>
          {m}
        </span>
      ))}
    </>
  );
}
