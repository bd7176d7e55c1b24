import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { startPostgres } from './postgres-server.js';
import { startRedis } from './redis-server.js';

describe('local servers', () => {
  it('runs two PostgreSQL clusters side by side without collisions, each private', async () => {
    const [a, b] = await Promise.all([startPostgres(), startPostgres()]);
    try {
      expect(a.port).not.toBe(b.port);
      const client = new pg.Client({ connectionString: a.url });
      await client.connect();
      await client.query('CREATE TABLE marker (id int)');
      await client.end();

      const other = new pg.Client({ connectionString: b.url });
      await other.connect();
      const { rows } = await other.query("SELECT to_regclass('marker') AS t");
      await other.end();
      expect(rows[0]).toEqual({ t: null });

      const wrong = new pg.Client({ connectionString: a.url.replace(/:[0-9a-f]{32}@/, ':nope@') });
      await expect(wrong.connect()).rejects.toThrow(/password authentication failed/);
    } finally {
      await Promise.all([a.dispose(), b.dispose()]);
    }
  });

  it('stops Redis by pid and refuses clients without its password', async () => {
    const redis = await startRedis();
    const pid = redis.pid;
    expect(pid).toBeGreaterThan(0);
    await redis.dispose();
    expect(() => process.kill(pid!, 0)).toThrow();
  });
});
