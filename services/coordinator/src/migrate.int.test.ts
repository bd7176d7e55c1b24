import { createPgPool } from '@nemo/common';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { migrate } from './migrate.js';

describe('migrate', () => {
  const pool = createPgPool(inject('postgresUrl'));
  afterAll(() => pool.end());

  it('applies each file once, even when replicas start together', async () => {
    const runs = await Promise.all([migrate(pool), migrate(pool), migrate(pool)]);
    expect(runs.flat().filter((f) => f === '0001_lease_ledger.sql').length).toBeLessThanOrEqual(1);
    expect(await migrate(pool)).toEqual([]);
    const { rows } = await pool.query("SELECT to_regclass('gpu_lease_ledger') AS t");
    expect(rows[0]).toEqual({ t: 'gpu_lease_ledger' });
  });
});
