import { createServiceApp, pgCheck, type Logger, type S2SVerifier } from '@nemo/common';
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { eventRoutes } from './routes/events.js';
import { queryRoutes } from './routes/queries.js';
import type { Budgets } from './store/queries.js';
import { purgeRawEvents } from './store/retention.js';

export interface InsightsDeps {
  pool: pg.Pool;
  logger: Logger;
  /** Every route but the probes needs a valid S2S token. */
  s2s: S2SVerifier;
  budgets: Budgets;
  retentionDays: number;
  /** How often raw events past retention are deleted; 0 turns the sweep off (tests run it by hand). */
  retentionSweepMs: number;
  service?: string;
}

/** The insights app, ready for `listen` or `inject`. Closing it closes nothing it was given. */
export function build(deps: InsightsDeps): FastifyInstance {
  const app = createServiceApp({
    service: deps.service ?? 'insights',
    logger: deps.logger,
    s2s: deps.s2s,
    checks: { postgres: pgCheck(deps.pool) },
    bodyLimit: 4 * 1024 * 1024,
  });
  eventRoutes(app, deps.pool);
  queryRoutes(app, deps.pool, deps.budgets);
  if (deps.retentionSweepMs > 0) installRetentionSweep(app, deps);
  return app;
}

/** Every replica sweeps; the delete is idempotent, so overlapping sweeps only cost a little work. */
function installRetentionSweep(app: FastifyInstance, deps: InsightsDeps): void {
  let timer: NodeJS.Timeout | undefined;
  const sweep = (): void => {
    purgeRawEvents(deps.pool, deps.retentionDays)
      .then(
        (deleted) => deleted > 0 && app.log.info({ deleted, retentionDays: deps.retentionDays }, 'Deleted raw events'),
      )
      .catch((err: unknown) => app.log.warn({ err }, 'Retention sweep failed'));
  };
  app.addHook('onReady', (done) => {
    sweep();
    timer = setInterval(sweep, deps.retentionSweepMs).unref();
    done();
  });
  app.addHook('onClose', (_app, done) => {
    clearInterval(timer);
    done();
  });
}
