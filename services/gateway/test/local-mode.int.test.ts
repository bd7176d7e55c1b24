import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '@nemo/common/servers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/**
 * `npm start` end to end: the real supervisor (hack/start.mjs) with real
 * PostgreSQL, Redis and service processes. Setup (packages, npm ci, tsc -b)
 * is skipped because the test run is already built; the services are the
 * gateway and the coordinator, so a service still in progress elsewhere in
 * the tree cannot make this test flaky.
 */
describe('local mode: npm start', () => {
  let proc: ChildProcess;
  let output = '';
  let url: string;

  const waitFor = async (pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const match = pattern.exec(output);
      if (match) return match;
      if (proc.exitCode !== null) throw new Error(`supervisor exited ${proc.exitCode}:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`no ${pattern} within ${timeoutMs} ms:\n${output}`);
  };

  beforeAll(async () => {
    const port = await freePort();
    proc = spawn(process.execPath, ['hack/start.mjs'], {
      cwd: root,
      env: {
        ...process.env,
        NEMO_PORT: String(port),
        NEMO_START_SKIP_SETUP: '1',
        NEMO_START_SERVICES: 'gateway,coordinator',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    proc.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    proc.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    url = (await waitFor(/Nemo Platform ready at (http:\/\/localhost:\d+)/, 90_000))[1]!;
    expect(url).toBe(`http://localhost:${port}`);
  }, 120_000);
  afterAll(() => {
    if (proc.exitCode === null) proc.kill('SIGKILL');
  });

  it('prints admin credentials that sign in, and routes to the coordinator with an S2S token', async () => {
    const password = (await waitFor(/Sign in as admin with password (\S+)/, 1_000))[1];
    const login = await fetch(`${url}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password }),
    });
    expect(login.status).toBe(200);
    const { accessToken } = (await login.json()) as { accessToken: string };
    const me = await fetch(`${url}/auth/me`, { headers: { authorization: `Bearer ${accessToken}` } });
    expect(await me.json()).toMatchObject({ username: 'admin', role: 'admin' });
    // Any answer but 401/503 shows the coordinator is up and accepted the gateway's S2S token.
    const viaGateway = await fetch(`${url}/api/coordinator/health`, {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    expect(viaGateway.status).toBe(200);
  });

  it('stops everything on SIGTERM and exits 0', async () => {
    proc.kill('SIGTERM');
    const [code] = (await once(proc, 'exit')) as [number | null];
    expect(code).toBe(0);
    await expect(fetch(`${url}/health`)).rejects.toThrow();
  }, 30_000);
});
