import { describe, expect, it } from 'vitest';
import { rangeOf } from './range.js';
import { assertServiceCaller, scopeOf } from './scope.js';

const user = { issuer: 'gateway', subject: 'alice', tenant: 'acme', role: 'user' };
const admin = { ...user, subject: 'root', role: 'admin' };

describe('query scope', () => {
  it('pins a user to their tenant and refuses another one', () => {
    expect(scopeOf(user, { userId: 'bob' })).toEqual({ tenant: 'acme', userId: 'bob' });
    expect(() => scopeOf(user, { tenant: 'globex' })).toThrow(/own tenant/);
  });

  it('treats a missing role as a plain user, never as an admin', () => {
    expect(scopeOf({ ...user, role: undefined }, {})).toEqual({ tenant: 'acme', userId: undefined });
  });

  it('lets an admin read all tenants or any one', () => {
    expect(scopeOf(admin, {})).toEqual({ tenant: undefined, userId: undefined });
    expect(scopeOf(admin, { tenant: 'globex' })).toMatchObject({ tenant: 'globex' });
  });

  it('needs a forwarded user to query, and none to write events', () => {
    expect(() => scopeOf({ issuer: 'rag', subject: undefined, tenant: undefined, role: undefined }, {})).toThrow(
      /signed-in/,
    );
    expect(() => assertServiceCaller(user)).toThrow(/services only/);
  });
});

describe('time range', () => {
  const now = Date.parse('2026-01-10T12:34:56Z');
  it('defaults to the last 7 days by day, and to hours for short ranges', () => {
    expect(rangeOf({}, now)).toMatchObject({ from: '2026-01-03T00:00:00.000Z', grain: 'day' });
    expect(rangeOf({ from: '2026-01-10T00:30:00Z' }, now)).toMatchObject({
      from: '2026-01-10T00:00:00.000Z',
      grain: 'hour',
    });
  });
});
