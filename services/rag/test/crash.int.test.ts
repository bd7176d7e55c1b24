import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newKey, s2sPem, secretsDir, signer } from '../src/testing/harness.js';

/**
 * The real server in a child process, killed with SIGKILL while several
 * clients ingest, then restarted on the same data volume: every document
 * that got a 201 must be there, and searchable, after the restart.
 */
const repoRoot = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
const serverJs = path.join(repoRoot, 'services/rag/dist/server.js');

interface Server {
  child: ChildProcess;
  baseUrl: string;
}

async function startServer(dataDir: string, secrets: string): Promise<Server> {
  const child = spawn(process.execPath, [serverJs], {
    env: { ...process.env, NEMO_PORT: '0', NEMO_DATA_DIR: dataDir, NEMO_SECRETS_DIR: secrets, NEMO_LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.setEncoding('utf8');
  for await (const chunk of child.stdout as AsyncIterable<string>) {
    output += chunk;
    const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
    if (match) return { child, baseUrl: match[1]! };
  }
  throw new Error(`rag server exited before listening:\n${output}`);
}

async function call(server: Server, method: string, url: string, body?: object): Promise<Response> {
  const token = await signer.token('rag', 'user-1', 'acme');
  return fetch(`${server.baseUrl}${url}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
}

describe('kill -9 during ingestion', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'rag-crash-'));
  const secrets = secretsDir({ 'rag-db-key': newKey(), 'email-db-key': newKey(), 's2s-primary.pem': String(s2sPem) });
  let server: Server | undefined;

  beforeAll(() => {
    execFileSync('npx', ['tsc', '-b', 'services/rag'], { cwd: repoRoot, stdio: 'inherit' });
  }, 120_000);
  afterAll(() => {
    server?.child.kill('SIGKILL');
  });

  it('loses no acknowledged document', async () => {
    server = await startServer(dataDir, secrets);
    const acknowledged: string[] = [];
    let stop = false;
    const client = async (worker: number) => {
      for (let i = 0; !stop; i++) {
        const id = `w${worker}-doc${i}`;
        const content = `Worker ${worker} wrote note ${i}. The meeting room ${i} has ${worker + i} chairs and a projector.`;
        const res = await call(server!, 'POST', '/v1/documents', { id, contentType: 'text/plain', content }).catch(
          () => undefined,
        );
        if (res?.status === 201) acknowledged.push(id);
        else return;
      }
    };
    const clients = [0, 1, 2, 3].map(client);
    while (acknowledged.length < 40) await new Promise((r) => setTimeout(r, 20));
    const exited = once(server.child, 'exit');
    server.child.kill('SIGKILL'); // mid-stream: requests are in flight on every client
    stop = true;
    await exited;
    await Promise.all(clients);
    const acked = [...acknowledged];

    server = await startServer(dataDir, secrets);
    const listed = (await (await call(server, 'GET', '/v1/documents')).json()) as { documents: { id: string }[] };
    const present = new Set(listed.documents.map((d) => d.id));
    expect(acked.filter((id) => !present.has(id))).toEqual([]);
    console.log(`kill -9: ${acked.length} acknowledged before the kill, ${present.size} present after restart`);

    const last = acked.at(-1)!;
    const res = await call(server, 'POST', '/v1/search', {
      query: 'meeting room chairs',
      topK: 100,
      filters: { documentIds: [last] },
    });
    expect(((await res.json()) as { results: unknown[] }).results.length).toBe(1);
  }, 120_000);
});
