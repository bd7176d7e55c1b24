import { inject, describe, expect, it } from 'vitest';
import { startHarness } from '../testing/harness.js';

describe('the access log of a whole gateway', () => {
  it('has one line per request: method, path without its query, route, status, user id; no secrets', async () => {
    const lines: string[] = [];
    const h = await startHarness({
      postgresUrl: inject('postgresUrl'),
      redisUrl: inject('redisUrl'),
      logTo: { write: (line: string) => void lines.push(line) },
    });
    try {
      const account = await h.createUser();
      const { accessToken } = await h.login(account);
      await h.request({
        url: '/auth/me?token=secret-in-query',
        headers: { authorization: `Bearer ${accessToken}`, cookie: 'sid=secret-cookie' },
      });
      const served = lines
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .filter((line) => line['msg'] === 'Served request');
      expect(served.at(-1)).toMatchObject({
        method: 'GET',
        path: '/auth/me',
        route: '/auth/me',
        status: 200,
        user: account.id,
      });
      const all = lines.join('\n');
      // The password, the access token, the query's token and the cookie appear nowhere.
      for (const secret of [account.password, accessToken, 'secret-in-query', 'secret-cookie'])
        expect(all).not.toContain(secret);
    } finally {
      await h.close();
    }
  });
});
