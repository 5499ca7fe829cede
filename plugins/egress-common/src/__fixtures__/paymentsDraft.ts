import { EgressRequestDraft } from '../model';

/** The "now" of {@link paymentsDraft}: its expiry is nine days later. */
export const PAYMENTS_NOW = new Date('2030-01-01T00:00:00Z');

/** A short, justified gateway HTTPS grant to one host: the base the policy and risk tests vary. */
export const paymentsDraft: EgressRequestDraft = {
  entityRef: 'component:default/payments-api',
  namespace: 'payments',
  clusters: ['demo'],
  hosts: ['api.stripe.com'],
  ports: [{ number: 443, protocol: 'HTTPS' }],
  viaEgressGateway: true,
  justification: 'Card payments',
  expiresAt: '2030-01-10T00:00:00Z',
};
