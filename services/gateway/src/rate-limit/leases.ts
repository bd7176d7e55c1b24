import type { GateDecision } from './gate.js';

/** How long a lease lives: also the longest a revocation made on another replica can go unseen here. */
export const LEASE_MS = 100;
/** The most admissions one lease holds. */
const MAX_LEASE = 64;
/** A lease never holds more than this share of a bucket's burst, so expired leftovers cost a client little. */
const BURST_SHARE = 8;
/**
 * The smallest lease worth granting. A browser loading a page sends a few
 * requests at once and then nothing: leasing to such a cluster stranded
 * tokens every time, and refused users well under their limit.
 */
const MIN_LEASE = 8;
/** Bounds memory under many distinct clients; a dropped lease only costs its leftovers. */
const MAX_ENTRIES = 10_000;

/** A decision from Redis, with the admissions it leased on top (0 unless allowed). */
export interface Granted {
  decision: GateDecision;
  leased: number;
}

/** What the gateway last heard from Redis about the tightest bucket. */
export interface Reading {
  limit: number;
  remaining: number;
  resetMs: number;
}

/** The credential a lease was granted to: revoking any part of it ends the lease. */
export interface LeaseHolder {
  userId?: string | undefined;
  sessionId?: string | undefined;
  apiKeyId?: string | undefined;
}

interface Entry {
  holder: LeaseHolder;
  tokens: number;
  grantedAt: number;
  /** Admissions asked for since the grant: over its age, the client's rate, which sizes the next lease. */
  demand: number;
  reading: Reading;
  renewing: Promise<unknown> | undefined;
}

/**
 * Admissions taken from Redis in advance, a few at a time, for one client and
 * credential (see ADR 0015). A busy client is then admitted here for most of
 * its requests, with no round trip; a quiet one, or one with a small burst,
 * is never leased anything and every request is decided in Redis. Tokens are
 * taken from the buckets before they are handed out, so a lease can make a
 * client wait sooner than it would have, never let it through more often.
 */
export class AdmissionLeases {
  private readonly entries = new Map<string, Entry>();

  /** One admission from a live lease, with the reading to report; undefined when there is none. */
  take(key: string, now: number): Reading | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    entry.demand++;
    if (entry.tokens < 1 || now - entry.grantedAt >= LEASE_MS) return undefined;
    entry.tokens--;
    const { limit, remaining, resetMs } = entry.reading;
    return { limit, remaining: remaining + entry.tokens, resetMs };
  }

  /** The renewal in flight for this key, if any: callers wait for it rather than start another. */
  renewal(key: string): Promise<unknown> | undefined {
    return this.entries.get(key)?.renewing;
  }

  /**
   * How many admissions beyond the current request to ask Redis for: what
   * the client's rate since the last grant would use within a lease's life,
   * the rate measured over a lease's life at least (a few requests at once
   * are not a rate), and nothing unless that is MIN_LEASE or more.
   */
  wanted(key: string, now: number, smallestBurst: number): number {
    const entry = this.entries.get(key);
    if (!entry) return 0;
    const expected = Math.floor((entry.demand * LEASE_MS) / Math.max(LEASE_MS, now - entry.grantedAt));
    const size = Math.min(expected, MAX_LEASE, Math.floor(smallestBurst / BURST_SHARE));
    return size >= MIN_LEASE ? size : 0;
  }

  /**
   * Asks Redis, as this key's one renewal in flight, and keeps what it
   * leased unless the holder was revoked meanwhile.
   */
  async renew(key: string, holder: LeaseHolder, now: number, ask: () => Promise<Granted>): Promise<GateDecision> {
    const entry = this.entries.get(key) ?? this.add(key, holder);
    const pending = ask();
    entry.renewing = pending;
    try {
      const { decision, leased } = await pending;
      if (decision.kind === 'allowed' && this.entries.get(key) === entry) {
        entry.tokens = leased;
        entry.grantedAt = now;
        entry.demand = 0;
        entry.reading = { limit: decision.limit, remaining: decision.remaining, resetMs: decision.resetMs };
      }
      return decision;
    } finally {
      if (entry.renewing === pending) entry.renewing = undefined;
    }
  }

  /** Ends every lease held by the user, session or API key named. */
  revoke(revoked: LeaseHolder): void {
    for (const [key, { holder }] of this.entries) {
      const hit =
        (revoked.userId !== undefined && holder.userId === revoked.userId) ||
        (revoked.sessionId !== undefined && holder.sessionId === revoked.sessionId) ||
        (revoked.apiKeyId !== undefined && holder.apiKeyId === revoked.apiKeyId);
      if (hit) this.entries.delete(key);
    }
  }

  private add(key: string, holder: LeaseHolder): Entry {
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    const entry: Entry = {
      holder,
      tokens: 0,
      grantedAt: -Infinity,
      demand: 0,
      reading: { limit: 0, remaining: 0, resetMs: 0 },
      renewing: undefined,
    };
    this.entries.set(key, entry);
    return entry;
  }
}
