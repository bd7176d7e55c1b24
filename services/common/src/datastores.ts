import { Redis, type RedisOptions } from 'ioredis';
import pg from 'pg';
import type { ReadinessCheck } from './http/observability.js';

/**
 * Redis with bounded latency while the server is down: no offline queue (a
 * command fails at once instead of waiting for a reconnect), one attempt per
 * command, and a capped, jittered reconnect backoff so that many clients do
 * not storm a recovering server.
 */
export function createRedis(url: string, overrides: RedisOptions = {}): Redis {
  return new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 1000,
    commandTimeout: 1000,
    lazyConnect: false,
    retryStrategy: (attempt) => Math.min(2000, 50 * 2 ** attempt) + Math.floor(Math.random() * 100),
    ...overrides,
  });
}

export function createPgPool(connectionString: string, overrides: pg.PoolConfig = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    max: 10,
    connectionTimeoutMillis: 2000,
    idleTimeoutMillis: 30_000,
    ...overrides,
  });
  // An idle client that loses its server emits 'error' on the pool; without a
  // listener that would crash the process. The next query reconnects.
  pool.on('error', () => undefined);
  return pool;
}

export const redisCheck =
  (redis: Redis): ReadinessCheck =>
  async () => {
    const pong = await redis.ping();
    if (pong !== 'PONG') throw new Error('unexpected PING reply');
  };

export const pgCheck =
  (pool: pg.Pool): ReadinessCheck =>
  async () => {
    await pool.query('SELECT 1');
  };
