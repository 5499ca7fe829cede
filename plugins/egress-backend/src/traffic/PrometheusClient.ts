import { ServiceUnavailableError } from '@backstage/errors';

/** One series of an instant or range query: its labels and values. */
export interface PromSeries {
  metric: Record<string, string>;
  /** [unix seconds, value] pairs; one pair for instant queries. */
  values: Array<[number, number]>;
}

/** How to reach one cluster's Prometheus. */
export interface PrometheusSettings {
  url: string;
  /** Sent as `Authorization: Bearer <token>`. */
  token?: string;
  /** Extra headers (e.g. a tenant or an API key header). */
  headers?: Record<string, string>;
  timeoutMs: number;
}

interface ApiAnswer {
  status: 'success' | 'error';
  error?: string;
  data?: {
    resultType: 'vector' | 'matrix' | 'scalar' | 'string';
    result: Array<{ metric: Record<string, string>; value?: [number, string]; values?: Array<[number, string]> }>;
  };
}

/**
 * A small client of Prometheus' HTTP API (`/api/v1/query`, `/api/v1/query_range`).
 * Plain fetch: the two GETs need no library, and the npm clients bring their own HTTP stacks.
 */
export class PrometheusClient {
  constructor(private readonly settings: PrometheusSettings) {}

  /** Instant query evaluated at `time` (unix seconds). */
  query(promql: string, time: number): Promise<PromSeries[]> {
    return this.get('query', { query: promql, time: String(time) });
  }

  /** Range query from `start` to `end` (unix seconds) every `step` seconds. */
  queryRange(promql: string, start: number, end: number, step: number): Promise<PromSeries[]> {
    return this.get('query_range', {
      query: promql,
      start: String(start),
      end: String(end),
      step: String(step),
    });
  }

  private async get(path: string, params: Record<string, string>): Promise<PromSeries[]> {
    const url = `${this.settings.url.replace(/\/+$/, '')}/api/v1/${path}?${new URLSearchParams(params)}`;
    const headers: Record<string, string> = { Accept: 'application/json', ...this.settings.headers };
    if (this.settings.token) headers.Authorization = `Bearer ${this.settings.token}`;
    let response: Response;
    try {
      response = await fetch(url, { headers, signal: AbortSignal.timeout(this.settings.timeoutMs) });
    } catch (e) {
      const err = e as Error;
      const why = err.name === 'TimeoutError' ? `no answer within ${this.settings.timeoutMs} ms` : describe(err);
      throw new ServiceUnavailableError(`Prometheus at ${this.settings.url}: ${why}`);
    }
    const text = await response.text();
    let body: ApiAnswer | undefined;
    try {
      body = JSON.parse(text) as ApiAnswer;
    } catch {
      body = undefined;
    }
    if (!response.ok || body?.status !== 'success' || !body.data) {
      const detail = body?.error ?? text.slice(0, 200);
      throw new ServiceUnavailableError(`Prometheus at ${this.settings.url} answered ${response.status}: ${detail}`);
    }
    return body.data.result.map(r => ({
      metric: r.metric,
      values: (r.values ?? (r.value ? [r.value] : [])).map(([t, v]) => [t, Number(v)] as [number, number]),
    }));
  }
}

function describe(err: Error): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? err.message;
}
