import {
  createServiceApp,
  redisCheck,
  pgCheck,
  type InsightsEventsClient,
  type Logger,
  type S2SVerifier,
} from '@nemo/common';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type pg from 'pg';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { Arbiter, DEFAULT_POLL_MS } from './arbiter.js';
import type { ArbiterSettings } from './config.js';
import { Ledger } from './ledger.js';
import { registerMetrics } from './metrics.js';
import { leaseRoutes } from './routes/leases.js';
import { formatValidationErrors } from './routes/validation-errors.js';
import { LeaseStore } from './store/lease-store.js';
import { Waker } from './waker.js';

export const DEFAULT_KEY_PREFIX = '{nemo:gpu}:';

export interface CoordinatorDeps {
  settings: ArbiterSettings;
  redis: Redis;
  pool: pg.Pool;
  logger: Logger;
  /** Every lease route needs a valid S2S token. */
  s2s: S2SVerifier;
  service?: string;
  /** Redis key prefix; replicas of one platform share it. */
  keyPrefix?: string;
  pollMs?: number;
  /** A waiter silent for this long has gone (default: five polls, at least 2 s). */
  ticketTtlMs?: number;
  /** Where lease decisions go as `gpu.wait` events; the caller closes it. */
  events?: InsightsEventsClient | undefined;
}

/** The coordinator app, ready for `listen` or `inject`. Closing it closes nothing it was given. */
export function build(deps: CoordinatorDeps): FastifyInstance {
  const { settings, redis, pool, logger } = deps;
  const pollMs = deps.pollMs ?? DEFAULT_POLL_MS;
  const store = new LeaseStore(redis, {
    prefix: deps.keyPrefix ?? DEFAULT_KEY_PREFIX,
    slots: settings.slots,
    leaseMs: settings.leaseMs,
    maxQueue: settings.maxQueue,
    ticketTtlMs: deps.ticketTtlMs ?? Math.max(2_000, 5 * pollMs),
  });
  // Our own registry, so that the coordinator's metrics exist before the app is ready.
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const metrics = registerMetrics(registry, settings.slots, () => store.snapshot());
  const app = createServiceApp({
    service: deps.service ?? 'coordinator',
    logger,
    s2s: deps.s2s,
    registry,
    checks: { redis: redisCheck(redis), postgres: pgCheck(pool) },
  });
  app.setSchemaErrorFormatter(formatValidationErrors);
  const ledger = new Ledger(pool, logger, () => metrics.ledgerErrors.inc());
  const waker = new Waker(redis.duplicate(), store.freedChannel);
  const arbiter = new Arbiter({ store, waker, ledger, metrics, events: deps.events }, { ...settings, pollMs });
  const stopping = new AbortController();
  void app.register(leaseRoutes, { arbiter, store, stopping: stopping.signal });
  installLedgerSweep(app, ledger, settings.leaseMs);
  app.addHook('preClose', (done) => {
    stopping.abort();
    done();
  });
  app.addHook('onClose', (_app, done) => {
    waker.close();
    done();
  });
  // Meet Redis now: a hold after a Redis restart (see prologue.lua) then ends
  // one lease after start-up rather than one lease after the first request.
  app.addHook('onReady', async () => {
    await store.snapshot().catch((err: unknown) => logger.warn({ err }, 'Could not read the lease state yet'));
  });
  return app;
}

/** Closes ledger rows of leases whose holders vanished; every replica runs it, it is idempotent. */
function installLedgerSweep(app: FastifyInstance, ledger: Ledger, leaseMs: number): void {
  let timer: NodeJS.Timeout | undefined;
  const sweep = (): void => {
    ledger.sweepExpired(1_000).catch((err: unknown) => app.log.warn({ err }, 'Ledger sweep failed'));
  };
  app.addHook('onReady', (done) => {
    timer = setInterval(sweep, Math.max(1_000, leaseMs / 2)).unref();
    done();
  });
  app.addHook('onClose', (_app, done) => {
    clearInterval(timer);
    done();
  });
}
