/**
 * Input and output shapes of the egress actions that clients other than the
 * Egress tab use: Backstage's actions registry (and through it MCP clients)
 * and the scaffolder's `egress:request`. One definition here, so every
 * caller sees the same fields and descriptions.
 */
import { z } from 'zod/v3';
import { EGRESS_REQUEST_STATUSES, EgressRequestStatus } from './model';
import { egressRequestDraftSchema } from './schema';

const statusSchema = z.enum(
  EGRESS_REQUEST_STATUSES as [EgressRequestStatus, ...EgressRequestStatus[]],
);

const entityRefSchema = z
  .string()
  .describe('Catalog entity owning the workloads, e.g. component:default/payments-api');

/**
 * A draft as callers outside the form send it: the namespace is optional
 * because the backend takes it from the entity's
 * `backstage.io/kubernetes-namespace` annotation.
 * @public
 */
export const egressDraftInputSchema = egressRequestDraftSchema.extend({
  entityRef: entityRefSchema,
  namespace: z
    .string()
    .optional()
    .describe("The entity's namespace; taken from the entity when left out"),
});

/** Input of `list-egress`: the entity whose egress to list. @public */
export const entityEgressInputSchema = z.object({ entityRef: entityRefSchema });

const fieldIssueSchema = z.object({
  path: z.string(),
  code: z.string(),
  message: z.string(),
});

/** One request as the actions report it. @public */
export const egressRequestSummarySchema = z.object({
  id: z.string(),
  entityRef: z.string(),
  namespace: z.string(),
  clusters: z.array(z.string()),
  hosts: z.array(z.string()).optional(),
  addresses: z.array(z.string()).optional(),
  ports: z.array(z.object({ number: z.number(), protocol: z.string() })),
  viaEgressGateway: z.boolean(),
  status: statusSchema,
  requestedBy: z.string(),
  requestedAt: z.string(),
  expiresAt: z.string().optional(),
  justification: z.string(),
  targets: z
    .array(
      z.object({
        cluster: z.string(),
        status: z.string(),
        lastError: z.string().optional(),
      }),
    )
    .describe('Apply state per target cluster'),
});

/** Output of `list-egress`: the entity's requests, newest first. @public */
export const entityEgressOutputSchema = z.object({
  entityRef: z.string(),
  requests: z.array(egressRequestSummarySchema),
});

/** Output of `preview-request`: validation, policy verdict, risk flags and the exact YAML per cluster. @public */
export const egressPreviewOutputSchema = z.object({
  valid: z.boolean(),
  errors: z.array(fieldIssueSchema),
  warnings: z.array(fieldIssueSchema),
  policy: z
    .object({
      verdict: z.enum(['denied', 'needs-approval', 'auto-approve']),
      rule: z.string(),
      reason: z.string(),
    })
    .optional(),
  riskFlags: z.array(z.object({ code: z.string(), message: z.string() })),
  manifests: z.array(z.object({ cluster: z.string(), yaml: z.string() })),
});

/**
 * Outcome of requesting access (`request-access`, the scaffolder's
 * `egress:request`): the request's id, its status and where to see it.
 * @public
 */
export const egressRequestOutcomeSchema = z.object({
  requestId: z.string().describe('Id of the egress request'),
  status: statusSchema.describe('pending until the platform team decides; approved or active when the policy auto-approves'),
  link: z.string().describe("The entity's Egress tab, where the request and its state are shown"),
});

/** Types of the action schemas. @public */
export type EgressDraftInput = z.infer<typeof egressDraftInputSchema>;
/** @public */
export type EntityEgressOutput = z.infer<typeof entityEgressOutputSchema>;
/** @public */
export type EgressPreviewOutput = z.infer<typeof egressPreviewOutputSchema>;
/** @public */
export type EgressRequestOutcome = z.infer<typeof egressRequestOutcomeSchema>;

/**
 * Path of an entity's Egress tab in the app (the catalog's entity route plus
 * the tab's `egress` path), for links in action outputs.
 * @public
 */
export function entityEgressTabPath(entityRef: string): string {
  const match = /^([^:]+):(?:([^/]+)\/)?(.+)$/.exec(entityRef);
  if (!match) throw new Error(`Not an entity ref: ${entityRef}`);
  const [, kind, namespace = 'default', name] = match;
  // As the catalog's entity route: kind and namespace lower-cased, the name as is.
  const lower = (s: string) => encodeURIComponent(s.toLocaleLowerCase('en-US'));
  return `/catalog/${lower(namespace)}/${lower(kind)}/${encodeURIComponent(name)}/egress`;
}
