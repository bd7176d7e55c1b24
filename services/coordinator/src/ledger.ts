import type pg from 'pg';
import type { Logger } from '@nemo/common';
import type { WorkClass, Workload } from './classes.js';

export interface GrantedLease {
  id: string;
  workload: Workload;
  workClass: WorkClass;
  holder: string;
  slot: number;
  grantedAt: number;
  expiresAt: number;
  waitMs: number;
  expectedMs: number;
}

export type Outcome = 'released' | 'aborted' | 'expired';

/**
 * The lease ledger in PostgreSQL. It is a record, not the source of truth:
 * Redis decides who holds a GPU, so a ledger write that fails is logged and
 * counted, and never turns a grant into an error.
 */
export class Ledger {
  constructor(
    private readonly pool: pg.Pool,
    private readonly logger: Logger,
    private readonly onError: () => void = () => undefined,
  ) {}

  async granted(lease: GrantedLease): Promise<void> {
    await this.write(
      'recorded grant',
      `INSERT INTO gpu_lease_ledger (id, workload, class, holder, slot, granted_at, expires_at, wait_ms, expected_ms)
       VALUES ($1, $2, $3, $4, $5, to_timestamp($6 / 1000.0), to_timestamp($7 / 1000.0), $8, $9)
       ON CONFLICT (id) DO NOTHING`,
      [
        lease.id,
        lease.workload,
        lease.workClass,
        lease.holder,
        lease.slot,
        lease.grantedAt,
        lease.expiresAt,
        Math.round(lease.waitMs),
        Math.round(lease.expectedMs),
      ],
    );
  }

  async renewed(id: string, expiresAt: number): Promise<void> {
    await this.write(
      'recorded renewal',
      'UPDATE gpu_lease_ledger SET expires_at = to_timestamp($2 / 1000.0) WHERE id = $1 AND released_at IS NULL',
      [id, expiresAt],
    );
  }

  async closed(id: string, outcome: Outcome): Promise<void> {
    await this.write(
      'recorded release',
      'UPDATE gpu_lease_ledger SET released_at = now(), outcome = $2 WHERE id = $1 AND released_at IS NULL',
      [id, outcome],
    );
  }

  /** Closes leases whose holder stopped renewing; idempotent, so every replica may run it. */
  async sweepExpired(graceMs: number): Promise<number> {
    const result = await this.pool.query(
      `UPDATE gpu_lease_ledger SET released_at = expires_at, outcome = 'expired'
       WHERE released_at IS NULL AND expires_at < now() - make_interval(secs => $1 / 1000.0)`,
      [graceMs],
    );
    return result.rowCount ?? 0;
  }

  private async write(what: string, sql: string, params: unknown[]): Promise<void> {
    try {
      await this.pool.query(sql, params);
    } catch (err) {
      this.onError();
      this.logger.warn({ err, lease: params[0] }, `Ledger write failed: ${what}`);
    }
  }
}
