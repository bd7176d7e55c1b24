import {
  createLogger,
  createPgPool,
  loadS2SKeyRing,
  onShutdownSignals,
  POSTGRES_URL_SECRET,
  postgresUrlFrom,
  S2SVerifier,
  SecretStore,
  startTelemetry,
} from '@nemo/common';
import { build } from './app.js';
import { loadInsightsConfig, type InsightsConfig } from './config.js';
import { migrate } from './migrate.js';

const config = loadInsightsConfig();
const service = config.NEMO_SERVICE_NAME;
const logger = createLogger({ service, level: config.NEMO_LOG_LEVEL });
const telemetry = startTelemetry({ service, otlpEndpoint: config.NEMO_OTLP_ENDPOINT });
const secrets = new SecretStore(config.NEMO_SECRETS_DIR);
const keys = await loadS2SKeyRing(secrets);
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
await app.listen({ host: config.NEMO_HOST, port: config.NEMO_PORT });
logger.info({ retentionDays: config.NEMO_RETENTION_DAYS }, 'Started insights');

onShutdownSignals({
  logger,
  timeoutMs: config.NEMO_SHUTDOWN_TIMEOUT_MS,
  closers: [
    { name: 'http', close: () => app.close() },
    { name: 'postgres', close: () => pool.end() },
    { name: 'telemetry', close: () => telemetry.shutdown() },
  ],
});

/** A secret file wins; local mode may pass the URL in the environment instead. */
function postgresUrl(cfg: InsightsConfig, store: SecretStore): string {
  if (cfg.NEMO_POSTGRES_URL && !store.readOptional(POSTGRES_URL_SECRET)) return cfg.NEMO_POSTGRES_URL;
  return postgresUrlFrom(cfg, store);
}
