import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { createPgPool } from '@nemo/common';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { newKey, realEmbedder, type Rag, secretsDir, startRag } from '../src/testing/harness.js';

const email = {
  from: 'ana@example.com',
  to: ['ops@example.com'],
  subject: 'Generator maintenance on Saturday',
  body: 'The diesel generator in building C will be serviced on Saturday morning. Expect a short power cut at nine.',
  date: '2024-06-07T08:30:00Z',
};

/** Its own tenant: other test files share this database (and rag_emails) under other keys. */
const TENANT = `email-store-${randomUUID().slice(0, 8)}`;

describe('email store (real PostgreSQL, real embedding model)', () => {
  const pool = createPgPool(inject('postgresUrl'));
  const emailKey = newKey();
  let secrets: string;
  let rag: Rag;
  const env = { NEMO_POSTGRES_URL: inject('postgresUrl') };

  beforeAll(async () => {
    secrets = secretsDir({ 'rag-db-key': newKey(), 'email-db-key': emailKey });
    rag = await startRag({ embedder: await realEmbedder(), secretsDir: secrets, env });
  });
  afterAll(async () => {
    await rag?.close();
    await pool.end();
  });

  const restart = async () => {
    await rag.close();
    rag = await startRag({ embedder: await realEmbedder(), secretsDir: secrets, dataDir: rag.dataDir, env });
  };

  it('round-trips an email, encrypted per record at rest, and finds it by search', async () => {
    const created = await rag.inject('POST', '/v1/emails', TENANT, email);
    expect(created.statusCode).toBe(201);
    const { id } = created.json<{ id: string }>();
    expect((await rag.inject('GET', `/v1/emails/${id}`, TENANT)).json()).toEqual({ id, ...email });

    const { rows } = await pool.query<{ sealed: Buffer }>('SELECT sealed FROM rag_emails WHERE id = $1', [id]);
    expect(rows[0]!.sealed.includes('generator')).toBe(false);
    expect(rows[0]!.sealed.includes('ana@example.com')).toBe(false);

    const search = await rag.inject('POST', '/v1/search', TENANT, {
      query: 'When is the power outage for the generator service?',
    });
    expect(
      search.json<{ results: { citation: { documentId: string; kind: string } }[] }>().results[0]!.citation,
    ).toMatchObject({
      documentId: id,
      kind: 'email',
    });
    expect((await rag.inject('GET', `/v1/emails/${id}`, 'globex')).statusCode).toBe(404);
  });

  it('fails cleanly under a wrong key, naming the record, and never returns garbage', async () => {
    const { id } = (await rag.inject('POST', '/v1/emails', TENANT, email)).json<{ id: string }>();
    writeFileSync(path.join(secrets, 'email-db-key'), newKey());
    await restart();
    const res = await rag.inject('GET', `/v1/emails/${id}`, TENANT);
    expect(res.statusCode).toBe(500);
    expect(res.json()).toMatchObject({
      error: {
        code: 'NEMO_ERR_DATA_INTEGRITY',
        message: expect.stringMatching(
          `Stored email ${id} was encrypted under key [0-9a-f]{16}, which is not configured`,
        ) as string,
      },
    });
    writeFileSync(path.join(secrets, 'email-db-key'), emailKey);
    await restart();
  });

  it('re-encrypts every record in the background after a key rotation', async () => {
    const { id } = (await rag.inject('POST', '/v1/emails', TENANT, email)).json<{ id: string }>();
    // A record under a key this service never held (another deployment's) must not stop the rotation.
    await pool.query(
      "INSERT INTO rag_emails (id, tenant, key_id, sealed) VALUES (gen_random_uuid(), 'someone-else', 'ffffffffffffffff', '\\x00')",
    );
    const rotated = newKey();
    writeFileSync(path.join(secrets, 'email-db-key'), rotated);
    writeFileSync(path.join(secrets, 'email-db-key-previous'), emailKey);
    await restart();
    await rag.runtime.rotation;
    const { rows } = await pool.query<{ n: string }>(
      'SELECT count(DISTINCT key_id) AS n FROM rag_emails WHERE tenant = $1',
      [TENANT],
    );
    expect(rows[0]!.n).toBe('1');

    writeFileSync(path.join(secrets, 'email-db-key-previous'), ''); // the old key is gone now
    await restart();
    expect((await rag.inject('GET', `/v1/emails/${id}`, TENANT)).json()).toMatchObject({ subject: email.subject });
  });

  it('deletes an email from the store and the index', async () => {
    const { id } = (await rag.inject('POST', '/v1/emails', TENANT, { ...email, subject: 'Unique walrus memo' })).json<{
      id: string;
    }>();
    expect((await rag.inject('DELETE', `/v1/emails/${id}`, TENANT)).statusCode).toBe(204);
    expect((await rag.inject('GET', `/v1/emails/${id}`, TENANT)).statusCode).toBe(404);
    expect((await rag.inject('GET', `/v1/documents/${id}`, TENANT)).statusCode).toBe(404);
    const { rows } = await pool.query('SELECT 1 FROM rag_emails WHERE id = $1', [id]);
    expect(rows).toEqual([]);
  });
});
