import { generateKeyPairSync } from 'node:crypto';
import { keyFromPem, S2SSigner } from '@nemo/common';
import { startInsights, type Insights } from '@nemo/insights/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { realEmbedder, s2sKey, startRag, userOf, type Rag } from '../src/testing/harness.js';

// rag's key for its own calls, which the insights service trusts: separate from the key the tests call rag with.
const { privateKey } = generateKeyPairSync('ed25519');
const ragKey = await keyFromPem(privateKey.export({ type: 'pkcs8', format: 'pem' }), 'rag outbound');
const admin = { subject: 'root', tenant: 'ops', role: 'admin' } as const;

interface RagVolume {
  queries: number;
  empty: number;
  emptyShare: number | null;
}

describe('rag sends a rag.query event per search to a real insights service (real PostgreSQL)', () => {
  let insights: Insights;
  let rag: Rag;
  let ragClosed = false;
  const volume = async (query: string): Promise<RagVolume> => {
    const res = await insights.asUser(admin, `/v1/insights/rag?${query}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json<RagVolume>();
  };

  beforeAll(async () => {
    insights = await startInsights(inject('postgresUrl'), { key: ragKey, listen: true });
    rag = await startRag({
      embedder: await realEmbedder(),
      env: { NEMO_INSIGHTS_URL: insights.url! },
      outbound: new S2SSigner({ issuer: 'rag', key: ragKey }),
    });
    const doc = await rag.inject('POST', '/v1/documents', 'acme', {
      contentType: 'text/plain',
      title: 'Expenses',
      content: 'Hotel costs are reimbursed up to 180 euros per night. Receipts are due within thirty days.',
    });
    expect(doc.statusCode, doc.body).toBe(201);
  });
  afterAll(async () => {
    if (!ragClosed) await rag?.close();
    await insights?.close();
  });

  it('counts searches per tenant and user, and the empty ones, once rag has shut down', async () => {
    const search = async (tenant: string, body: object) => {
      const res = await rag.inject('POST', '/v1/search', tenant, body);
      expect(res.statusCode, res.body).toBe(200);
      return res.json<{ results: unknown[] }>().results.length;
    };
    expect(await search('acme', { query: 'How much is reimbursed for a hotel night?', topK: 3 })).toBeGreaterThan(0);
    expect(await search('acme', { query: 'hotel', minScore: 0.99 })).toBe(0);
    expect(await search('globex', { query: 'How much is reimbursed for a hotel night?' })).toBe(0);
    // The call the llm's grounding makes: its own token, forwarding the user, with a topK.
    const llm = new S2SSigner({ issuer: 'llm', key: s2sKey });
    const grounding = await rag.app.inject({
      method: 'POST',
      url: '/v1/search',
      headers: { authorization: `Bearer ${await llm.token('rag', 'alice', 'acme')}` },
      payload: { query: 'When are receipts due?', topK: 4 },
    });
    expect(grounding.json<{ results: unknown[] }>().results.length).toBeGreaterThan(0);

    // Shutting down flushes what is buffered (the client would otherwise send within a second).
    await rag.close();
    ragClosed = true;
    expect(await volume('tenant=acme')).toMatchObject({ queries: 3, empty: 1, emptyShare: 1 / 3 });
    expect(await volume('tenant=globex')).toMatchObject({ queries: 1, empty: 1, emptyShare: 1 });
    expect(await volume('tenant=acme&userId=alice')).toMatchObject({ queries: 1, empty: 0 });
    expect(await volume(`tenant=acme&userId=${userOf('acme')}`)).toMatchObject({ queries: 2, empty: 1 });
    expect(await volume('')).toMatchObject({ queries: 4, empty: 2, emptyShare: 0.5 });
  });

  it('lets a user see only their own tenant', async () => {
    const res = await insights.asUser(
      { subject: userOf('globex'), tenant: 'globex', role: 'user' },
      '/v1/insights/rag',
    );
    expect(res.json<RagVolume>()).toMatchObject({ queries: 1, empty: 1 });
  });
});
