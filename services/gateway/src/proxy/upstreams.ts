import type { ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { ErrorCode, injectTraceHeaders, NemoError, type S2SSigner } from '@nemo/common';
import type { FastifyRequest } from 'fastify';
import { Agent, type Dispatcher, type FormData } from 'undici';
import type { Principal } from '../auth/principal.js';
import type { PeerService } from '../config.js';
import { BodyBrokenOff, bodyText, discard, dispatchToPeer, type PeerAnswer, type PeerBody } from './peer-dispatch.js';
import { brokenBodyError, retryAfterSeconds, upstreamStatusError, upstreamTransportError } from './upstream-errors.js';

export interface UpstreamCall {
  service: PeerService;
  method: Dispatcher.HttpMethod;
  /** Path and query on the peer. */
  path: string;
  body?: string | Buffer | Readable | FormData | undefined;
  /** Headers to pass on; hop-by-hop and credential headers are never among them. */
  headers?: Record<string, string>;
  /** Time to the first byte and between body chunks. */
  timeoutMs: number;
  /** The response of the request this call serves: the call is abandoned if the client hangs up. */
  client?: ServerResponse | undefined;
}

export interface UpstreamResponse {
  service: PeerService;
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: PeerBody;
}

const READINESS_TIMEOUT_MS = 2_000;

/**
 * Calls peer services on behalf of a signed-in user: a fresh S2S token (with
 * the user as subject and tenant), the request id, trace context, one shared
 * keep-alive pool, and failures turned into 502/503/504 in the common shape.
 * 429 (GPU back-pressure from the coordinator) keeps its Retry-After.
 */
export class Upstreams {
  private readonly agent: Agent;

  constructor(
    private readonly urls: Partial<Record<PeerService, string>>,
    private readonly signer: S2SSigner,
    agent?: Agent,
  ) {
    this.agent =
      agent ?? new Agent({ keepAliveTimeout: 30_000, connections: 128, pipelining: 1, connect: { timeout: 2_000 } });
  }

  has(service: PeerService): boolean {
    return this.urls[service] !== undefined;
  }

  /** The peer's base URL; throws 503 when the service is not part of this deployment. */
  originOf(service: PeerService): string {
    const origin = this.urls[service];
    if (!origin)
      throw new NemoError(ErrorCode.Unavailable, `The ${service} service is not enabled in this deployment.`);
    return origin;
  }

  /** An S2S token for calling `service` on behalf of the principal. */
  tokenFor(service: PeerService, principal: Principal | undefined): Promise<string> {
    // The role travels signed, so services (insights) can let admins see every tenant.
    return this.signer.token(service, principal?.userId, principal?.tenant, principal?.role);
  }

  /** Resolves with a 2xx-4xx response (not 429); throws a NemoError otherwise. The caller consumes the body. */
  async call(request: FastifyRequest, call: UpstreamCall): Promise<UpstreamResponse> {
    const origin = this.originOf(call.service);
    const headers = await this.headersFor(request, call);
    let res: PeerAnswer;
    try {
      res = await dispatchToPeer(
        this.agent,
        {
          origin,
          path: call.path,
          method: call.method,
          headers,
          body: call.body ?? null,
          headersTimeout: call.timeoutMs,
          bodyTimeout: call.timeoutMs,
        },
        call.client,
      );
    } catch (err) {
      throw err instanceof BodyBrokenOff
        ? brokenBodyError(call.service, err.cause)
        : upstreamTransportError(call.service, err);
    }
    if (res.status === 429) throw await backPressure(call.service, res);
    if (res.status >= 500) {
      discard(res.body);
      throw upstreamStatusError(call.service, res.status, header(res.headers['retry-after']));
    }
    return { service: call.service, ...res };
  }

  /** The peer's own /ready as this gateway sees it (2 s at most); never throws. */
  async readiness(service: PeerService): Promise<{ ready: boolean; detail: string }> {
    try {
      const res = await this.agent.request({
        origin: this.originOf(service),
        path: '/ready',
        method: 'GET',
        headersTimeout: READINESS_TIMEOUT_MS,
        bodyTimeout: READINESS_TIMEOUT_MS,
      });
      await res.body.dump().catch(() => undefined);
      return res.statusCode === 200
        ? { ready: true, detail: 'ready' }
        : { ready: false, detail: `answered ${String(res.statusCode)}` };
    } catch (err) {
      return { ready: false, detail: upstreamTransportError(service, err).message };
    }
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  private async headersFor(request: FastifyRequest, call: UpstreamCall): Promise<Record<string, string>> {
    const token = await this.tokenFor(call.service, request.principal);
    const headers: Record<string, string> = {
      ...call.headers,
      authorization: `Bearer ${token}`,
      'x-request-id': request.id,
    };
    injectTraceHeaders(headers);
    return headers;
  }
}

const header = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value);

/** The peer's own message when it is in the common shape (our services write those for clients). */
async function backPressure(service: string, res: PeerAnswer): Promise<NemoError> {
  const text = await bodyText(res.body).catch(() => '');
  let message = `The ${service} service is at capacity; try again later.`;
  try {
    const parsed = JSON.parse(text) as { error?: { message?: unknown } };
    if (typeof parsed.error?.message === 'string' && parsed.error.message.length <= 300) message = parsed.error.message;
  } catch {
    // not JSON: keep our wording
  }
  return new NemoError(ErrorCode.RateLimited, message, {
    retryAfterSeconds: retryAfterSeconds(header(res.headers['retry-after'])) ?? 1,
  });
}
