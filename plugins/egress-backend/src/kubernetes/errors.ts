import {
  AuthenticationError,
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';

/** The body of a failed Kubernetes API call (a `Status`), as far as we read it. */
export interface KubernetesStatus {
  kind?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: {
    name?: string;
    kind?: string;
    causes?: Array<{ reason?: string; message?: string; field?: string }>;
  };
}

/** A non-2xx answer from a Kubernetes API server. */
export class KubernetesApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly status: KubernetesStatus | undefined,
    readonly rawBody: string,
  ) {
    super(serverMessage(statusCode, status, rawBody));
    this.name = 'KubernetesApiError';
  }
}

function serverMessage(
  statusCode: number,
  status: KubernetesStatus | undefined,
  rawBody: string,
): string {
  let message = status?.message || rawBody.trim().slice(0, 500) || `HTTP ${statusCode}`;
  const causes = (status?.details?.causes ?? [])
    .map(c => [c.field, c.message].filter(Boolean).join(': '))
    .filter(c => c && !message.includes(c));
  if (causes.length > 0) message += ` (${causes.join('; ')})`;
  return message;
}

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_SSL_WRONG_VERSION_NUMBER',
]);

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'UND_ERR_SOCKET',
]);

/**
 * Turns whatever a call to a cluster threw into a `@backstage/errors` type
 * whose message names the cluster (and what was being done) and keeps the
 * API server's own message, including 422 field causes.
 */
export function toClusterError(cluster: string, error: unknown, doing?: string): Error {
  const mapped = mapError(cluster, error, doing);
  if (mapped !== error) {
    // Kept for callers (statusCodeOf) without CustomErrorBase appending it to the message.
    Object.defineProperty(mapped, 'cause', { value: error, enumerable: false, configurable: true });
  }
  return mapped;
}

function mapError(cluster: string, error: unknown, doing?: string): Error {
  const prefix = `Cluster '${cluster}'${doing ? `: ${doing}` : ''}`;
  if (error instanceof KubernetesApiError) {
    const message = `${prefix}: ${error.message}`;
    switch (error.statusCode) {
      case 400:
      case 422:
        return new InputError(message);
      case 401:
        return new AuthenticationError(`${message} (the plugin's credentials for this cluster were rejected)`);
      case 403:
        return new NotAllowedError(message);
      case 404:
        return new NotFoundError(message);
      case 409:
      case 410:
        return new ConflictError(message);
      default:
        return new ServiceUnavailableError(`${message} (HTTP ${error.statusCode})`);
    }
  }
  const err = error as { code?: string; message?: string } | undefined;
  const code = err?.code;
  // Node's messages for these name the server's address; the code alone is
  // enough and keeps the API server URL out of answers to the browser.
  if (code && TLS_CODES.has(code)) {
    return new ServiceUnavailableError(
      `${prefix}: TLS verification of the API server failed (${code}); check caData/caFile`,
    );
  }
  if (code && NETWORK_CODES.has(code)) {
    return new ServiceUnavailableError(`${prefix}: API server unreachable (${code})`);
  }
  if (err && typeof err === 'object' && (err as Error).name?.endsWith('Error') && /^Cluster '/.test(err.message ?? '')) {
    return error as Error;
  }
  return new ServiceUnavailableError(`${prefix}: ${err?.message ?? String(error)}`);
}

/** Status code of a KubernetesApiError (or the backstage error wrapping one), else undefined. */
export function statusCodeOf(error: unknown): number | undefined {
  if (error instanceof KubernetesApiError) return error.statusCode;
  const cause = (error as { cause?: unknown } | undefined)?.cause;
  return cause instanceof KubernetesApiError ? cause.statusCode : undefined;
}
