import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createPgPool, createRedis, pgCheck, redisCheck } from './datastores.js';
import { createServiceApp } from './http/service-app.js';
import { createLogger } from './logger.js';
import { startRedis, type LocalServer } from './servers/index.js';

const logger = createLogger({ service: 'test', level: 'silent' });

describe('readiness against the real PostgreSQL and Redis of this run', () => {
  const pool = createPgPool(inject('postgresUrl'));
  const redis = createRedis(inject('redisUrl'));
  let app: FastifyInstance;

  beforeAll(async () => {
    app = createServiceApp({ service: 'test', logger, checks: { postgres: pgCheck(pool), redis: redisCheck(redis) } });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await pool.end();
    redis.disconnect();
  });

  it('is ready once both answer', async () => {
    // Redis connects asynchronously and queues nothing offline, so the first probe may be early.
    await expect
      .poll(async () => (await app.inject({ url: '/ready' })).json<unknown>(), { timeout: 5_000 })
      .toEqual({
        status: 'ready',
        checks: { postgres: 'ok', redis: 'ok' },
      });
  });

  it('really talks to PostgreSQL', async () => {
    const { rows } = await pool.query<{ version: string }>('SELECT version()');
    expect(rows[0]?.version).toMatch(/^PostgreSQL \d+/);
  });
});

describe('/ready follows a Redis that stops and comes back', () => {
  let server: LocalServer;
  let app: FastifyInstance;
  let redis: ReturnType<typeof createRedis>;

  beforeAll(async () => {
    server = await startRedis();
    redis = createRedis(server.url);
    app = createServiceApp({ service: 'test', logger, checks: { redis: redisCheck(redis) }, checkTimeoutMs: 1500 });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    redis.disconnect();
    await server.dispose();
  });

  const ready = async () => (await app.inject({ url: '/ready' })).statusCode;

  it('goes unready within the check budget, then ready again', async () => {
    await expect.poll(ready, { timeout: 5_000 }).toBe(200);

    await server.stop();
    const started = Date.now();
    expect(await ready()).toBe(503);
    expect(Date.now() - started).toBeLessThan(2_000); // bounded: no hanging on a dead server

    await server.start();
    await expect.poll(ready, { timeout: 10_000, interval: 200 }).toBe(200);
  });
});
