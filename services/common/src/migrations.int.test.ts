import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createPgPool } from './datastores.js';
import { applyMigrations, lockKeyOf } from './migrations.js';

describe('applyMigrations on the real PostgreSQL', () => {
  const pool = createPgPool(inject('postgresUrl'));
  afterAll(() => pool.end());

  const folder = (files: Record<string, string>) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'nemo-mig-'));
    for (const [name, sql] of Object.entries(files)) writeFileSync(path.join(dir, name), sql);
    return pathToFileURL(`${dir}/`);
  };

  it('applies each file once, in name order, even when replicas start together', async () => {
    const dir = folder({
      '0002_b.sql': 'INSERT INTO mig_probe (v) VALUES (2)',
      '0001_a.sql': 'CREATE TABLE mig_probe (v int)',
    });
    const runs = await Promise.all([1, 2, 3].map(() => applyMigrations(pool, { table: 'probe_migrations', dir })));
    expect(runs.flat().sort()).toEqual(['0001_a.sql', '0002_b.sql']);
    expect(await applyMigrations(pool, { table: 'probe_migrations', dir })).toEqual([]);
    const { rows } = await pool.query<{ v: number }>('SELECT v FROM mig_probe');
    expect(rows).toEqual([{ v: 2 }]);
  });

  it('rolls back a failing file and everything before it in the same run', async () => {
    const dir = folder({ '0001_ok.sql': 'CREATE TABLE mig_rollback (v int)', '0002_bad.sql': 'SELEC oops' });
    await expect(applyMigrations(pool, { table: 'rollback_migrations', dir })).rejects.toThrow();
    const { rows } = await pool.query("SELECT to_regclass('mig_rollback') AS t");
    expect(rows[0]).toEqual({ t: null });
  });

  it('refuses a table name that is not a plain identifier', async () => {
    await expect(applyMigrations(pool, { table: 'x; DROP TABLE y', dir: folder({}) })).rejects.toThrow(/lower-case/);
  });

  it('gives each service its own lock', () => {
    expect(lockKeyOf('rag_migrations')).not.toBe(lockKeyOf('llm_migrations'));
  });
});
