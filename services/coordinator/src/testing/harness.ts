import { generateKeyPairSync, randomUUID } from 'node:crypto';
import {
  createLogger,
  createPgPool,
  createRedis,
  GpuLeaseClient,
  keyFromPem,
  S2SSigner,
  S2SVerifier,
  type AcquireOptions,
  type InsightsEventsClient,
  type S2SKey,
} from '@nemo/common';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { Redis } from 'ioredis';
import type pg from 'pg';
import { Agent } from 'undici';
import { build } from '../app.js';
import type { ArbiterSettings } from '../config.js';
import { migrate } from '../migrate.js';

/** Test-only wiring: real Redis and PostgreSQL, a throwaway S2S key pair, a key prefix per test. */
const { privateKey } = generateKeyPairSync('ed25519');
const key = await keyFromPem(privateKey.export({ type: 'pkcs8', format: 'pem' }), 'test key');
export const signer = new S2SSigner({ issuer: 'llm', key });
export const verifier = new S2SVerifier({ audience: 'coordinator', keys: { primary: key, previous: undefined } });
export const silentLogger = createLogger({ service: 'coordinator', level: 'silent' });

export const testSettings = (overrides: Partial<ArbiterSettings> = {}): ArbiterSettings => ({
  slots: 1,
  priorities: { realtime: 100, interactive: 50, batch: 10 },
  maxQueue: 64,
  leaseMs: 1_000,
  agingWindowMs: 60_000,
  longPollMs: 5_000,
  ...overrides,
});

export interface Coordinator {
  app: FastifyInstance;
  redis: Redis;
  prefix: string;
  /** Where it listens, when started with `listen`. */
  url: string | undefined;
  inject(method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export interface CoordinatorOptions {
  redisUrl: string;
  pool: pg.Pool;
  settings: ArbiterSettings;
  /** Share it between instances to make them replicas of one coordinator. */
  prefix?: string;
  pollMs?: number;
  /** Wait out the first-contact hold before returning (default true). */
  warm?: boolean;
  /** Where lease decisions go as insights events. */
  events?: InsightsEventsClient;
  /** The S2S key callers sign with: another service's tests give their own. */
  key?: S2SKey;
  /** Listen on a loopback port, for callers over HTTP (see `url`). */
  listen?: boolean;
}

export async function startCoordinator(opts: CoordinatorOptions): Promise<Coordinator> {
  const redis = createRedis(opts.redisUrl);
  const prefix = opts.prefix ?? uniquePrefix();
  const caller = opts.key ? new S2SSigner({ issuer: 'llm', key: opts.key }) : signer;
  const app = build({
    settings: opts.settings,
    redis,
    pool: opts.pool,
    logger: silentLogger,
    s2s: opts.key
      ? new S2SVerifier({ audience: 'coordinator', keys: { primary: opts.key, previous: undefined } })
      : verifier,
    keyPrefix: prefix,
    pollMs: opts.pollMs ?? 20,
    events: opts.events,
  });
  await app.ready();
  await redis.ping().catch(() => new Promise((resolve) => redis.once('ready', resolve)));
  const listening = opts.listen ? await app.listen({ host: '127.0.0.1', port: 0 }) : undefined;
  const coordinator: Coordinator = {
    app,
    redis,
    prefix,
    url: listening,
    inject: async (method, url, payload) =>
      app.inject({
        method,
        url,
        headers: { authorization: `Bearer ${await caller.token('coordinator')}` },
        ...(payload ? { payload } : {}),
      }),
    close: async () => {
      await app.close();
      redis.disconnect();
    },
  };
  if (opts.warm ?? true) await waitOutFirstContactHold(coordinator);
  return coordinator;
}

/**
 * A coordinator meeting a key prefix for the first time holds grants for one
 * lease TTL (ADR 0004). Tests about other things start after that.
 */
async function waitOutFirstContactHold(c: Coordinator): Promise<void> {
  // Without a queue (maxQueue 0) the hold answers 429 instead of waiting: ask again.
  for (let attempt = 0; ; attempt++) {
    const res = await c.inject('POST', '/v1/leases', acquireBody('warm-up', { deadlineMs: 3_000 }));
    if (res.statusCode === 201) {
      await c.inject('DELETE', `/v1/leases/${res.json<{ leaseId: string }>().leaseId}`);
      return;
    }
    if (res.statusCode !== 429 || attempt >= 50) {
      throw new Error(`warm-up acquire answered ${String(res.statusCode)}: ${res.body}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export const uniquePrefix = (): string => `{test-${randomUUID().slice(0, 8)}}:`;

export async function migratedPool(url: string): Promise<pg.Pool> {
  const pool = createPgPool(url);
  await migrate(pool);
  return pool;
}

export function acquireBody(holder: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { workload: 'llm', class: 'interactive', expectedMs: 100, holder, ...extra };
}

/** A lease client over real HTTP, with its own connection pool sized for many concurrent long polls. */
export function leaseClient(baseUrl: string, holder: string): GpuLeaseClient {
  return new GpuLeaseClient({
    baseUrl,
    signer,
    holder,
    timeoutMs: 10_000,
    dispatcher: new Agent({ connections: 256 }),
  });
}

export type { AcquireOptions };

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
