import {
  createPgPool,
  POSTGRES_URL_SECRET,
  postgresUrlFrom,
  S2SVerifier,
  serve,
  startServiceBase,
  type SecretStore,
} from '@nemo/common';
import { build } from './app.js';
import { loadInsightsConfig, type InsightsConfig } from './config.js';
import { migrate } from './migrate.js';

const config = loadInsightsConfig();
const base = await startServiceBase(config);
const { logger, secrets, keys, service } = base;
const pool = createPgPool(postgresUrl(config, secrets));

const applied = await migrate(pool);
if (applied.length) logger.info({ migrations: applied }, 'Applied migrations');

const app = build({
  pool,
  logger,
  service,
  s2s: new S2SVerifier({ audience: service, keys }),
  budgets: {
    chatTokensPerDay: config.NEMO_TENANT_CHAT_TOKENS_PER_DAY,
    audioSecondsPerDay: config.NEMO_TENANT_AUDIO_SECONDS_PER_DAY,
  },
  retentionDays: config.NEMO_RETENTION_DAYS,
  retentionSweepMs: config.NEMO_RETENTION_SWEEP_MINUTES * 60_000,
});
logger.info({ retentionDays: config.NEMO_RETENTION_DAYS }, 'Configured retention');
await serve(base, config, app, [{ name: 'postgres', close: () => pool.end() }]);

/** A secret file wins; local mode may pass the URL in the environment instead. */
function postgresUrl(cfg: InsightsConfig, store: SecretStore): string {
  if (cfg.NEMO_POSTGRES_URL && !store.readOptional(POSTGRES_URL_SECRET)) return cfg.NEMO_POSTGRES_URL;
  return postgresUrlFrom(cfg, store);
}
