import { z } from 'zod';
import { ConfigError, type SecretStore } from './config.js';

/**
 * Where a service finds Redis and PostgreSQL, as the operator renders it:
 * host and port in the environment with the password in a secret file
 * (managed stores), or a whole URL in a secret file (external stores, and
 * local runs). URLs carry credentials, so they only ever come from files.
 */
export const datastoreConfigSchema = z.object({
  NEMO_REDIS_HOST: z.string().optional(),
  NEMO_REDIS_PORT: z.coerce.number().int().min(1).max(65535).default(6379),
  NEMO_POSTGRES_HOST: z.string().optional(),
  NEMO_POSTGRES_PORT: z.coerce.number().int().min(1).max(65535).default(5432),
  NEMO_POSTGRES_USER: z.string().default('nemo'),
  NEMO_POSTGRES_DB: z.string().default('nemo'),
});
export type DatastoreConfig = z.infer<typeof datastoreConfigSchema>;

export const REDIS_URL_SECRET = 'redis-url';
export const REDIS_PASSWORD_SECRET = 'redis-password';
export const POSTGRES_URL_SECRET = 'postgres-url';
export const POSTGRES_PASSWORD_SECRET = 'postgres-password';

export function redisUrlFrom(config: DatastoreConfig, secrets: SecretStore): string {
  const url = secrets.readOptional(REDIS_URL_SECRET);
  if (url) return url;
  if (!config.NEMO_REDIS_HOST) throw missing('NEMO_REDIS_HOST', REDIS_URL_SECRET);
  const password = encodeURIComponent(secrets.read(REDIS_PASSWORD_SECRET));
  return `redis://:${password}@${config.NEMO_REDIS_HOST}:${config.NEMO_REDIS_PORT}`;
}

export function postgresUrlFrom(config: DatastoreConfig, secrets: SecretStore): string {
  const url = secrets.readOptional(POSTGRES_URL_SECRET);
  if (url) return url;
  if (!config.NEMO_POSTGRES_HOST) throw missing('NEMO_POSTGRES_HOST', POSTGRES_URL_SECRET);
  const user = encodeURIComponent(config.NEMO_POSTGRES_USER);
  const password = encodeURIComponent(secrets.read(POSTGRES_PASSWORD_SECRET));
  const { NEMO_POSTGRES_HOST: host, NEMO_POSTGRES_PORT: port, NEMO_POSTGRES_DB: db } = config;
  return `postgres://${user}:${password}@${host}:${port}/${encodeURIComponent(db)}`;
}

function missing(hostSetting: string, urlSecret: string): ConfigError {
  return new ConfigError([`${hostSetting}: set it, or provide the secret file ${urlSecret}`]);
}
