import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { limitStream } from './body-limit.js';
import { forwardedRequestHeaders, passedHeaders } from './relay.js';
import { retryAfterSeconds, upstreamStatusError, upstreamTransportError } from './upstream-errors.js';
import { meterStream } from './usage-meter.js';

describe('meterStream', () => {
  const sse = (...events: object[]) =>
    events.map((e) => `data: ${JSON.stringify(e)}\n\n`).join('') + 'data: [DONE]\n\n';

  it('passes the stream through unchanged and reports the usage chunk, even split mid-line', async () => {
    const body = sse({ choices: [{ delta: { content: 'a' } }] }, { choices: [], usage: { total_tokens: 42 } });
    let tokens = -1;
    const out = await text(
      meterStream(Readable.from([body.slice(0, 17), body.slice(17, 60), body.slice(60)]), (t) => (tokens = t)),
    );
    expect(out).toBe(body);
    expect(tokens).toBe(42);
  });

  it('counts content chunks when the peer reports no usage', async () => {
    let tokens = -1;
    await text(meterStream(Readable.from([sse({ a: 1 }, { a: 2 }, { a: 3 })]), (t) => (tokens = t)));
    expect(tokens).toBe(3);
  });
});

describe('limitStream', () => {
  it('passes a body within the limit and fails one beyond it with 413', async () => {
    await expect(text(limitStream(Readable.from([Buffer.alloc(10)]), 10))).resolves.toHaveLength(10);
    await expect(text(limitStream(Readable.from([Buffer.alloc(6), Buffer.alloc(6)]), 10))).rejects.toMatchObject({
      statusCode: 413,
    });
  });
});

describe('upstream error mapping', () => {
  it.each([
    [500, 502, 'NEMO_ERR_UPSTREAM_FAILED'],
    [502, 502, 'NEMO_ERR_UPSTREAM_FAILED'],
    [503, 503, 'NEMO_ERR_UNAVAILABLE'],
    [504, 504, 'NEMO_ERR_UPSTREAM_TIMEOUT'],
  ])('peer %i becomes %i', (status, expected, code) => {
    expect(upstreamStatusError('llm', status, undefined)).toMatchObject({ statusCode: expected, code });
  });

  it('maps refused connections to 503 and timeouts to 504, in our words', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:8080'), { code: 'ECONNREFUSED' });
    expect(upstreamTransportError('rag', refused)).toMatchObject({
      statusCode: 503,
      message: 'The rag service is unavailable; try again shortly.',
    });
    const timeout = Object.assign(new Error('aborted'), { name: 'TimeoutError' });
    expect(upstreamTransportError('rag', timeout)).toMatchObject({ statusCode: 504 });
  });

  it('reads Retry-After as seconds or a date, and ignores junk', () => {
    expect(retryAfterSeconds('7')).toBe(7);
    expect(retryAfterSeconds(new Date(Date.now() + 30_000).toUTCString())).toBeGreaterThanOrEqual(29);
    expect(retryAfterSeconds('soon')).toBeUndefined();
  });
});

describe('header filtering', () => {
  it('never passes credentials or cookies to a peer, nor a peer cookie or banner to the client', () => {
    expect(
      forwardedRequestHeaders({ authorization: 'Bearer x', cookie: 'a=1', 'content-type': 'application/json' }),
    ).toEqual({
      'content-type': 'application/json',
    });
    expect(
      passedHeaders({ 'set-cookie': ['a=1'], server: 'uvicorn', 'content-type': 'text/plain', connection: 'close' }),
    ).toEqual({
      'content-type': 'text/plain',
    });
  });
});
