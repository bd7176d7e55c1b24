import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createLogger } from '../logger.js';
import { createServiceApp } from './service-app.js';

describe('observabilityPlugin', () => {
  let healthy = true;
  let app: FastifyInstance;
  beforeAll(async () => {
    app = createServiceApp({
      service: 'emotion',
      logger: createLogger({ service: 'emotion', level: 'silent' }),
      checkTimeoutMs: 200,
      checks: {
        model: () => (healthy ? Promise.resolve() : Promise.reject(new Error('password=hunter2 at /srv/x.ts:1'))),
        slow: (signal) =>
          new Promise((resolve) => (healthy ? resolve() : signal.addEventListener('abort', () => undefined))),
      },
    });
    app.get('/work', () => ({ done: true }));
    await app.ready();
  });
  afterAll(() => app.close());

  it('/health answers while dependencies are down', async () => {
    healthy = false;
    const res = await app.inject({ url: '/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('/ready reports each failing check by name, without its error text', async () => {
    healthy = false;
    const res = await app.inject({ url: '/ready' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({ status: 'unready', checks: { model: 'failed', slow: 'timeout' } });
    expect(res.body).not.toContain('hunter2');
  });

  it('/ready is ready when every check passes', async () => {
    healthy = true;
    const res = await app.inject({ url: '/ready' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ready', checks: { model: 'ok', slow: 'ok' } });
  });

  it('/metrics exposes request durations labelled by route pattern', async () => {
    await app.inject({ url: '/work' });
    await app.inject({ url: '/nope/123' });
    const res = await app.inject({ url: '/metrics' });
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.body).toMatch(/http_request_duration_seconds_count\{[^}]*route="\/work"[^}]*\} 1/);
    expect(res.body).toContain('route="unmatched"');
    expect(res.body).toContain('process_cpu_user_seconds_total');
  });
});
