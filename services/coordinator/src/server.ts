import {
  createLogger,
  createPgPool,
  createRedis,
  loadS2SKeyRing,
  onShutdownSignals,
  postgresUrlFrom,
  redisUrlFrom,
  S2SVerifier,
  SecretStore,
  startTelemetry,
} from '@nemo/common';
import { build } from './app.js';
import { arbiterSettings, loadCoordinatorConfig } from './config.js';
import { migrate } from './migrate.js';

const config = loadCoordinatorConfig();
const service = config.NEMO_SERVICE_NAME;
const logger = createLogger({ service, level: config.NEMO_LOG_LEVEL });
const telemetry = startTelemetry({ service, otlpEndpoint: config.NEMO_OTLP_ENDPOINT });
const secrets = new SecretStore(config.NEMO_SECRETS_DIR);
const keys = await loadS2SKeyRing(secrets);
const redis = createRedis(redisUrlFrom(config, secrets));
const pool = createPgPool(postgresUrlFrom(config, secrets));
// ioredis reconnects by itself; without a listener an outage would crash the process.
redis.on('error', (err: Error) => logger.warn({ err }, 'Redis connection failed'));

const applied = await migrate(pool);
if (applied.length) logger.info({ migrations: applied }, 'Applied migrations');

const settings = arbiterSettings(config);
const app = build({ settings, redis, pool, logger, service, s2s: new S2SVerifier({ audience: service, keys }) });
await app.listen({ host: config.NEMO_HOST, port: config.NEMO_PORT });
logger.info({ slots: settings.slots, leaseMs: settings.leaseMs, maxQueue: settings.maxQueue }, 'Started coordinator');

onShutdownSignals({
  logger,
  timeoutMs: config.NEMO_SHUTDOWN_TIMEOUT_MS,
  closers: [
    { name: 'http', close: () => app.close() },
    { name: 'redis', close: () => redis.quit().then(() => undefined) },
    { name: 'postgres', close: () => pool.end() },
    { name: 'telemetry', close: () => telemetry.shutdown() },
  ],
});
