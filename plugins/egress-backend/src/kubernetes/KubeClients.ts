import { KubeConfig } from '@kubernetes/client-node';
import https from 'node:https';
import http from 'node:http';
import { createInterface } from 'node:readline';
import { ClusterSettings } from '../clusters/ClusterDirectory';
import { KubernetesApiError, KubernetesStatus } from './errors';

/** Builds the KubeConfig of one configured cluster. Credentials stay in the backend. */
export function kubeConfigFor(settings: ClusterSettings): KubeConfig {
  const kc = new KubeConfig();
  if (settings.authProvider === 'serviceAccount') {
    kc.loadFromOptions({
      clusters: [
        {
          name: settings.name,
          server: settings.url!,
          caData: settings.caData,
          caFile: settings.caFile,
          skipTLSVerify: settings.skipTLSVerify,
        },
      ],
      users: [{ name: 'backstage-egress', token: settings.serviceAccountToken }],
      contexts: [{ name: settings.name, cluster: settings.name, user: 'backstage-egress' }],
      currentContext: settings.name,
    });
    return kc;
  }
  kc.loadFromDefault();
  if (settings.kubeconfigContext) kc.setCurrentContext(settings.kubeconfigContext);
  const current = kc.getCurrentCluster();
  if (!current) {
    throw new Error(`Cluster '${settings.name}': the kubeconfig has no current cluster`);
  }
  if (settings.url || settings.caData || settings.caFile || settings.skipTLSVerify) {
    // Explicit settings override the kubeconfig's cluster entry.
    const context = kc.getContextObject(kc.getCurrentContext())!;
    const user = kc.getCurrentUser();
    kc.loadFromOptions({
      clusters: [
        {
          ...current,
          server: settings.url ?? current.server,
          caData: settings.caData ?? current.caData,
          caFile: settings.caFile ?? current.caFile,
          skipTLSVerify: settings.skipTLSVerify || current.skipTLSVerify,
        },
      ],
      users: user ? [user] : [],
      contexts: [context],
      currentContext: context.name,
    });
  }
  return kc;
}

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  contentType?: string;
  /** Whole-request timeout; default 15 s. */
  timeoutMs?: number;
  /** Aborts the request (used on shutdown). */
  signal?: AbortSignal;
}

/**
 * A minimal HTTP client for one API server on top of the KubeConfig's
 * credentials, with a keep-alive agent. We call the REST API directly
 * (rather than the generated clients) to control content types, read
 * `Status` bodies for error messages, and stream watches.
 */
export class KubeHttp {
  private agent?: https.Agent;
  private readonly server: URL;

  constructor(readonly cluster: string, private readonly kc: KubeConfig) {
    const current = kc.getCurrentCluster();
    if (!current) throw new Error(`Cluster '${cluster}': no API server configured`);
    this.server = new URL(current.server);
  }

  private async requestOptions(method: string, path: string, options: RequestOptions) {
    const opts: https.RequestOptions = { headers: {} };
    await this.kc.applyToHTTPSOptions(opts);
    if (!this.agent && this.server.protocol === 'https:') {
      this.agent = new https.Agent({
        keepAlive: true,
        maxSockets: 32,
        ca: opts.ca,
        cert: opts.cert,
        key: opts.key,
        rejectUnauthorized: opts.rejectUnauthorized ?? true,
        servername: opts.servername,
      });
    }
    const url = new URL(this.server.toString().replace(/\/$/, '') + path);
    for (const [k, v] of Object.entries(options.query ?? {})) {
      if (v !== undefined) url.searchParams.set(k, String(v));
    }
    const headers: Record<string, string> = { Accept: 'application/json' };
    for (const [k, v] of Object.entries(opts.headers ?? {})) {
      if (v !== undefined) headers[k] = String(v);
    }
    if (opts.auth) headers.Authorization = `Basic ${Buffer.from(opts.auth).toString('base64')}`;
    let body: string | undefined;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['Content-Type'] = options.contentType ?? 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(body));
    }
    return { url, method, headers, body };
  }

  private send(
    method: string,
    path: string,
    options: RequestOptions,
    signal?: AbortSignal,
  ): Promise<http.IncomingMessage> {
    return this.requestOptions(method, path, options).then(
      ({ url, headers, body }) =>
        new Promise((resolve, reject) => {
          const mod = url.protocol === 'https:' ? https : http;
          const req = mod.request(url, {
            method,
            headers,
            agent: url.protocol === 'https:' ? this.agent : undefined,
            signal,
          });
          req.on('response', resolve);
          req.on('error', reject);
          if (options.timeoutMs !== 0) {
            req.setTimeout(options.timeoutMs ?? 15000, () => {
              const e = Object.assign(new Error(`no answer within ${options.timeoutMs ?? 15000} ms`), {
                code: 'ETIMEDOUT',
              });
              req.destroy(e);
            });
          }
          req.end(body);
        }),
    );
  }

  /** Sends a request and parses the JSON answer; non-2xx throws KubernetesApiError. */
  async request<T = any>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const res = await this.send(method, path, options, options.signal);
    const text = await readBody(res);
    const status = res.statusCode ?? 0;
    if (status < 200 || status >= 300) throw apiError(status, text);
    return text ? JSON.parse(text) : (undefined as T);
  }

  /**
   * Streams a watch: calls `onOpen` when the server accepted it, `onEvent` per
   * event line; resolves when the server ends the stream, rejects on transport
   * errors or a non-200 answer.
   */
  async watch(
    path: string,
    query: RequestOptions['query'],
    onEvent: (event: { type: string; object: any }) => void,
    signal: AbortSignal,
    onOpen?: () => void,
  ): Promise<void> {
    const res = await this.send('GET', path, { query: { ...query, watch: true }, timeoutMs: 0 }, signal);
    if (res.statusCode !== 200) throw apiError(res.statusCode ?? 0, await readBody(res));
    onOpen?.();
    await new Promise<void>((resolve, reject) => {
      const lines = createInterface({ input: res, crlfDelay: Infinity });
      lines.on('line', line => {
        if (!line.trim()) return;
        try {
          onEvent(JSON.parse(line));
        } catch (e) {
          res.destroy(e as Error);
        }
      });
      res.on('error', reject);
      // readline re-emits input errors on itself; unhandled they would crash the process.
      lines.on('error', reject);
      res.on('aborted', () => reject(Object.assign(new Error('watch connection lost'), { code: 'ECONNRESET' })));
      lines.on('close', () => resolve());
    });
  }

  close() {
    this.agent?.destroy();
  }
}

async function readBody(res: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** A non-2xx answer as a KubernetesApiError, with its `Status` body when it is JSON. */
function apiError(statusCode: number, text: string): KubernetesApiError {
  let parsed: KubernetesStatus | undefined;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return new KubernetesApiError(statusCode, parsed, text);
}
