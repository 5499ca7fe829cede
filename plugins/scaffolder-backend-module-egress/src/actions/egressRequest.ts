import { AuthService, DiscoveryService } from '@backstage/backend-plugin-api';
import { InputError, ResponseError } from '@backstage/errors';
import {
  EgressDraftInput,
  EgressRequestOutcome,
  PreviewResult,
  egressDraftInputSchema,
  egressRequestOutcomeSchema,
  entityEgressTabPath,
} from '@backstage-egress/plugin-egress-common';
import { TemplateAction, createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { randomUUID } from 'node:crypto';

/** Options of {@link createEgressRequestAction}. @public */
export interface EgressRequestActionOptions {
  /** Issues the token on behalf of the user who runs the template. */
  auth: AuthService;
  /** Finds the egress backend (`/api/egress`). */
  discovery: DiscoveryService;
  /** The app's base URL, for the link to the entity's Egress tab. */
  appBaseUrl: string;
}

/**
 * The scaffolder action `egress:request`: requests outbound access for an
 * entity, e.g. the service a template just created. It calls the egress
 * backend's HTTP API with the credentials of the user who started the
 * template, so the same validation, policy and permission checks apply as in
 * the Egress tab's form. A dry run previews validation and the policy
 * verdict without storing anything.
 * @public
 */
export function createEgressRequestAction(
  options: EgressRequestActionOptions,
): TemplateAction<EgressDraftInput, EgressRequestOutcome, 'v2'> {
  // The declared return type names the common domain's types, so the API report does not
  // depend on the order in which the compiler happens to print an inferred object type.
  const { auth, discovery, appBaseUrl } = options;
  return createTemplateAction({
    id: 'egress:request',
    description:
      "Requests outbound access to external hosts for an entity's workloads, under the egress " +
      "policy and the template user's permissions. Outputs the request id, its status and a link to the entity's Egress tab.",
    supportsDryRun: true,
    examples: [
      {
        description: 'Request HTTPS access to a payment API through the egress gateway',
        example: [
          'steps:',
          '  - id: egress',
          '    action: egress:request',
          '    input:',
          '      entityRef: component:default/payments-api',
          '      clusters: [dev]',
          '      hosts: [api.stripe.com]',
          '      ports: [{ number: 443, protocol: TLS }]',
          '      viaEgressGateway: true',
          '      justification: Card payments go through Stripe',
        ].join('\n'),
      },
    ],
    schema: {
      input: () => egressDraftInputSchema,
      output: () => egressRequestOutcomeSchema,
    },
    async handler(ctx) {
      const draft: EgressDraftInput = ctx.input;
      const credentials = await ctx.getInitiatorCredentials();
      const { token } = await auth.getPluginRequestToken({ onBehalfOf: credentials, targetPluginId: 'egress' });
      const baseUrl = await discovery.getBaseUrl('egress');
      const post = async (path: string, body: object) => {
        const res = await fetch(`${baseUrl}${path}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
          body: JSON.stringify(body),
        });
        if (!res.ok) throw await ResponseError.fromResponse(res);
        return res.json();
      };
      const link = `${appBaseUrl}${entityEgressTabPath(draft.entityRef)}`;

      if (ctx.isDryRun) {
        const preview: PreviewResult = await post('/preview', draft);
        for (const w of preview.warnings) ctx.logger.warn(w.message);
        for (const r of preview.riskFlags) ctx.logger.info(`risk: ${r.message}`);
        if (!preview.valid) {
          throw new InputError(`Invalid egress request: ${preview.errors.map(e => e.message).join('; ')}`);
        }
        const policy = preview.policy!;
        if (policy.verdict === 'denied') {
          throw new InputError(`Denied by policy (${policy.rule}): ${policy.reason}`);
        }
        ctx.logger.info(`Dry run: the request is valid; policy verdict ${policy.verdict} (${policy.reason}); nothing stored`);
        ctx.output('requestId', draft.id ?? 'dry-run');
        ctx.output('status', policy.verdict === 'auto-approve' ? 'approved' : 'pending');
        ctx.output('link', link);
        return;
      }

      // One id per step across retries and task recovery: a resumed task
      // gets the request it already created back instead of a second one.
      const id =
        draft.id ??
        (await ctx.checkpoint({
          key: `egress-request-id:${ctx.step?.id ?? ''}:${draft.entityRef}:${(draft.hosts ?? draft.addresses ?? []).join(',')}`,
          fn: async () => randomUUID(),
        }));
      const request = await post('/requests', { ...draft, id });
      ctx.logger.info(`Egress request ${request.id} for ${request.entityRef} is ${request.status}: ${link}`);
      ctx.output('requestId', request.id);
      ctx.output('status', request.status);
      ctx.output('link', link);
    },
  });
}
