import Fastify from 'fastify';
import helmet from 'helmet';
import { describe, expect, it } from 'vitest';
import { apiHeaders, HELMET_OPTIONS, helmetHeaders, securityHeaders } from './security-headers.js';

describe('security headers', () => {
  it('are exactly what helmet itself writes for our options', () => {
    const written: Record<string, string> = {};
    const res = { setHeader: (k: string, v: string) => void (written[k.toLowerCase()] = v), removeHeader: () => {} };
    helmet(HELMET_OPTIONS)({} as never, res as never, () => undefined);
    expect(helmetHeaders().set).toEqual(written);
    expect(written['content-security-policy']).toContain("frame-ancestors 'none'");
  });

  it('go on every response, 404s included: the API set on JSON, the web UI policy on pages', async () => {
    const app = Fastify();
    await securityHeaders(app);
    app.get('/x', () => ({ ok: true }));
    app.get('/page', (_request, reply) => reply.type('text/html').send('<!doctype html><p>hi</p>'));
    for (const url of ['/x', '/nowhere']) {
      const res = await app.inject({ url });
      expect(res.headers['content-type']).toContain('application/json');
      expect(res.headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
      expect(res.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['referrer-policy']).toBeUndefined();
    }
    const page = await app.inject({ url: '/page' });
    expect(page.headers).toMatchObject(helmetHeaders().set);
    expect(page.headers['cache-control']).toBeUndefined();
    await app.close();
  });

  it('leave a header the route set itself, and treat an untyped answer as a page', async () => {
    const app = Fastify();
    await securityHeaders(app);
    app.get('/models', (_request, reply) => reply.header('cache-control', 'private, max-age=60').send({ data: [] }));
    app.get('/empty', (_request, reply) => reply.code(204).send());
    const models = await app.inject({ url: '/models' });
    expect(models.headers['cache-control']).toBe('private, max-age=60');
    expect(models.headers['x-frame-options']).toBe('DENY');
    const empty = await app.inject({ url: '/empty' });
    expect(empty.headers['content-security-policy']).toContain("default-src 'self'");
    await app.close();
  });

  it('give the API set only to types a browser never renders as a page', async () => {
    const app = Fastify();
    await securityHeaders(app);
    app.get('/typed', (request, reply) => reply.type((request.query as { t: string }).t).send('x'));
    const cspFor = async (type: string) =>
      (await app.inject({ url: '/typed', query: { t: type } })).headers['content-security-policy'];
    const api = apiHeaders().set['content-security-policy'];
    for (const type of [
      'application/problem+json',
      'text/event-stream',
      'text/plain; charset=utf-8',
      'application/octet-stream',
    ]) {
      expect(await cspFor(type), type).toBe(api);
    }
    for (const type of ['text/html; charset=utf-8', 'application/javascript', 'image/svg+xml', 'application/jsonp']) {
      expect(await cspFor(type), type).toBe(helmetHeaders().set['content-security-policy']);
    }
    await app.close();
  });
});
