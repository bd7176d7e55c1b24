import Fastify from 'fastify';
import helmet from 'helmet';
import { describe, expect, it } from 'vitest';
import { HELMET_OPTIONS, helmetHeaders, securityHeaders } from './security-headers.js';

describe('security headers', () => {
  it('are exactly what helmet itself writes for our options', () => {
    const written: Record<string, string> = {};
    const res = { setHeader: (k: string, v: string) => void (written[k.toLowerCase()] = v), removeHeader: () => {} };
    helmet(HELMET_OPTIONS)({} as never, res as never, () => undefined);
    expect(helmetHeaders().set).toEqual(written);
    expect(written['content-security-policy']).toContain("frame-ancestors 'none'");
  });

  it('go on every response, 404s included', async () => {
    const app = Fastify();
    await securityHeaders(app);
    app.get('/x', () => ({ ok: true }));
    for (const url of ['/x', '/nowhere']) {
      const res = await app.inject({ url });
      expect(res.headers['content-security-policy']).toContain("default-src 'self'");
      expect(res.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
    }
    await app.close();
  });
});
