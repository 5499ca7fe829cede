import { configApiRef, useApi } from '@backstage/core-plugin-api';
import {
  DEFAULT_EGRESS_POLICY,
  EgressPolicy,
  parseEgressPolicy,
} from '@backstage-egress/plugin-egress-common';
import { useMemo } from 'react';

/**
 * The platform's egress policy from app-config (`egress.policy` is visible to
 * the frontend), for form defaults and risk flags. The backend evaluates the
 * same policy; when the config is unreadable the defaults are used and the
 * preview still shows the backend's verdict.
 */
export function useEgressPolicy(): EgressPolicy {
  const configApi = useApi(configApiRef);
  return useMemo(() => {
    try {
      return parseEgressPolicy(configApi.getOptional('egress.policy') ?? {});
    } catch {
      return DEFAULT_EGRESS_POLICY;
    }
  }, [configApi]);
}
