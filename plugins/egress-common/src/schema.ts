/**
 * The shape of an egress request draft as a zod schema. It checks types and
 * unknown fields only; the meaning (valid hosts, port ranges, resolution
 * rules) is checked in validation.ts so every problem gets our own code and
 * message.
 */
import { z } from 'zod/v3';

const portSchema = z
  .object({
    number: z.number(),
    // Case is normalised later; the set of names is checked there too.
    protocol: z.string(),
  })
  .strict();

const endpointSchema = z.object({ address: z.string() }).strict();

/**
 * Zod schema of {@link EgressRequestDraft}'s shape. Use {@link validateDraft}
 * for the full check.
 * @public
 */
export const egressRequestDraftSchema = z
  .object({
    id: z.string().optional(),
    entityRef: z.string(),
    namespace: z.string(),
    clusters: z.array(z.string()),
    hosts: z.array(z.string()).optional(),
    addresses: z.array(z.string()).optional(),
    ports: z.array(portSchema),
    resolution: z.string().optional(),
    endpoints: z.array(endpointSchema).optional(),
    viaEgressGateway: z.boolean(),
    justification: z.string(),
    expiresAt: z.string().optional(),
    lockdownNamespace: z.boolean().optional(),
    namespaceNetworkPolicy: z.boolean().optional(),
    gatewayMode: z.enum(['passthrough', 'mutual']).optional(),
  })
  .strict();

/** The draft as the schema lets it through, before semantic checks. @public */
export type EgressRequestDraftShape = z.infer<typeof egressRequestDraftSchema>;
