import { randomUUID } from 'node:crypto';
import { startRedis, type LocalServer } from '@nemo/common/servers';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startHarness, type Harness } from '../testing/harness.js';
import { Gate } from './gate.js';
import { LEASE_MS } from './leases.js';

describe('rate limits on the real Redis of this run', () => {
  let h: Harness;
  let token: string;

  beforeAll(async () => {
    h = await startHarness({
      postgresUrl: inject('postgresUrl'),
      redisUrl: inject('redisUrl'),
      settings: {
        rateLimit: { principal: { perMinute: 60, burst: 3 }, ip: { perMinute: 600, burst: 50 }, failMode: 'closed' },
      },
    });
    token = (await h.login(await h.createUser())).accessToken;
  });
  afterAll(() => h.close());

  const me = () => h.request({ url: '/auth/me', headers: { authorization: `Bearer ${token}` } });

  it('lets a burst through with RateLimit headers, then answers 429 with Retry-After', async () => {
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push(await me());
    expect(statuses.map((r) => r.statusCode)).toEqual([200, 200, 200, 429]);
    expect(statuses[0]?.headers['ratelimit-limit']).toBe('3');
    expect(statuses[2]?.headers['ratelimit-remaining']).toBe('0');
    const limited = statuses[3]!;
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(limited.headers['ratelimit-remaining']).toBe('0');
    expect(limited.json()).toMatchObject({ error: { code: 'NEMO_ERR_RATE_LIMITED' } });
  });

  it('limits each user on their own: another user still passes', async () => {
    const other = (await h.login(await h.createUser())).accessToken;
    const res = await h.request({ url: '/auth/me', headers: { authorization: `Bearer ${other}` } });
    expect(res.statusCode).toBe(200);
  });

  it('limits an API key on its own bucket as well as its user', async () => {
    const fresh = (await h.login(await h.createUser())).accessToken;
    const created = await h.request({
      method: 'POST',
      url: '/auth/api-keys',
      headers: { authorization: `Bearer ${fresh}` },
      payload: { name: 'k' },
    });
    const key = created.json<{ key: string }>().key;
    const codes = [];
    for (let i = 0; i < 3; i++)
      codes.push((await h.request({ url: '/v1/models', headers: { authorization: `Bearer ${key}` } })).statusCode);
    // The user spent one token creating the key: two more pass, then the user's bucket is empty.
    expect(codes).toEqual([200, 200, 429]);
  });

  it('limits a client address even before sign-in', async () => {
    const strict = await startHarness({
      postgresUrl: inject('postgresUrl'),
      redisUrl: inject('redisUrl'),
      settings: {
        rateLimit: { principal: { perMinute: 60, burst: 50 }, ip: { perMinute: 60, burst: 2 }, failMode: 'closed' },
      },
    });
    try {
      const login = () =>
        strict.request({ method: 'POST', url: '/auth/login', payload: { username: 'nobody-here', password: 'x' } });
      expect([(await login()).statusCode, (await login()).statusCode, (await login()).statusCode]).toEqual([
        401, 401, 429,
      ]);
    } finally {
      await strict.close();
    }
  });

  it('refuses a tenant whose daily chat budget is spent, until tomorrow', async () => {
    const budgeted = await startHarness({
      postgresUrl: inject('postgresUrl'),
      redisUrl: inject('redisUrl'),
      settings: { budgets: { 'chat-tokens': 100, 'audio-seconds': 0 } },
    });
    try {
      const tenant = `t${Date.now()}`;
      const access = (await budgeted.login(await budgeted.createUser('user', tenant))).accessToken;
      await budgeted.svc.gate.charge(tenant, 'chat-tokens', 100, Date.now());
      const res = await budgeted.request({
        method: 'POST',
        url: '/v1/chat/completions',
        headers: { authorization: `Bearer ${access}` },
        payload: { model: 'm', messages: [{ role: 'user', content: 'hi' }] },
      });
      expect(res.statusCode).toBe(429);
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      expect(Number(res.headers['retry-after'])).toBeLessThanOrEqual(86_400);
    } finally {
      await budgeted.close();
    }
  });
});

describe('a Redis outage, on a Redis started and stopped for this test', () => {
  let redis: LocalServer;
  let closed: Harness;
  let open: Harness;
  let closedToken: string;
  let openToken: string;

  beforeAll(async () => {
    redis = await startRedis();
    const common = { postgresUrl: inject('postgresUrl'), redisUrl: redis.url };
    closed = await startHarness(common);
    open = await startHarness({
      ...common,
      settings: {
        rateLimit: { principal: { perMinute: 600, burst: 100 }, ip: { perMinute: 600, burst: 100 }, failMode: 'open' },
      },
    });
    closedToken = (await closed.login(await closed.createUser())).accessToken;
    openToken = (await open.login(await open.createUser())).accessToken;
    await redis.stop();
  });
  afterAll(async () => {
    await Promise.all([closed.close(), open.close()]);
    await redis.dispose();
  });

  it('fails closed: 503 with a clear message and no client-library text, quickly', async () => {
    const started = performance.now();
    const res = await closed.request({ url: '/auth/me', headers: { authorization: `Bearer ${closedToken}` } });
    const elapsed = performance.now() - started;
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({
      error: {
        code: 'NEMO_ERR_UNAVAILABLE',
        message: expect.stringContaining('Rate limiting is unavailable') as unknown,
      },
    });
    expect(res.body).not.toMatch(/ioredis|ECONNREFUSED|Connection is closed|Stream isn't writeable/i);
    expect(res.headers['retry-after']).toBeDefined();
    expect(elapsed).toBeLessThan(1_500);
  });

  it('stays bounded under a burst while Redis is down', async () => {
    const started = performance.now();
    const results = await Promise.all(
      Array.from({ length: 50 }, () =>
        closed.request({ url: '/auth/me', headers: { authorization: `Bearer ${closedToken}` } }),
      ),
    );
    expect(new Set(results.map((r) => r.statusCode))).toEqual(new Set([503]));
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('fails open when configured: the request passes, revocation still checked in Postgres', async () => {
    const res = await open.request({ url: '/auth/me', headers: { authorization: `Bearer ${openToken}` } });
    expect(res.statusCode).toBe(200);
  });

  it('recovers when Redis comes back', async () => {
    await redis.start();
    await expect
      .poll(
        async () =>
          (await closed.request({ url: '/auth/me', headers: { authorization: `Bearer ${closedToken}` } })).statusCode,
        {
          timeout: 10_000,
          interval: 200,
        },
      )
      .toBe(200);
  });
});

describe('admission leases, on a Redis of their own so its command counts are this test’s', () => {
  let redis: LocalServer;
  let replica: Harness;
  let other: Harness;

  beforeAll(async () => {
    redis = await startRedis();
    const common = {
      postgresUrl: inject('postgresUrl'),
      redisUrl: redis.url,
      settings: {
        rateLimit: {
          principal: { perMinute: 60, burst: 400 },
          ip: { perMinute: 6000, burst: 10_000 },
          failMode: 'closed',
        },
      },
    } as const;
    [replica, other] = await Promise.all([startHarness(common), startHarness(common)]);
  });
  afterAll(async () => {
    await Promise.all([replica.close(), other.close()]);
    await redis.dispose();
  });

  const scriptCalls = async () => {
    const stats = await replica.redis.info('commandstats');
    return [...stats.matchAll(/^cmdstat_(?:evalsha|eval):calls=(\d+)/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
  };
  const me = (h: Harness, token: string) =>
    h.request({ url: '/auth/me', headers: { authorization: `Bearer ${token}` } });

  it('admit a busy client mostly from leases, and never more often than its bucket allows', async () => {
    const token = (await replica.login(await replica.createUser())).accessToken;
    const before = await scriptCalls();
    const statuses: number[] = [];
    for (let wave = 0; wave < 12; wave++) {
      const results = await Promise.all(Array.from({ length: 50 }, () => me(replica, token)));
      statuses.push(...results.map((r) => r.statusCode));
    }
    const calls = (await scriptCalls()) - before;
    const admitted = statuses.filter((s) => s === 200).length;
    // 400 in the bucket (one went on the login), a token a second coming back: a lease may strand a few, never add one.
    expect(admitted).toBeLessThanOrEqual(399 + 5);
    expect(admitted).toBeGreaterThan(399 - 50);
    expect(statuses.filter((s) => s !== 200).every((s) => s === 429)).toBe(true);
    // Every refusal is decided in Redis; the admissions, one script call each without leases, mostly were not.
    expect(calls - (statuses.length - admitted)).toBeLessThan(admitted / 4);
    // /metrics tells the same story.
    const metrics = (await replica.request({ url: '/metrics' })).body;
    const count = (outcome: string, by: string) =>
      Number(
        new RegExp(`^gateway_admissions_total\\{outcome="${outcome}",decided_by="${by}"[^}]*\\} (\\d+)`, 'm').exec(
          metrics,
        )?.[1] ?? 0,
      );
    expect(count('allowed', 'lease')).toBeGreaterThan(admitted / 2);
    expect(count('limited', 'redis')).toBe(statuses.length - admitted);
  });

  it('never strand tokens on a user who sends a few requests at once, now and then', async () => {
    // 20 a second allowed. Two tabs of one user (two sessions) each send two at once every 250 ms: 16 a second.
    const gate = new Gate(replica.redis, {
      principal: { perMinute: 1200, burst: 64 },
      ip: { perMinute: 60_000, burst: 10_000 },
      budgets: { 'chat-tokens': 0, 'audio-seconds': 0 },
    });
    const userId = randomUUID();
    const tabs = [randomUUID(), randomUUID()].map(
      (sessionId) => ({ userId, role: 'user', tenant: 't', sessionId, apiKeyId: undefined }) as const,
    );
    // Time is the gate's argument (Redis refills by it too), so 5 s of traffic take no 5 s here.
    const start = Date.now();
    const sends = Array.from({ length: 20 }, (_, period) =>
      tabs.flatMap((principal, tab) => [0, 1].map((i) => ({ principal, at: period * 250 + tab * 5 + i }))),
    ).flat();
    const refused: number[] = [];
    for (const { principal, at } of sends) {
      const decision = await gate.check({ ip: '198.51.100.7', principal, now: start + at });
      if (decision.kind !== 'allowed') refused.push(at);
    }
    // Leasing to each pair stranded what the other tab needed: it was refused every time from 1 s on.
    expect(refused).toEqual([]);
  });

  it('end this replica’s leases at once when a credential is revoked here', async () => {
    const account = await replica.createUser();
    const token = (await replica.login(account)).accessToken;
    for (let i = 0; i < 30; i++) expect((await me(replica, token)).statusCode).toBe(200);
    await replica.svc.revocations.revokeUser(account.id);
    expect((await me(replica, token)).statusCode).toBe(401);
  });

  it('end another replica’s leases within LEASE_MS', async () => {
    const account = await replica.createUser();
    const token = (await replica.login(account)).accessToken;
    for (let i = 0; i < 30; i++) expect((await me(replica, token)).statusCode).toBe(200);
    await other.svc.revocations.revokeUser(account.id);
    await new Promise((resolve) => setTimeout(resolve, LEASE_MS));
    expect((await me(replica, token)).statusCode).toBe(401);
  });
});
