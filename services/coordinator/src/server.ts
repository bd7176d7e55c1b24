import {
  createPgPool,
  createRedis,
  openInsightsEvents,
  postgresUrlFrom,
  redisUrlFrom,
  S2SSigner,
  S2SVerifier,
  serve,
  startServiceBase,
} from '@nemo/common';
import { build } from './app.js';
import { arbiterSettings, loadCoordinatorConfig } from './config.js';
import { migrate } from './migrate.js';

const config = loadCoordinatorConfig();
const base = await startServiceBase(config);
const { logger, secrets, keys, service } = base;
const redis = createRedis(redisUrlFrom(config, secrets));
const pool = createPgPool(postgresUrlFrom(config, secrets));
// ioredis reconnects by itself; without a listener an outage would crash the process.
redis.on('error', (err: Error) => logger.warn({ err }, 'Redis connection failed'));

const applied = await migrate(pool);
if (applied.length) logger.info({ migrations: applied }, 'Applied migrations');

const settings = arbiterSettings(config);
const signer = new S2SSigner({ issuer: service, key: keys.primary });
const events = openInsightsEvents({ url: config.NEMO_INSIGHTS_URL, signer, logger });
const s2s = new S2SVerifier({ audience: service, keys });
const app = build({ settings, redis, pool, logger, service, s2s, events });
logger.info({ slots: settings.slots, leaseMs: settings.leaseMs, maxQueue: settings.maxQueue }, 'Configured GPU slots');
await serve(base, config, app, [
  { name: 'insights', close: () => events?.close() },
  { name: 'redis', close: () => redis.quit().then(() => undefined) },
  { name: 'postgres', close: () => pool.end() },
]);
