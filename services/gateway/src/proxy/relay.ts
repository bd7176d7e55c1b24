import type { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';
import { brokenBodyError } from './upstream-errors.js';
import type { UpstreamResponse } from './upstreams.js';

/**
 * Bodies up to this size with a declared length are read whole and sent in
 * one write. Piping a stream through fastify costs more per request than the
 * copy: with 2-byte answers the gateway bench ran 16% faster buffered.
 */
const WHOLE_BODY_LIMIT = 64 * 1024;

/** Response headers a peer may set for the client; everything else (hop-by-hop, cookies, server banners) stays behind. */
const PASSED_HEADERS = [
  'content-type',
  'content-length',
  'cache-control',
  'content-disposition',
  'etag',
  'last-modified',
  'location',
];

export function passedHeaders(headers: UpstreamResponse['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of PASSED_HEADERS) {
    const value = headers[name];
    if (typeof value === 'string') out[name] = value;
  }
  return out;
}

/**
 * Passes a peer's response to the client: a small one whole, anything else
 * (SSE included) streamed chunk by chunk as it arrives.
 */
export async function relay(
  reply: FastifyReply,
  res: UpstreamResponse,
  body: Readable = res.body,
): Promise<FastifyReply> {
  const headers = passedHeaders(res.headers);
  if (headers['content-type']?.startsWith('text/event-stream')) {
    // Ask reverse proxies (ingress-nginx) not to buffer the stream.
    headers['x-accel-buffering'] = 'no';
    delete headers['content-length'];
  } else if (body === res.body && Number(headers['content-length']) <= WHOLE_BODY_LIMIT) {
    // Read before the status goes out, so a peer that fails mid-body still gets a clean 502.
    const whole = await res.body.arrayBuffer().catch((err: unknown) => {
      throw brokenBodyError(res.service, err);
    });
    return reply.code(res.status).headers(headers).send(Buffer.from(whole));
  }
  return reply.code(res.status).headers(headers).send(body);
}

/** The request headers a peer needs to read the body; credentials and cookies are never passed on. */
export function forwardedRequestHeaders(
  headers: Record<string, string | string[] | undefined>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of ['content-type', 'content-length', 'accept', 'accept-language', 'last-event-id']) {
    const value = headers[name];
    if (typeof value === 'string') out[name] = value;
  }
  return out;
}
