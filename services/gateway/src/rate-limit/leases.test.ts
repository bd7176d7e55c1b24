import { describe, expect, it } from 'vitest';
import type { GateDecision } from './gate.js';
import { AdmissionLeases, LEASE_MS, type Granted } from './leases.js';

const allowed: GateDecision = { kind: 'allowed', limit: 100, remaining: 50, resetMs: 1000 };
const grantOf =
  (leased: number, decision: GateDecision = allowed) =>
  () =>
    Promise.resolve<Granted>({ decision, leased });
const holder = { userId: 'u1', sessionId: 's1', apiKeyId: undefined };

/** Takes admissions until the lease runs dry; returns how many it gave. */
function drain(leases: AdmissionLeases, key: string, now: number): number {
  let taken = 0;
  while (leases.take(key, now)) taken++;
  return taken;
}

describe('admission leases', () => {
  it('lease nothing to a client never seen, or one seen only now and then', async () => {
    const leases = new AdmissionLeases();
    expect(leases.wanted('a', 0, 1000)).toBe(0);
    await leases.renew('a', holder, 0, grantOf(0));
    expect(leases.take('a', 500)).toBeUndefined();
    // One request in 500 ms would use a fifth of one admission in a lease's life: none is taken.
    expect(leases.wanted('a', 500, 1000)).toBe(0);
  });

  it('size a lease by the rate since the last grant, capped by 64 and an eighth of the burst', async () => {
    const leases = new AdmissionLeases();
    await leases.renew('a', holder, 0, grantOf(0));
    for (let i = 0; i < 100; i++) leases.take('a', 10);
    // A hundred requests in 10 ms: at least a hundred in a lease's 100 ms.
    expect(leases.wanted('a', 10, 10_000)).toBe(64);
    expect(leases.wanted('a', 10, 160)).toBe(20);
    expect(leases.wanted('a', 10, 7)).toBe(0);
    // The same hundred over 500 ms: twenty in a lease's life.
    expect(leases.wanted('a', 500, 10_000)).toBe(20);
  });

  it('lease nothing to a few requests sent at once, however quickly', async () => {
    const leases = new AdmissionLeases();
    await leases.renew('a', holder, 0, grantOf(0));
    for (let i = 0; i < 7; i++) leases.take('a', 1);
    // A page load's worth in 1 ms is not a rate of 700 a second: each is decided in Redis.
    expect(leases.wanted('a', 1, 10_000)).toBe(0);
    leases.take('a', 1);
    expect(leases.wanted('a', 1, 10_000)).toBe(8);
  });

  it('hand out what was leased, with the reading, until it is spent or LEASE_MS has passed', async () => {
    const leases = new AdmissionLeases();
    await leases.renew('a', holder, 0, grantOf(3));
    expect(leases.take('a', 1)).toEqual({ limit: 100, remaining: 52, resetMs: 1000 });
    expect(drain(leases, 'a', 2)).toBe(2);
    await leases.renew('a', holder, 10, grantOf(3));
    expect(leases.take('a', 10 + LEASE_MS)).toBeUndefined();
  });

  it('keep nothing from a refusal', async () => {
    const leases = new AdmissionLeases();
    const limited: GateDecision = { kind: 'limited', limit: 100, waitMs: 500 };
    await expect(leases.renew('a', holder, 0, grantOf(5, limited))).resolves.toEqual(limited);
    expect(leases.take('a', 1)).toBeUndefined();
  });

  it('share one renewal among the requests that arrive while it is out', async () => {
    const leases = new AdmissionLeases();
    let answer!: (granted: Granted) => void;
    const renewal = leases.renew('a', holder, 0, () => new Promise<Granted>((resolve) => (answer = resolve)));
    expect(leases.renewal('a')).toBeDefined();
    answer({ decision: allowed, leased: 4 });
    await renewal;
    expect(leases.renewal('a')).toBeUndefined();
    expect(drain(leases, 'a', 1)).toBe(4);
  });

  it('end the leases of a revoked user, session or key, even one granted while the revocation was made', async () => {
    const leases = new AdmissionLeases();
    await leases.renew('a', holder, 0, grantOf(5));
    await leases.renew('b', { userId: 'u2', sessionId: undefined, apiKeyId: 'k2' }, 0, grantOf(5));
    leases.revoke({ sessionId: 's1' });
    expect(leases.take('a', 1)).toBeUndefined();
    leases.revoke({ apiKeyId: 'k2' });
    expect(leases.take('b', 1)).toBeUndefined();

    let answer!: (granted: Granted) => void;
    const renewal = leases.renew('c', holder, 0, () => new Promise<Granted>((resolve) => (answer = resolve)));
    leases.revoke({ userId: 'u1' });
    answer({ decision: allowed, leased: 5 });
    await renewal;
    expect(leases.take('c', 1)).toBeUndefined();
  });
});
