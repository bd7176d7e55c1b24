import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { SignJWT, type JWTPayload } from 'jose';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ACCESS_TOKEN_TYPE, AUDIENCE, ISSUER } from './auth/access-tokens.js';
import { freePort } from '@nemo/common/servers';
import { startHarness, type Account, type Harness } from './testing/harness.js';
import { startTestLlm, type TestUpstream } from './testing/test-upstreams.js';

/** Text that must never reach a client: stacks, SQL, library names, key material, the file outside the web root. */
const LEAKS =
  /\bat \/|\.ts:\d|stack|SELECT |INSERT |UPDATE |syntax error|password_hash|pg_|ioredis|undici|jose|FST_|ECONN|-----BEGIN|TOP-SECRET-FILE|\/srv\/|node_modules/i;

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

interface HostileCase {
  name: string;
  request: () => Promise<InjectOptions> | InjectOptions;
  status: number;
  code?: string;
  /** Checks beyond status and leaks. */
  also?: (res: Awaited<ReturnType<Harness['request']>>) => void | Promise<void>;
}

describe('hostile requests against the gateway (real PostgreSQL and Redis; a test upstream stands in for the llm service)', () => {
  let h: Harness;
  let llm: TestUpstream;
  let webRoot: string;
  let user: Account;
  let userToken: string;
  const now = () => Math.floor(Date.now() / 1000);

  const sign = (
    claims: JWTPayload,
    header: Record<string, unknown> = {},
    key: KeyObject | Uint8Array = h.signingKeys.primary.privateKey,
  ) =>
    new SignJWT({ role: 'user', tenant: 'default', ...claims })
      .setProtectedHeader({ alg: 'EdDSA', typ: ACCESS_TOKEN_TYPE, kid: h.signingKeys.primary.kid, ...header })
      .sign(key);
  const base = (): JWTPayload => ({
    sub: user.id,
    iss: ISSUER,
    aud: AUDIENCE,
    iat: now(),
    nbf: now(),
    exp: now() + 300,
  });
  const bearer = (token: string, url = '/auth/me', method: InjectOptions['method'] = 'GET'): InjectOptions => ({
    method,
    url,
    headers: { authorization: `Bearer ${token}` },
  });

  beforeAll(async () => {
    webRoot = await mkdtemp(path.join(tmpdir(), 'nemo-ui-'));
    await mkdir(path.join(webRoot, 'dist'));
    await writeFile(path.join(webRoot, 'dist', 'index.html'), '<!doctype html><title>Nemo</title>');
    await writeFile(path.join(webRoot, 'dist', 'app.js'), 'console.log("ui")');
    await writeFile(path.join(webRoot, 'secret.txt'), 'TOP-SECRET-FILE');
    const first = await startHarness({ postgresUrl: inject('postgresUrl'), redisUrl: inject('redisUrl') });
    llm = await startTestLlm(first.verifierFor('llm'));
    await first.close();
    h = await startHarness({
      postgresUrl: inject('postgresUrl'),
      redisUrl: inject('redisUrl'),
      s2sKey: first.s2sKey,
      peers: { llm: llm.url, rag: `http://127.0.0.1:${await freePort()}` },
      settings: { webRoot: path.join(webRoot, 'dist') },
      loginThrottle: { threshold: 3, baseLockMs: 30_000, maxLockMs: 60_000, windowMs: 60_000 },
    });
    user = await h.createUser();
    userToken = (await h.login(user)).accessToken;
  });
  afterAll(async () => {
    await h.close();
    await llm.close();
    await rm(webRoot, { recursive: true, force: true });
  });

  const cases: HostileCase[] = [
    {
      name: 'alg none',
      request: () => bearer(`${b64({ alg: 'none', typ: ACCESS_TOKEN_TYPE })}.${b64(base())}.`),
      status: 401,
      code: 'NEMO_ERR_AUTH_INVALID',
    },
    {
      name: 'HS256 signed with the public key',
      request: async () => {
        const pem = h.signingKeys.primary.publicKey.export({ type: 'spki', format: 'pem' });
        return bearer(await sign(base(), { alg: 'HS256' }, new Uint8Array(Buffer.from(pem))));
      },
      status: 401,
      code: 'NEMO_ERR_AUTH_INVALID',
    },
    {
      name: 'an expired token',
      request: async () => bearer(await sign({ ...base(), iat: now() - 900, nbf: now() - 900, exp: now() - 60 })),
      status: 401,
      code: 'NEMO_ERR_AUTH_EXPIRED',
    },
    {
      name: 'a not-yet-valid token',
      request: async () => bearer(await sign({ ...base(), nbf: now() + 600 })),
      status: 401,
      code: 'NEMO_ERR_AUTH_INVALID',
    },
    {
      name: 'a wrong audience',
      request: async () => bearer(await sign({ ...base(), aud: 'llm' })),
      status: 401,
      code: 'NEMO_ERR_AUTH_INVALID',
    },
    {
      name: 'a wrong issuer',
      request: async () => bearer(await sign({ ...base(), iss: 'evil' })),
      status: 401,
      code: 'NEMO_ERR_AUTH_INVALID',
    },
    {
      name: 'a wrong typ (plain JWT)',
      request: async () => bearer(await sign(base(), { typ: 'JWT' })),
      status: 401,
      code: 'NEMO_ERR_AUTH_INVALID',
    },
    {
      name: 'an unknown kid',
      request: async () => bearer(await sign(base(), { kid: 'A'.repeat(43) })),
      status: 401,
      code: 'NEMO_ERR_AUTH_INVALID',
    },
    {
      name: 'a kid with a path',
      request: async () => bearer(await sign(base(), { kid: '../../../../etc/passwd' })),
      status: 401,
      code: 'NEMO_ERR_AUTH_INVALID',
    },
    {
      name: 'a kid with SQL',
      request: async () => bearer(await sign(base(), { kid: "x' OR '1'='1'; DROP TABLE users; --" })),
      status: 401,
      code: 'NEMO_ERR_AUTH_INVALID',
    },
    {
      name: 'a token signed by another key under our kid',
      request: async () => {
        const stranger: KeyObject = generateKeyPairSync('ed25519').privateKey;
        return bearer(await sign(base(), {}, stranger));
      },
      status: 401,
      code: 'NEMO_ERR_AUTH_INVALID',
    },
    {
      name: 'a 100 KB token',
      request: async () => bearer(`${await sign(base())}${'A'.repeat(100_000)}`),
      status: 401,
      code: 'NEMO_ERR_AUTH_INVALID',
    },
    {
      name: 'a tampered payload (role raised to admin)',
      request: () => {
        const [head, payload, sig] = userToken.split('.');
        const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()) as JWTPayload;
        return bearer(`${head}.${b64({ ...claims, role: 'admin' })}.${sig}`, '/admin/users');
      },
      status: 401,
      code: 'NEMO_ERR_AUTH_INVALID',
    },
    {
      name: 'a user token on an admin route',
      request: () => bearer(userToken, '/admin/users'),
      status: 403,
      code: 'NEMO_ERR_FORBIDDEN',
    },
    {
      name: 'another auth scheme',
      request: () => ({ url: '/auth/me', headers: { authorization: `Basic ${btoa('admin:admin')}` } }),
      status: 401,
      code: 'NEMO_ERR_AUTH_INVALID',
    },
    {
      name: 'no credentials on a proxied route',
      request: () => ({ url: '/api/llm/whoami' }),
      status: 401,
      code: 'NEMO_ERR_AUTH_REQUIRED',
    },
    {
      name: 'SQL metacharacters in the username at sign-in',
      request: () => ({
        method: 'POST',
        url: '/auth/login',
        payload: { username: "admin' OR '1'='1' --", password: 'x' },
      }),
      status: 401,
      code: 'NEMO_ERR_AUTH_INVALID',
    },
    {
      name: 'SQL metacharacters in a new username',
      request: async () => {
        const admin = await h.login(await h.createUser('admin'));
        return {
          ...bearer(admin.accessToken, '/admin/users', 'POST'),
          payload: { username: "x'); DROP TABLE users;--", password: 'long-enough-password' },
        };
      },
      status: 400,
      code: 'NEMO_ERR_VALIDATION',
    },
    {
      name: "a new user in the platform's reserved tenant",
      request: async () => {
        const admin = await h.login(await h.createUser('admin'));
        return {
          ...bearer(admin.accessToken, '/admin/users', 'POST'),
          payload: { username: 'sneaky', password: 'long-enough-password', tenant: 'platform' },
        };
      },
      status: 400,
      code: 'NEMO_ERR_VALIDATION',
    },
    {
      name: 'an oversized sign-in body',
      request: () => ({ method: 'POST', url: '/auth/login', payload: { username: 'a', password: 'p'.repeat(10_000) } }),
      status: 413,
      code: 'NEMO_ERR_PAYLOAD_TOO_LARGE',
    },
    {
      name: 'an oversized chat body',
      request: () => ({
        ...bearer(userToken, '/v1/chat/completions', 'POST'),
        payload: { model: 'm', messages: [{ role: 'user', content: 'x'.repeat(3_000_000) }] },
      }),
      status: 413,
      code: 'NEMO_ERR_PAYLOAD_TOO_LARGE',
    },
    {
      name: 'an oversized proxied body (declared length)',
      request: () => ({
        ...bearer(userToken, '/api/llm/whoami', 'POST'),
        headers: { authorization: `Bearer ${userToken}`, 'content-type': 'application/octet-stream' },
        payload: Buffer.alloc(11 * 1024 * 1024),
      }),
      status: 413,
      code: 'NEMO_ERR_PAYLOAD_TOO_LARGE',
    },
    {
      name: 'malformed JSON',
      request: () => ({
        method: 'POST',
        url: '/auth/login',
        headers: { 'content-type': 'application/json' },
        payload: '{"username":',
      }),
      status: 400,
      code: 'NEMO_ERR_BAD_REQUEST',
    },
    {
      name: 'a foreign CORS origin',
      request: () => ({
        ...bearer(userToken),
        headers: { authorization: `Bearer ${userToken}`, origin: 'https://evil.example' },
      }),
      status: 403,
      code: 'NEMO_ERR_FORBIDDEN',
    },
    {
      name: 'a foreign CORS preflight',
      request: () => ({
        method: 'OPTIONS',
        url: '/v1/chat/completions',
        headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
      }),
      status: 403,
      code: 'NEMO_ERR_FORBIDDEN',
      also: (res) => expect(res.headers['access-control-allow-origin']).toBeUndefined(),
    },
    {
      name: 'static path traversal',
      request: () => ({ url: '/../secret.txt' }),
      status: 404,
      code: 'NEMO_ERR_NOT_FOUND',
    },
    {
      name: 'encoded static path traversal',
      request: () => ({ url: '/%2e%2e/secret.txt', headers: { accept: 'text/html' } }),
      status: 200,
      also: (res) => expect(res.body).toContain('<title>Nemo</title>'),
    },
    {
      name: 'double-encoded static path traversal',
      request: () => ({ url: '/%252e%252e%252fsecret.txt' }),
      status: 404,
      code: 'NEMO_ERR_NOT_FOUND',
    },
    {
      name: 'backslash path traversal',
      request: () => ({ url: '/..%5c..%5csecret.txt' }),
      status: 404,
      code: 'NEMO_ERR_NOT_FOUND',
    },
    {
      name: 'path traversal through the service proxy',
      request: () => bearer(userToken, '/api/llm/..%2f..%2fadmin'),
      status: 400,
      code: 'NEMO_ERR_BAD_REQUEST',
    },
    {
      name: 'an unknown internal service',
      request: () => bearer(userToken, '/api/postgres/x'),
      status: 404,
      code: 'NEMO_ERR_NOT_FOUND',
    },
    {
      name: 'header injection through the request id',
      request: () => ({ url: '/health', headers: { 'x-request-id': 'abc\r\nset-cookie: pwned=1' } }),
      status: 200,
      also: (res) => {
        expect(res.headers['set-cookie']).toBeUndefined();
        expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      },
    },
    {
      name: 'a 10 KB request id',
      request: () => ({ url: '/auth/me', headers: { 'x-request-id': 'r'.repeat(10_000) } }),
      status: 401,
      code: 'NEMO_ERR_AUTH_REQUIRED',
      also: (res) => expect(String(res.headers['x-request-id']).length).toBe(36),
    },
    {
      name: "a disabled user's still-valid token",
      request: async () => {
        const victim = await h.createUser();
        const { accessToken } = await h.login(victim);
        expect((await h.request(bearer(accessToken))).statusCode).toBe(200);
        const admin = await h.login(await h.createUser('admin'));
        const res = await h.request({
          ...bearer(admin.accessToken, `/admin/users/${victim.id}`, 'PATCH'),
          payload: { disabled: true },
        });
        expect(res.statusCode).toBe(200);
        return bearer(accessToken);
      },
      status: 401,
      code: 'NEMO_ERR_AUTH_INVALID',
    },
    {
      name: 'an API key after revocation',
      request: async () => {
        const created = await h.request({ ...bearer(userToken, '/auth/api-keys', 'POST'), payload: { name: 'ci' } });
        const { id, key } = created.json<{ id: string; key: string }>();
        expect((await h.request(bearer(key, '/v1/models'))).statusCode).toBe(200);
        expect((await h.request(bearer(userToken, `/auth/api-keys/${id}`, 'DELETE'))).statusCode).toBe(204);
        return bearer(key, '/v1/models');
      },
      status: 401,
      code: 'NEMO_ERR_AUTH_INVALID',
    },
    {
      name: 'an API key outside the /v1 API',
      request: async () => {
        const created = await h.request({ ...bearer(userToken, '/auth/api-keys', 'POST'), payload: { name: 'other' } });
        return bearer(created.json<{ key: string }>().key, '/auth/me');
      },
      status: 401,
      code: 'NEMO_ERR_AUTH_INVALID',
    },
    {
      name: 'a refresh-token replay',
      request: async () => {
        const first = await h.login(user);
        const second = await h.request({
          method: 'POST',
          url: '/auth/refresh',
          payload: { refreshToken: first.refreshToken },
        });
        expect(second.statusCode).toBe(200);
        return { method: 'POST', url: '/auth/refresh', payload: { refreshToken: first.refreshToken } };
      },
      status: 401,
      code: 'NEMO_ERR_AUTH_INVALID',
    },
    {
      name: 'a token after logout',
      request: async () => {
        const session = await h.login(user);
        expect((await h.request(bearer(session.accessToken, '/auth/logout', 'POST'))).statusCode).toBe(204);
        return bearer(session.accessToken);
      },
      status: 401,
      code: 'NEMO_ERR_AUTH_INVALID',
    },
    {
      name: 'an upstream that fails with a stack and SQL',
      request: () => bearer(userToken, '/api/llm/crash'),
      status: 502,
      code: 'NEMO_ERR_UPSTREAM_FAILED',
    },
    {
      name: 'an upstream that is down',
      request: () => bearer(userToken, '/v1/embeddings', 'POST'),
      status: 400,
      code: 'NEMO_ERR_VALIDATION',
    },
    {
      name: 'an upstream that is down (valid body)',
      request: () => ({ ...bearer(userToken, '/v1/embeddings', 'POST'), payload: { model: 'm', input: 'x' } }),
      status: 503,
      code: 'NEMO_ERR_UNAVAILABLE',
      also: (res) => expect(res.headers['retry-after']).toBeDefined(),
    },
    {
      name: 'an upstream too slow to answer',
      request: () => bearer(userToken, '/api/llm/slow'),
      status: 504,
      code: 'NEMO_ERR_UPSTREAM_TIMEOUT',
    },
  ];

  it('has at least 30 hostile cases', () => expect(cases.length).toBeGreaterThanOrEqual(30));

  it.each(cases)('$name → $status', async ({ request, status, code, also }) => {
    const res = await h.request(await request());
    expect(res.statusCode).toBe(status);
    if (code) {
      expect(res.json()).toEqual({
        error: { code, message: expect.any(String) as unknown, requestId: expect.any(String) as unknown },
      });
    }
    expect(res.body).not.toMatch(LEAKS);
    expect(JSON.stringify(res.headers)).not.toMatch(LEAKS);
    await also?.(res);
  });
});
