import type { ErrorBody } from '@nemo/common';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { usageAgainstBudget } from '../src/store/queries.js';
import { startInsights, type Insights } from '../src/testing/harness.js';
import { knownEvents, RANGE } from './known-events.js';

const alice = { subject: 'alice', tenant: 'acme', role: 'user' } as const;
const root = { subject: 'root', tenant: 'ops', role: 'admin' } as const;
type Usage = Awaited<ReturnType<typeof usageAgainstBudget>> & { tenant: string | null };
const ENDPOINTS = ['emotions', 'usage', 'gpu-queue', 'rag', 'terms'];

describe('tenancy', () => {
  let insights: Insights;
  beforeAll(async () => {
    insights = await startInsights(inject('postgresUrl'));
    const events = [...knownEvents('acme', 'alice'), ...knownEvents('globex', 'gina')];
    expect((await insights.asService('POST', '/v1/events', { events })).statusCode).toBe(202);
  });
  afterAll(() => insights?.close());

  it.each(ENDPOINTS)('BOLA: a user asking %s for another tenant is refused and sees none of its data', async (path) => {
    const res = await insights.asUser(alice, `/v1/insights/${path}?tenant=globex&${RANGE}`);
    expect(res.statusCode).toBe(403);
    expect(res.json<ErrorBody>().error).toMatchObject({ code: 'NEMO_ERR_FORBIDDEN' });
    expect(res.body).not.toContain('gina');
  });

  it('scopes a user to their own tenant when no tenant is asked for', async () => {
    const body = (await insights.asUser(alice, `/v1/insights/usage?${RANGE}`)).json<Usage>();
    expect(body.tenant).toBe('acme');
    expect(body.tenants.map((t) => t.tenant)).toEqual(['acme']);
    expect(body.timeline).toEqual([expect.objectContaining({ chatTokens: 200 })]);
  });

  it('lets an admin see every tenant, or pick one', async () => {
    const all = (await insights.asUser(root, `/v1/insights/usage?${RANGE}`)).json<Usage>();
    expect(all.tenants.map((t) => t.tenant)).toEqual(['acme', 'globex']);
    expect(all.timeline).toEqual([expect.objectContaining({ chatTokens: 400 })]);
    const one = (await insights.asUser(root, `/v1/insights/usage?tenant=globex&${RANGE}`)).json<Usage>();
    expect(one.users).toEqual([expect.objectContaining({ tenant: 'globex', userId: 'gina' })]);
  });

  it('refuses queries without a forwarded user, and events from a forwarded user', async () => {
    expect((await insights.asService('GET', `/v1/insights/usage?${RANGE}`)).statusCode).toBe(403);
    const forged = await insights.app.inject({ method: 'POST', url: '/v1/events', payload: { events: [] } });
    expect(forged.statusCode).toBe(401);
    const viaUser = await insights.asUser(alice, '/v1/events', { events: knownEvents('globex', 'gina') });
    expect(viaUser.statusCode).toBe(403);
    const rows = await insights.pool.query('SELECT 1 FROM insights_events');
    expect(rows.rowCount).toBe(2 * knownEvents('x', 'y').length);
  });
});
