import { generateKeyPairSync } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyFromPem } from '../auth/s2s-keys.js';
import { S2SSigner, S2SVerifier } from '../auth/s2s-token.js';
import { freePort } from '../servers/free-port.js';
import { createLogger } from '../logger.js';
import { InsightsEventsClient, openInsightsEvents } from './events-client.js';
import { EventBatch, PLATFORM_TENANT, type InsightsEvent } from './events.js';

const { privateKey } = generateKeyPairSync('ed25519');
const key = await keyFromPem(privateKey.export({ type: 'pkcs8', format: 'pem' }), 'k');
const verifier = new S2SVerifier({ audience: 'insights', keys: { primary: key, previous: undefined } });
const signer = new S2SSigner({ issuer: 'rag', key });

const ragQuery = (results: number) => ({ type: 'rag.query', tenant: 'acme', results }) as const;

/** A real intake on loopback, written for this test: it validates and keeps what it is sent. */
describe('InsightsEventsClient against a real HTTP intake', () => {
  const received: InsightsEvent[] = [];
  let intake: FastifyInstance;
  let baseUrl: string;

  beforeAll(async () => {
    intake = Fastify({ forceCloseConnections: true });
    intake.post('/v1/events', async (request, reply) => {
      await verifier.verify((request.headers.authorization ?? '').replace('Bearer ', ''));
      received.push(...EventBatch.parse(request.body).events);
      return reply.code(202).send({ accepted: received.length });
    });
    baseUrl = await intake.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(() => intake.close());

  it('delivers events in batches with ids and times filled in', async () => {
    const client = new InsightsEventsClient({ baseUrl, signer, batchSize: 2, flushIntervalMs: 60_000 });
    for (const n of [0, 1, 2]) client.emit(ragQuery(n));
    await client.close();
    expect(received.map((e) => e.type === 'rag.query' && e.results)).toEqual([0, 1, 2]);
    expect(new Set(received.map((e) => e.id)).size).toBe(3);
    expect(client.stats).toEqual({ buffered: 0, sent: 3, dropped: 0 });
  });

  it('never blocks or throws while insights is down, keeping only the newest events', async () => {
    const down = `http://127.0.0.1:${await freePort()}`;
    const client = new InsightsEventsClient({ baseUrl: down, signer, maxBuffered: 5, flushIntervalMs: 60_000 });
    const started = performance.now();
    for (let n = 0; n < 12; n++) client.emit(ragQuery(n));
    expect(performance.now() - started).toBeLessThan(50);
    await client.flush(); // fails: the batch goes back into the bounded buffer
    expect(client.stats).toEqual({ buffered: 5, sent: 0, dropped: 7 });
    await client.close();
  });

  it('drops an invalid event on its own, so the rest of its batch still lands', async () => {
    received.length = 0;
    const client = new InsightsEventsClient({ baseUrl, signer, flushIntervalMs: 60_000 });
    client.emit(ragQuery(1));
    client.emit({ type: 'rag.query', tenant: 'Not A Tenant', results: 2 });
    client.emit({ type: 'rag.query', tenant: PLATFORM_TENANT, results: -1 });
    client.emit(ragQuery(3));
    await client.close();
    expect(received.map((e) => e.type === 'rag.query' && e.results)).toEqual([1, 3]);
    expect(client.stats).toEqual({ buffered: 0, sent: 2, dropped: 2 });
  });
});

describe('openInsightsEvents', () => {
  it('sends nothing without NEMO_INSIGHTS_URL, and says so once', () => {
    const lines: string[] = [];
    const logger = createLogger({
      service: 'rag',
      level: 'info',
      destination: { write: (line: string) => lines.push(line) },
    });
    expect(openInsightsEvents({ url: undefined, signer, logger })).toBeUndefined();
    expect(lines.map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual([
      'Disabled insights events: NEMO_INSIGHTS_URL is not set',
    ]);
  });

  it('opens a client when the URL is set', async () => {
    const logger = createLogger({ service: 'rag', level: 'silent' });
    const client = openInsightsEvents({ url: 'http://127.0.0.1:9', signer, logger });
    expect(client).toBeInstanceOf(InsightsEventsClient);
    await client?.close();
  });
});
