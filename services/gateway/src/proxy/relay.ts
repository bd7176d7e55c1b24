import type { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';
import { isEventStream, payloadOf } from './peer-dispatch.js';
import type { UpstreamResponse } from './upstreams.js';

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
 * Passes a peer's response to the client: a small one whole, in one write,
 * anything else (SSE included) streamed chunk by chunk as it arrives.
 */
export function relay(
  reply: FastifyReply,
  res: UpstreamResponse,
  body: Buffer | Readable = payloadOf(res.body),
): FastifyReply {
  const headers = passedHeaders(res.headers);
  if (isEventStream(headers)) {
    // Ask reverse proxies (ingress-nginx) not to buffer the stream.
    headers['x-accel-buffering'] = 'no';
    delete headers['content-length'];
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
