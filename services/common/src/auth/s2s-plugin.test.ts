import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createLogger } from '../logger.js';
import { createServiceApp } from '../http/service-app.js';
import type {} from './s2s-plugin.js'; // request.caller
import { keyFromPem } from './s2s-keys.js';
import { S2SSigner, S2SVerifier } from './s2s-token.js';

const { privateKey } = generateKeyPairSync('ed25519');
const key = await keyFromPem(privateKey.export({ type: 'pkcs8', format: 'pem' }), 'k');
const signer = new S2SSigner({ issuer: 'gateway', key });

describe('s2sAuthPlugin on a service app', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = createServiceApp({
      service: 'rag',
      logger: createLogger({ service: 'rag', level: 'silent' }),
      s2s: new S2SVerifier({ audience: 'rag', keys: { primary: key, previous: undefined } }),
    });
    app.get('/internal/whoami', (request) => request.caller);
    await app.ready();
  });
  afterAll(() => app.close());

  it('refuses an internal call without a token', async () => {
    const res = await app.inject({ url: '/internal/whoami' });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ error: { code: 'NEMO_ERR_AUTH_REQUIRED' } });
  });

  it('refuses a garbage token without echoing it', async () => {
    const res = await app.inject({ url: '/internal/whoami', headers: { authorization: 'Bearer abc.def.ghi' } });
    expect(res.statusCode).toBe(401);
    expect(res.body).not.toContain('abc.def');
  });

  it('passes a valid token and exposes the caller', async () => {
    const token = await signer.token('rag', 'u-1', 't-1');
    const res = await app.inject({ url: '/internal/whoami', headers: { authorization: `Bearer ${token}` } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ issuer: 'gateway', subject: 'u-1', tenant: 't-1' });
    expect(res.headers['x-request-id']).toBeTruthy();
  });

  it('keeps probes open', async () => {
    expect((await app.inject({ url: '/health' })).statusCode).toBe(200);
    expect((await app.inject({ url: '/ready' })).statusCode).toBe(200);
    expect((await app.inject({ url: '/metrics' })).statusCode).toBe(200);
  });

  it('echoes a safe request id and replaces an unsafe one', async () => {
    const safe = await app.inject({ url: '/health', headers: { 'x-request-id': 'abc-123' } });
    expect(safe.headers['x-request-id']).toBe('abc-123');
    const unsafe = await app.inject({ url: '/health', headers: { 'x-request-id': 'a b\u0000<script>' } });
    expect(unsafe.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});
