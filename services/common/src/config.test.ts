import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { baseConfigSchema, ConfigError, loadConfig, SecretStore } from './config.js';

describe('loadConfig', () => {
  it('applies defaults and coerces numbers', () => {
    const config = loadConfig(baseConfigSchema, { NEMO_SERVICE_NAME: 'rag', NEMO_PORT: '9000' });
    expect(config).toMatchObject({ NEMO_SERVICE_NAME: 'rag', NEMO_PORT: 9000, NEMO_SECRETS_DIR: '/run/secrets' });
  });

  it('treats empty strings as unset', () => {
    const config = loadConfig(baseConfigSchema, { NEMO_SERVICE_NAME: 'rag', NEMO_PORT: '' });
    expect(config.NEMO_PORT).toBe(8080);
  });

  it('lists every bad setting with its name and value', () => {
    const run = () => loadConfig(baseConfigSchema, { NEMO_SERVICE_NAME: 'Bad Name', NEMO_PORT: '70000' });
    expect(run).toThrow(ConfigError);
    try {
      run();
    } catch (err) {
      const problems = (err as ConfigError).problems;
      expect(problems).toHaveLength(2);
      expect(problems.join('\n')).toContain('NEMO_SERVICE_NAME');
      expect(problems.join('\n')).toContain('"Bad Name"');
      expect(problems.join('\n')).toContain('NEMO_PORT');
    }
  });

  it('names a missing required setting', () => {
    expect(() => loadConfig(baseConfigSchema, {})).toThrow(/NEMO_SERVICE_NAME/);
  });

  it('never echoes the value of a setting that may hold credentials', () => {
    const schema = z.object({ NEMO_REDIS_URL: z.url() });
    expect(() => loadConfig(schema, { NEMO_REDIS_URL: 'hunter2-secret' })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('hunter2') as unknown }),
    );
  });
});

describe('SecretStore', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'nemo-secrets-'));
  writeFileSync(path.join(dir, 'session-key'), 'abc123\n');
  writeFileSync(path.join(dir, 'empty'), '  \n');
  const store = new SecretStore(dir);

  it('reads and trims a secret file', () => {
    expect(store.read('session-key')).toBe('abc123');
  });

  it('says which file it expected when a secret is missing or empty', () => {
    expect(() => store.read('missing')).toThrow(path.join(dir, 'missing'));
    expect(() => store.read('empty')).toThrow(/non-empty file/);
    expect(store.readOptional('missing')).toBeUndefined();
  });

  it('refuses names that are paths', () => {
    expect(() => store.read('../etc/passwd')).toThrow(/plain file name/);
    expect(() => store.read('a/b')).toThrow(/plain file name/);
  });
});
