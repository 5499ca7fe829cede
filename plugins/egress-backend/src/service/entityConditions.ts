import type { Entity } from '@backstage/catalog-model';
import { permissionRules } from '@backstage/plugin-catalog-backend/alpha';
import { AuthorizeResult, PolicyDecision } from '@backstage/plugin-permission-common';
import { createConditionAuthorizer } from '@backstage/plugin-permission-node';

const catalogRules = Object.values(permissionRules);
const authorizeEntity = createConditionAuthorizer(catalogRules as any);
const known = new Set(catalogRules.map(r => r.name));

/**
 * A decision on one catalog entity, with conditions the catalog's own rules evaluate against the
 * entity in hand, as the catalog's apply-conditions route would; undefined when the decision is
 * conditional on another plugin's resources or names a rule the catalog was given elsewhere
 * (the caller then asks the permission framework with the entity's ref).
 */
export function decideOnEntity(decision: PolicyDecision, entity: Entity | undefined): AuthorizeResult.ALLOW | AuthorizeResult.DENY | undefined {
  if (decision.result !== AuthorizeResult.CONDITIONAL) return decision.result;
  if (decision.pluginId !== 'catalog' || decision.resourceType !== 'catalog-entity') return undefined;
  if (!rulesOf(decision.conditions).every(rule => known.has(rule))) return undefined;
  if (!entity) return AuthorizeResult.DENY;
  return authorizeEntity(decision, entity) ? AuthorizeResult.ALLOW : AuthorizeResult.DENY;
}

function rulesOf(criteria: any): string[] {
  if ('allOf' in criteria) return criteria.allOf.flatMap(rulesOf);
  if ('anyOf' in criteria) return criteria.anyOf.flatMap(rulesOf);
  if ('not' in criteria) return rulesOf(criteria.not);
  return [criteria.rule];
}
