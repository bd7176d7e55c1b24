import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startHarness, type Harness } from '../testing/harness.js';

describe('sessions on the real PostgreSQL and Redis of this run', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({
      postgresUrl: inject('postgresUrl'),
      redisUrl: inject('redisUrl'),
      loginThrottle: { threshold: 3, baseLockMs: 1_000, maxLockMs: 8_000, windowMs: 60_000 },
    });
  });
  afterAll(() => h.close());

  const refresh = (refreshToken: string) =>
    h.request({ method: 'POST', url: '/auth/refresh', payload: { refreshToken } });
  const me = (token: string) => h.request({ url: '/auth/me', headers: { authorization: `Bearer ${token}` } });

  it('rotates refresh tokens; replaying a spent one revokes the whole family, access tokens included', async () => {
    const first = await h.login(await h.createUser());
    const second = (await refresh(first.refreshToken)).json<{ accessToken: string; refreshToken: string }>();
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect((await me(second.accessToken)).statusCode).toBe(200);

    const replay = await refresh(first.refreshToken);
    expect(replay.statusCode).toBe(401);
    expect(replay.json<{ error: { message: string } }>().error.message).toContain('already used');
    // The thief's copy and the owner's current token are both dead now.
    expect((await refresh(second.refreshToken)).statusCode).toBe(401);
    expect((await me(second.accessToken)).statusCode).toBe(401);
    const { rows } = await h.pool.query<{ live: string }>(
      `SELECT count(*) FILTER (WHERE revoked_at IS NULL) AS live FROM refresh_tokens
        WHERE family_id = (SELECT family_id FROM refresh_tokens WHERE user_id = (SELECT id FROM users WHERE username = $1) LIMIT 1)`,
      [(await h.svc.users.get((await h.svc.accessTokens.verify(first.accessToken)).userId))?.username],
    );
    expect(rows[0]?.live).toBe('0');
  });

  it('answers with tokens are never cached (RFC 6749 5.1), and say so with the API header set', async () => {
    const account = await h.createUser();
    const login = await h.request({
      method: 'POST',
      url: '/auth/login',
      payload: { username: account.username, password: account.password },
    });
    expect(login.statusCode).toBe(200);
    const rotated = await refresh(login.json<{ refreshToken: string }>().refreshToken);
    for (const res of [login, rotated]) {
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
      expect(res.headers['x-content-type-options']).toBe('nosniff');
    }
  });

  it('stores refresh tokens and API keys only as hashes', async () => {
    const account = await h.createUser();
    const { accessToken, refreshToken } = await h.login(account);
    const key = (
      await h.request({
        method: 'POST',
        url: '/auth/api-keys',
        headers: { authorization: `Bearer ${accessToken}` },
        payload: { name: 'k' },
      })
    ).json<{ key: string }>().key;
    const dump = JSON.stringify(
      (
        await h.pool.query(
          'SELECT t.*, k.* FROM refresh_tokens t, api_keys k WHERE t.user_id = $1 AND k.user_id = $1',
          [account.id],
        )
      ).rows,
    );
    expect(dump).not.toContain(refreshToken.slice(4));
    // The secret is the last 43 characters; base64url may itself contain '_'.
    expect(dump).not.toContain(key.slice(-43));
  });

  it('locks an account out after repeated failures, with a backoff that doubles', async () => {
    const account = await h.createUser();
    const attempt = (password: string) =>
      h.request({ method: 'POST', url: '/auth/login', payload: { username: account.username, password } });
    expect((await attempt('wrong-1')).statusCode).toBe(401);
    expect((await attempt('wrong-2')).statusCode).toBe(401);
    const locked = await attempt('wrong-3');
    expect(locked.statusCode).toBe(429);
    expect(locked.headers['retry-after']).toBe('1');
    // While locked, even the right password is refused.
    expect((await attempt(account.password)).statusCode).toBe(429);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const again = await attempt('wrong-4');
    expect(again.statusCode).toBe(429);
    expect(again.headers['retry-after']).toBe('2');
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    expect((await attempt(account.password)).statusCode).toBe(200);
  });

  it('keeps personal fields encrypted at rest', async () => {
    const admin = await h.login(await h.createUser('admin'));
    const created = await h.request({
      method: 'POST',
      url: '/admin/users',
      headers: { authorization: `Bearer ${admin.accessToken}` },
      payload: {
        username: `ada${Date.now()}`,
        password: 'a-long-password-1',
        email: 'ada@example.com',
        displayName: 'Ada L',
      },
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ email: 'ada@example.com', displayName: 'Ada L', role: 'user' });
    const { rows } = await h.pool.query('SELECT * FROM users WHERE id = $1', [created.json<{ id: string }>().id]);
    expect(JSON.stringify(rows)).not.toMatch(/ada@example\.com|Ada L/);
  });
});
