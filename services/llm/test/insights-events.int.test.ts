import { InsightsEventsClient, S2SSigner } from '@nemo/common';
import { startInsights, type Insights } from '@nemo/insights/testing';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { key, pgPool, startCoordinator, startLlm, type Llm } from './support/harness.js';

// Real Gemma, coordinator, PostgreSQL and insights. The harness signs every service's calls with one key,
// so insights trusts that key.
const alice = { subject: 'alice', tenant: 'acme', role: 'user' } as const;

describe('llm and coordinator events land in a real insights service', { timeout: 120_000 }, () => {
  let pool: pg.Pool;
  let insights: Insights;
  let coordinatorEvents: InsightsEventsClient;
  let coordinator: Awaited<ReturnType<typeof startCoordinator>>;
  let llm: Llm;
  let llmClosed = false;

  beforeAll(async () => {
    pool = pgPool(inject('postgresUrl'));
    insights = await startInsights(inject('postgresUrl'), { key, listen: true });
    coordinatorEvents = new InsightsEventsClient({
      baseUrl: insights.url!,
      signer: new S2SSigner({ issuer: 'coordinator', key }),
    });
    coordinator = await startCoordinator(inject('redisUrl'), pool, coordinatorEvents);
    llm = await startLlm({ NEMO_COORDINATOR_URL: coordinator.url, NEMO_INSIGHTS_URL: insights.url! });
  }, 240_000);
  afterAll(async () => {
    if (!llmClosed) await llm?.close();
    await coordinator?.close();
    await coordinatorEvents?.close();
    await insights?.close();
    await pool?.end();
  });

  it("files a chat's tokens and its GPU wait under the user who asked", async () => {
    const res = await fetch(`${llm.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await llm.token('alice', 'acme')}` },
      body: JSON.stringify({ messages: [{ role: 'user', content: 'Say hi.' }], max_tokens: 4, temperature: 0 }),
    });
    expect(res.status).toBe(200);
    const { usage } = (await res.json()) as { usage: { total_tokens: number } };

    await llm.close(); // flushes chat.usage
    llmClosed = true;
    await coordinatorEvents.flush();
    const usageRes = await insights.asUser(alice, '/v1/insights/usage');
    expect(usageRes.json<{ users: unknown[] }>().users).toEqual([
      { tenant: 'acme', userId: 'alice', chatTokens: usage.total_tokens, audioSeconds: 0 },
    ]);
    // The lease request forwarded alice, so her wait is hers, not the platform's.
    const gpu = await insights.asUser(alice, '/v1/insights/gpu-queue?userId=alice');
    expect(gpu.json<{ classes: unknown[] }>().classes).toEqual([
      expect.objectContaining({ class: 'interactive', granted: 1, denied: 0 }),
    ]);
  });
});
