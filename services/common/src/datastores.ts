import { Redis, type RedisOptions } from 'ioredis';
import pg from 'pg';
import type { SecretStore } from './config.js';
import { POSTGRES_URL_SECRET, postgresUrlFrom, type DatastoreConfig } from './datastore-settings.js';
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

/**
 * For services that run without PostgreSQL when none is configured (local
 * runs of one service, tests): a migrated pool from the local-mode URL in the
 * environment, else from the operator's settings (a URL secret, or host and a
 * password secret), else undefined.
 */
export async function openOptionalPostgres(
  config: DatastoreConfig & { NEMO_POSTGRES_URL?: string | undefined },
  secrets: SecretStore | undefined,
  migrate: (pool: pg.Pool) => Promise<unknown>,
): Promise<pg.Pool | undefined> {
  const configured = Boolean(config.NEMO_POSTGRES_HOST) || Boolean(secrets?.readOptional(POSTGRES_URL_SECRET));
  const url = config.NEMO_POSTGRES_URL ?? (secrets && configured ? postgresUrlFrom(config, secrets) : undefined);
  if (!url) return undefined;
  const pool = createPgPool(url);
  await migrate(pool);
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
