import {
  AuthService,
  BackstageCredentials,
  BackstageUserPrincipal,
} from '@backstage/backend-plugin-api';
import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { NotAllowedError } from '@backstage/errors';
import {
  EgressPreviewOutput,
  EgressRequestOutcome,
  EntityEgressOutput,
  egressDraftInputSchema,
  egressPreviewOutputSchema,
  egressRequestOutcomeSchema,
  entityEgressInputSchema,
  entityEgressOutputSchema,
  entityEgressTabPath,
} from '@backstage-egress/plugin-egress-common';
import { EgressRequestService } from '../workflow/EgressRequestService';

/** Dependencies of {@link registerEgressActions}. */
export interface EgressActionsOptions {
  actionsRegistry: ActionsRegistryService;
  auth: AuthService;
  requests: EgressRequestService;
  /** The app's base URL, for links to the entity's Egress tab. */
  appBaseUrl: string;
}

/**
 * Registers `list-egress`, `preview-request` and `request-access` in
 * Backstage's actions registry (ids `egress:<name>`), for MCP clients and
 * other backends. Each runs the same service calls as the HTTP routes with
 * the caller's own user credentials, so the same permission checks and
 * policy apply; services calling on their own behalf are refused.
 */
export function registerEgressActions(options: EgressActionsOptions) {
  const { actionsRegistry, auth, requests, appBaseUrl } = options;
  const asUser = (credentials: BackstageCredentials): BackstageCredentials<BackstageUserPrincipal> => {
    if (!auth.isPrincipal(credentials, 'user')) {
      throw new NotAllowedError('Egress actions act for a signed-in user; call them with user credentials');
    }
    return credentials;
  };

  actionsRegistry.register({
    name: 'list-egress',
    title: 'List egress of an entity',
    description:
      'Lists the egress requests of a catalog entity (a component running in a Kubernetes namespace) ' +
      'with their status and per-cluster apply state, newest first.',
    attributes: { readOnly: true, idempotent: true },
    schema: { input: () => entityEgressInputSchema, output: () => entityEgressOutputSchema },
    async action({ input, credentials }) {
      const { requests: items, targets } = await requests.entityRequests(input.entityRef, asUser(credentials));
      const output: EntityEgressOutput = {
        entityRef: input.entityRef,
        requests: items.map(r => ({
          ...r,
          targets: targets
            .filter(t => t.requestId === r.id)
            .map(t => ({ cluster: t.cluster, status: t.status, lastError: t.lastError })),
        })),
      };
      return { output };
    },
  });

  actionsRegistry.register({
    name: 'preview-request',
    title: 'Preview an egress request',
    description:
      'Checks a draft egress request without storing it: validation errors and warnings, the policy ' +
      'verdict (denied, needs-approval or auto-approve), risk flags and the exact Istio YAML per cluster.',
    attributes: { readOnly: true, idempotent: true },
    schema: { input: () => egressDraftInputSchema, output: () => egressPreviewOutputSchema },
    async action({ input, credentials }) {
      const preview = await requests.preview(input, asUser(credentials));
      const output: EgressPreviewOutput = {
        ...preview,
        manifests: preview.manifests.map(m => ({ cluster: m.cluster, yaml: m.yaml })),
      };
      return { output };
    },
  });

  actionsRegistry.register({
    name: 'request-access',
    title: 'Request outbound access',
    description:
      "Requests outbound access to external hosts for an entity's workloads. The platform team " +
      'approves it unless the policy auto-approves; denied drafts are refused. Sending the same draft ' +
      'with the same id again returns the stored request.',
    attributes: { readOnly: false, destructive: false, idempotent: true },
    schema: { input: () => egressDraftInputSchema, output: () => egressRequestOutcomeSchema },
    async action({ input, credentials }) {
      const { request } = await requests.submit(input, asUser(credentials));
      const output: EgressRequestOutcome = {
        requestId: request.id,
        status: request.status,
        link: `${appBaseUrl}${entityEgressTabPath(request.entityRef)}`,
      };
      return { output };
    },
  });
}
