import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, type Dispatcher } from 'undici';
import { ErrorCode, NemoError } from '../errors.js';
import type { S2SSigner } from '../auth/s2s-token.js';
import { injectTraceHeaders } from './tracing.js';
import { isConnectionError, transportError } from './transport-errors.js';

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);
const RETRYABLE_STATUS = new Set([502, 503, 504]);

export interface ServiceClientOptions {
  /** e.g. http://rag:8080 */
  baseUrl: string;
  /** The target service's name: the token's audience. */
  audience: string;
  signer: S2SSigner;
  /** Per attempt, headers and body together. */
  timeoutMs?: number;
  /** Extra attempts for idempotent calls on connection errors and 502/503/504. */
  retries?: number;
  dispatcher?: Dispatcher;
}

export interface CallOptions {
  method?: Dispatcher.HttpMethod;
  body?: unknown;
  headers?: Record<string, string>;
  /** Forwarded user identity: becomes the token's subject and tenant. */
  subject?: string;
  tenant?: string;
  /** The forwarded user's role, signed into the token so services can tell admins apart. */
  role?: string;
  requestId?: string;
  signal?: AbortSignal;
}

export interface ServiceResponse<T> {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: T;
}

/**
 * Calls another platform service with a fresh S2S token. Keep-alive pools
 * come from one shared Agent. Only idempotent methods are retried, with a
 * short jittered backoff; failures become catalogue errors, never undici's
 * own text.
 */
export class ServiceClient {
  private readonly dispatcher: Dispatcher;
  private readonly timeoutMs: number;
  private readonly retries: number;

  constructor(private readonly options: ServiceClientOptions) {
    this.dispatcher = options.dispatcher ?? sharedAgent();
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.retries = options.retries ?? 2;
  }

  async call<T = unknown>(path: string, call: CallOptions = {}): Promise<ServiceResponse<T>> {
    const method = call.method ?? 'GET';
    const attempts = IDEMPOTENT.has(method) ? this.retries + 1 : 1;
    for (let attempt = 1; ; attempt++) {
      const outcome = await settle(this.once<T>(method, path, call));
      if (attempt >= attempts || call.signal?.aborted || !shouldRetry(outcome)) return this.unwrap(outcome);
      await sleep(backoff(attempt), undefined, { signal: call.signal });
    }
  }

  private unwrap<T>(outcome: Outcome<ServiceResponse<T>>): ServiceResponse<T> {
    if ('res' in outcome) return outcome.res;
    throw this.toNemoError(outcome.err);
  }

  private async once<T>(method: Dispatcher.HttpMethod, path: string, call: CallOptions): Promise<ServiceResponse<T>> {
    const token = await this.options.signer.token(this.options.audience, call.subject, call.tenant, call.role);
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, ...call.headers };
    if (call.requestId) headers['x-request-id'] = call.requestId;
    injectTraceHeaders(headers);
    let body: string | undefined;
    if (call.body !== undefined) {
      body = JSON.stringify(call.body);
      headers['content-type'] = 'application/json';
    }
    const signal = call.signal
      ? AbortSignal.any([call.signal, AbortSignal.timeout(this.timeoutMs)])
      : AbortSignal.timeout(this.timeoutMs);
    const res = await this.dispatcher.request({
      origin: this.options.baseUrl,
      path,
      method,
      headers,
      body,
      signal,
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
    });
    const text = await res.body.text();
    const isJson = String(res.headers['content-type'] ?? '').includes('json');
    return {
      status: res.statusCode,
      headers: res.headers,
      body: (isJson && text ? JSON.parse(text) : text) as T,
    };
  }

  private toNemoError(err: unknown): NemoError {
    if (err instanceof NemoError) return err;
    const target = this.options.audience;
    return (
      transportError(target, err) ??
      new NemoError(ErrorCode.UpstreamFailed, `The ${target} service gave an unusable answer.`, { cause: err })
    );
  }
}

let agent: Agent | undefined;
function sharedAgent(): Agent {
  agent ??= new Agent({ keepAliveTimeout: 10_000, connections: 64, connect: { timeout: 2_000 } });
  return agent;
}

type Outcome<T> = { res: T } | { err: unknown };

function settle<T>(promise: Promise<T>): Promise<Outcome<T>> {
  return promise.then(
    (res) => ({ res }),
    (err: unknown) => ({ err }),
  );
}

function shouldRetry(outcome: Outcome<{ status: number }>): boolean {
  return 'res' in outcome ? RETRYABLE_STATUS.has(outcome.res.status) : isConnectionError(outcome.err);
}

function backoff(attempt: number): number {
  return 50 * 2 ** (attempt - 1) + Math.floor(Math.random() * 50);
}
