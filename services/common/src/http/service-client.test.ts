import { generateKeyPairSync } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyFromPem } from '../auth/s2s-keys.js';
import { S2SSigner, S2SVerifier } from '../auth/s2s-token.js';
import { freePort } from '../servers/free-port.js';
import { ServiceClient } from './service-client.js';

const { privateKey } = generateKeyPairSync('ed25519');
const key = await keyFromPem(privateKey.export({ type: 'pkcs8', format: 'pem' }), 'k');
const verifier = new S2SVerifier({ audience: 'rag', keys: { primary: key, previous: undefined } });
const signer = new S2SSigner({ issuer: 'llm', key });

/** A real upstream on loopback, written for this test, that counts calls per path. */
describe('ServiceClient against a real HTTP upstream', () => {
  const hits = new Map<string, number>();
  let upstream: FastifyInstance;
  let baseUrl: string;

  beforeAll(async () => {
    upstream = Fastify({ forceCloseConnections: true });
    upstream.addHook('onRequest', (request, _reply, done) => {
      hits.set(request.url, (hits.get(request.url) ?? 0) + 1);
      done();
    });
    upstream.get('/whoami', async (request) => {
      const token = (request.headers.authorization ?? '').replace('Bearer ', '');
      return { caller: await verifier.verify(token), requestId: request.headers['x-request-id'] };
    });
    upstream.get('/flaky', (_request, reply) => {
      if ((hits.get('/flaky') ?? 0) < 3) return reply.code(503).send({ busy: true });
      return { ok: true };
    });
    upstream.post('/always-503', (_request, reply) => reply.code(503).send({ busy: true }));
    upstream.get('/slow', () => new Promise((resolve) => setTimeout(() => resolve({ late: true }), 2_000)));
    upstream.get('/not-json', (_request, reply) => reply.type('application/json').send('{oops'));
    baseUrl = await upstream.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(() => upstream.close());

  const client = () => new ServiceClient({ baseUrl, audience: 'rag', signer, timeoutMs: 500 });

  it('attaches a token the upstream accepts, with subject, tenant and request id', async () => {
    const res = await client().call<{ caller: unknown; requestId: string }>('/whoami', {
      subject: 'u1',
      tenant: 't1',
      requestId: 'req-9',
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ caller: { issuer: 'llm', subject: 'u1', tenant: 't1' }, requestId: 'req-9' });
  });

  it('retries an idempotent call on 503 and succeeds', async () => {
    const res = await client().call('/flaky');
    expect(res.status).toBe(200);
    expect(hits.get('/flaky')).toBe(3);
  });

  it('never retries a POST', async () => {
    const res = await client().call('/always-503', { method: 'POST', body: { a: 1 } });
    expect(res.status).toBe(503);
    expect(hits.get('/always-503')).toBe(1);
  });

  it('turns a slow upstream into a timeout error', async () => {
    await expect(client().call('/slow')).rejects.toMatchObject({ code: 'NEMO_ERR_UPSTREAM_TIMEOUT', statusCode: 504 });
  });

  it('turns an unusable body into an upstream error without the parser text', async () => {
    const err = await client()
      .call('/not-json')
      .catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: 'NEMO_ERR_UPSTREAM_FAILED',
      message: 'The rag service gave an unusable answer.',
    });
  });

  it('turns a refused connection into 503 after retrying', async () => {
    const closed = new ServiceClient({
      baseUrl: `http://127.0.0.1:${await freePort()}`,
      audience: 'rag',
      signer,
      retries: 1,
    });
    await expect(closed.call('/whoami')).rejects.toMatchObject({
      code: 'NEMO_ERR_UNAVAILABLE',
      statusCode: 503,
      retryAfterSeconds: 1,
    });
  });
});
