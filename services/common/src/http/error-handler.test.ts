import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, NemoError } from '../errors.js';
import { errorHandlerPlugin } from './error-handler.js';

describe('errorHandlerPlugin', () => {
  let app: FastifyInstance;

  beforeAll(async () => {
    app = Fastify({ logger: false, bodyLimit: 64 });
    await app.register(errorHandlerPlugin);
    app.get('/nemo', () => {
      throw new NemoError(ErrorCode.RateLimited, 'Slow down.', { retryAfterSeconds: 2.2 });
    });
    app.get('/boom', () => {
      throw new Error('duplicate key value violates unique constraint "users_pkey" SELECT * FROM users');
    });
    app.post(
      '/typed',
      { schema: { body: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } } } },
      () => ({ ok: true }),
    );
    await app.ready();
  });
  afterAll(() => app.close());

  it('sends a catalogued error with its status, message and Retry-After', async () => {
    const res = await app.inject({ url: '/nemo', headers: { 'x-request-id': 'r-1' } });
    expect(res.statusCode).toBe(429);
    expect(res.headers['retry-after']).toBe('3');
    expect(res.json()).toEqual({
      error: { code: 'NEMO_ERR_RATE_LIMITED', message: 'Slow down.', requestId: expect.any(String) as unknown },
    });
  });

  it('hides the message and stack of an unexpected error', async () => {
    const res = await app.inject({ url: '/boom' });
    expect(res.statusCode).toBe(500);
    expect(res.json<{ error: { code: string } }>().error.code).toBe('NEMO_ERR_INTERNAL');
    expect(res.body).not.toMatch(/duplicate|SELECT|users_pkey|at |\.ts/);
  });

  it('turns schema validation into a 400 that names the field', async () => {
    const res = await app.inject({ method: 'POST', url: '/typed', payload: { nome: 'x' } });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      error: { code: 'NEMO_ERR_VALIDATION', message: expect.stringContaining('name') as unknown },
    });
  });

  it.each([
    {
      name: 'malformed JSON',
      payload: '{"name":',
      type: 'application/json',
      status: 400,
      code: 'NEMO_ERR_BAD_REQUEST',
    },
    {
      name: 'an oversized body',
      payload: JSON.stringify({ name: 'x'.repeat(200) }),
      type: 'application/json',
      status: 413,
      code: 'NEMO_ERR_PAYLOAD_TOO_LARGE',
    },
    {
      name: 'an unsupported media type',
      payload: 'name=x',
      type: 'application/x-www-form-urlencoded',
      status: 415,
      code: 'NEMO_ERR_UNSUPPORTED_MEDIA_TYPE',
    },
  ])('maps $name to the catalogue', async ({ payload, type, status, code }) => {
    const res = await app.inject({ method: 'POST', url: '/typed', payload, headers: { 'content-type': type } });
    expect(res.statusCode).toBe(status);
    expect(res.json()).toMatchObject({ error: { code } });
    expect(res.body).not.toContain('FST_');
  });

  it('answers an unknown route with the common shape', async () => {
    const res = await app.inject({ url: '/nope?x=1' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ error: { code: 'NEMO_ERR_NOT_FOUND', message: 'No route for GET /nope.' } });
  });
});
