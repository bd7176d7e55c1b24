import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, SecretStore } from './config.js';
import { datastoreConfigSchema, postgresUrlFrom, redisUrlFrom } from './datastore-settings.js';

function secretsWith(files: Record<string, string>): SecretStore {
  const dir = mkdtempSync(path.join(tmpdir(), 'nemo-ds-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return new SecretStore(dir);
}

describe('datastore URLs', () => {
  it('builds them from host settings and password files, escaping the password', () => {
    const config = loadConfig(datastoreConfigSchema, { NEMO_REDIS_HOST: 'redis', NEMO_POSTGRES_HOST: 'pg' });
    const secrets = secretsWith({ 'redis-password': 'a/b@c\n', 'postgres-password': 'p:w' });
    expect(redisUrlFrom(config, secrets)).toBe('redis://:a%2Fb%40c@redis:6379');
    expect(postgresUrlFrom(config, secrets)).toBe('postgres://nemo:p%3Aw@pg:5432/nemo');
  });

  it('prefers a whole URL from a secret file', () => {
    const config = loadConfig(datastoreConfigSchema, { NEMO_REDIS_HOST: 'ignored' });
    const secrets = secretsWith({ 'redis-url': 'redis://external:6380', 'postgres-url': 'postgres://x@y/z' });
    expect(redisUrlFrom(config, secrets)).toBe('redis://external:6380');
    expect(postgresUrlFrom(config, secrets)).toBe('postgres://x@y/z');
  });

  it('names both ways to configure a store when neither is given', () => {
    const config = loadConfig(datastoreConfigSchema, {});
    expect(() => redisUrlFrom(config, secretsWith({}))).toThrow(ConfigError);
    expect(() => redisUrlFrom(config, secretsWith({}))).toThrow(/NEMO_REDIS_HOST.*redis-url/);
  });
});
