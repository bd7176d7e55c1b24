import { fileURLToPath } from 'node:url';
import {
  createPgPool,
  createRedis,
  postgresUrlFrom,
  POSTGRES_URL_SECRET,
  redisUrlFrom,
  REDIS_URL_SECRET,
  S2SSigner,
  serve,
  startServiceBase,
} from '@nemo/common';
import { build, createServices, settingsFrom } from './app.js';
import { BOOTSTRAP_PASSWORD_SECRET, bootstrapAdmin } from './auth/bootstrap.js';
import { SESSION_KEY_PREVIOUS_SECRET, SESSION_KEY_SECRET, signingKeyRing } from './auth/signing-keys.js';
import { loadGatewayConfig, peerUrls } from './config.js';
import { migrate } from './migrate.js';

const config = loadGatewayConfig();
const base = await startServiceBase(config);
const { logger, secrets, keys, service } = base;

// A URL in a secret file wins; local mode may hand one over in the environment; else host + password file.
const redisUrl = secrets.readOptional(REDIS_URL_SECRET) ?? config.NEMO_REDIS_URL ?? redisUrlFrom(config, secrets);
const postgresUrl =
  secrets.readOptional(POSTGRES_URL_SECRET) ?? config.NEMO_POSTGRES_URL ?? postgresUrlFrom(config, secrets);
const redis = createRedis(redisUrl);
redis.on('error', (err) => logger.debug({ err }, 'Redis connection error'));
const pool = createPgPool(postgresUrl);

const applied = await migrate(pool);
if (applied.length) logger.info({ migrations: applied }, 'Applied migrations');

const webRoot = config.NEMO_WEB_ROOT ?? fileURLToPath(new URL('../../../frontend/dist', import.meta.url));
const deps = {
  settings: settingsFrom(config, peerUrls(config), webRoot),
  logger,
  pool,
  redis,
  s2s: new S2SSigner({ issuer: service, key: keys.primary }),
  signingKeys: await signingKeyRing(
    secrets.read(SESSION_KEY_SECRET),
    secrets.readOptional(SESSION_KEY_PREVIOUS_SECRET),
  ),
  usersDbKey: secrets.read('users-db-key'),
};
const svc = createServices(deps);

const admin = await bootstrapAdmin(svc.users, secrets.readOptional(BOOTSTRAP_PASSWORD_SECRET), logger);
if (admin?.generatedPassword) {
  // Once, on stderr, outside the JSON logs: whoever starts the first replica reads it there.
  process.stderr.write(`Bootstrap admin created: username=${admin.username} password=${admin.generatedPassword}\n`);
}
// Redis may have lost its revocation markers (a restart without persistence): Postgres is the record.
await svc.revocations.republish(await svc.users.disabledIds()).catch((err: unknown) => {
  logger.warn({ err }, 'Could not republish revocations; Redis unavailable');
});

const app = await build(deps, svc);
logger.info({ peers: Object.keys(deps.settings.peers) }, 'Configured peers');
await serve(base, config, app, [
  { name: 'redis', close: () => redis.quit().then(() => undefined) },
  { name: 'postgres', close: () => pool.end() },
]);
