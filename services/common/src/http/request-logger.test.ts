import { Writable } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { createLogger } from '../logger.js';
import { createServiceApp } from './service-app.js';

function capture(level = 'info') {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      cb();
    },
  });
  return { lines, logger: createLogger({ service: 'rag', level, destination: stream }) };
}

describe('request loggers', () => {
  it('write lines bound to the request id, redacted as before', async () => {
    const { lines, logger } = capture();
    const app = createServiceApp({ service: 'rag', logger });
    app.get('/x', (request) => {
      request.log.info({ user: { password: 'hunter2' }, doc: 'd1' }, 'Indexed document');
      return { ok: true };
    });
    await app.inject({ url: '/x', headers: { 'x-request-id': 'req-42' } });
    const line = lines.find((l) => l.msg === 'Indexed document');
    expect(line).toMatchObject({ service: 'rag', reqId: 'req-42', doc: 'd1', user: { password: '[Redacted]' } });
    await app.close();
  });

  it('make no pino child for a request that writes nothing', async () => {
    // At warn, fastify's own per-request lines (info) are not written either.
    const { logger } = capture('warn');
    const app = createServiceApp({ service: 'rag', logger });
    app.get('/quiet', (request) => {
      request.log.debug('below the level: not written');
      return { ok: true };
    });
    await app.ready();
    const child = vi.spyOn(logger, 'child');
    await app.inject({ url: '/quiet' });
    expect(child).not.toHaveBeenCalled();
    await app.close();
  });

  it("keep a route's own log level, and give children of their own", async () => {
    const { lines, logger } = capture();
    const app = createServiceApp({ service: 'rag', logger });
    app.get('/probe', { logLevel: 'warn' }, (request) => {
      request.log.info('not written at warn');
      request.log.child({ step: 'check' }).warn('written');
      return { level: request.log.level };
    });
    const res = await app.inject({ url: '/probe', headers: { 'x-request-id': 'req-7' } });
    expect(res.json()).toEqual({ level: 'warn' });
    expect(lines.some((l) => l.msg === 'not written at warn')).toBe(false);
    expect(lines.find((l) => l.msg === 'written')).toMatchObject({ reqId: 'req-7', step: 'check', level: 'warn' });
    await app.close();
  });
});
