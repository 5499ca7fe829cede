import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';

/**
 * An entity ref from a query parameter, completed the way the catalog
 * completes refs (`alice` → `user:default/alice` for `requester`,
 * `payments` → `component:default/payments` for `entityRef`); an InputError
 * naming the expected form when it is not a ref.
 */
export function queryRef(param: string, value: string | undefined, defaultKind: string): string | undefined {
  if (value === undefined) return undefined;
  try {
    return stringifyEntityRef(parseEntityRef(value.trim(), { defaultKind, defaultNamespace: 'default' }));
  } catch (e) {
    throw new InputError(
      `${param}: '${value}' is not an entity ref; expected ${defaultKind}:<namespace>/<name>, or <name> in the default namespace (${(e as Error).message})`,
    );
  }
}
