import { RELATION_OWNED_BY } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import useAsync from 'react-use/esm/useAsync';

/**
 * The owner refs of the given entities, from the catalog (one call for all).
 * Entities the catalog does not return, or a failed call, give no owner.
 */
const NO_OWNERS = new Map<string, string>();

export function useEntityOwners(entityRefs: string[]): Map<string, string> {
  const catalogApi = useApi(catalogApiRef);
  const key = [...new Set(entityRefs)].sort().join('\n');
  const { value } = useAsync(async () => {
    const owners = new Map<string, string>();
    if (!key) return owners;
    const refs = key.split('\n');
    const { items } = await catalogApi.getEntitiesByRefs({ entityRefs: refs, fields: ['relations'] });
    items.forEach((entity, i) => {
      const owner = entity?.relations?.find(r => r.type === RELATION_OWNED_BY)?.targetRef;
      if (owner) owners.set(refs[i], owner);
    });
    return owners;
  }, [catalogApi, key]);
  return value ?? NO_OWNERS;
}
