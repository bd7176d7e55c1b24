import { request, type RequestOptions } from 'node:https';
import { request as plainRequest } from 'node:http';
import type { KubeConfig, KubernetesListObject, KubernetesObject } from '@kubernetes/client-node';
import type { ApiVerb, OperatorMetrics } from './metrics.js';

/** Whether a client method sends a write or a read, by the naming of client-node's clients. */
export function verbOf(method: string): ApiVerb | undefined {
  if (/^(create|patch|replace|delete)/.test(method)) return 'write';
  if (/^(read|list)/.test(method)) return 'read';
  return undefined;
}

/**
 * Wraps a client-node API client (KubernetesObjectApi, CoreV1Api, ...) so
 * that every request it sends is counted. The no-op test and the benchmark
 * rely on these counts, and they include what helpers such as
 * ensureGeneratedSecret send through the client they are given.
 */
export function countingClient<T extends object>(api: T, metrics: OperatorMetrics): T {
  return new Proxy(api, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof property !== 'string' || typeof value !== 'function') return value;
      const verb = verbOf(property);
      if (!verb) return value;
      return (...args: unknown[]): unknown => {
        metrics.countRequest(verb, property);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

/** An error carrying the HTTP status code, like the informer's watch errors. */
export class HttpStatusError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'HttpStatusError';
  }
}

/**
 * Lists a collection as plain JSON. The typed clients turn timestamps into
 * Date objects, while watch events stay plain JSON; informer caches built
 * from this list look the same whether an object came from list or watch.
 */
export async function listRaw<T extends KubernetesObject>(
  kc: KubeConfig,
  path: string,
  labelSelector?: string,
): Promise<KubernetesListObject<T>> {
  const query = labelSelector ? `?${new URLSearchParams({ labelSelector }).toString()}` : '';
  const list = JSON.parse(await sendRaw(kc, { method: 'GET', path: path + query })) as KubernetesListObject<T>;
  return withItemTypes(list);
}

/** List items come without apiVersion and kind; watch events carry them. Make both alike. */
function withItemTypes<T extends KubernetesObject>(list: KubernetesListObject<T>): KubernetesListObject<T> {
  const kind = list.kind?.replace(/List$/, '');
  for (const item of list.items) {
    item.apiVersion ??= list.apiVersion;
    item.kind ??= kind;
  }
  return list;
}

export interface RawRequest {
  method: 'GET' | 'PATCH' | 'DELETE';
  /** Path and query, e.g. /api/v1/namespaces/ns/configmaps/x */
  path: string;
  body?: string;
  contentType?: string;
}

/** One request to the API server as plain JSON, authenticated from the kubeconfig. */
export async function sendRaw(kc: KubeConfig, req: RawRequest): Promise<string> {
  const server = kc.getCurrentCluster()?.server;
  if (!server) throw new Error('The kubeconfig has no current cluster');
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (req.contentType) headers['Content-Type'] = req.contentType;
  const options: RequestOptions = { method: req.method, headers };
  await kc.applyToHTTPSOptions(options);
  return send(new URL(server + req.path), options, req.body);
}

function send(url: URL, options: RequestOptions, body?: string): Promise<string> {
  const transport = url.protocol === 'http:' ? plainRequest : request;
  return new Promise((resolve, reject) => {
    const req = transport(url, options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const status = res.statusCode ?? 0;
        if (status >= 200 && status < 300) resolve(text);
        else
          reject(
            new HttpStatusError(
              status,
              `${options.method ?? 'GET'} ${url.pathname} failed with ${String(status)}: ${text.slice(0, 300)}`,
            ),
          );
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The HTTP status of an error from the typed clients or from listRaw, if it has one. */
export function statusCodeOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, statusCode } = error as { code?: unknown; statusCode?: unknown };
  if (typeof code === 'number') return code;
  if (typeof statusCode === 'number') return statusCode;
  return undefined;
}
