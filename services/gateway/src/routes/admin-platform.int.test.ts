import { createServer, type Server } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startHarness, type Harness } from '../testing/harness.js';

/** A peer that answers /ready with `status`, as our services' probes do. */
async function peer(status: number): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    res.statusCode = req.url === '/ready' ? status : 404;
    res.end(JSON.stringify({ status: status === 200 ? 'ready' : 'not ready' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return { url: `http://127.0.0.1:${String(address.port)}`, server };
}

describe('/admin/platform: platform health as the gateway sees it', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'platform-status-'));
  const statusFile = path.join(dir, 'status.json');
  const peers: Server[] = [];
  let h: Harness;
  let admin: string;
  let user: string;

  beforeAll(async () => {
    const [ready, failing, gone] = await Promise.all([peer(200), peer(503), peer(200)]);
    peers.push(ready.server, failing.server);
    await new Promise((resolve) => gone.server.close(resolve)); // nothing listens there any more
    h = await startHarness({
      postgresUrl: inject('postgresUrl'),
      redisUrl: inject('redisUrl'),
      peers: { llm: ready.url, rag: failing.url, coordinator: gone.url },
      settings: { platformStatusFile: statusFile },
    });
    admin = (await h.login(await h.createUser('admin'))).accessToken;
    user = (await h.login(await h.createUser('user'))).accessToken;
  });
  afterAll(async () => {
    await h.close();
    for (const server of peers) server.close();
  });

  const get = (token: string) =>
    h.request({ method: 'GET', url: '/admin/platform', headers: { authorization: `Bearer ${token}` } });

  it('is for admins only', async () => {
    expect((await get(user)).statusCode).toBe(403);
  });

  it("probes each configured peer's /ready and says in words what it saw", async () => {
    const res = await get(admin);
    expect(res.statusCode).toBe(200);
    const body = res.json<{ peers: { service: string; ready: boolean; detail: string }[] }>();
    expect(body.peers.map((p) => [p.service, p.ready])).toEqual([
      ['llm', true],
      ['rag', false],
      ['coordinator', false],
    ]);
    expect(body.peers[1]!.detail).toBe('answered 503');
    expect(body.peers[2]!.detail).toMatch(/coordinator/);
    expect(res.body).not.toMatch(/ECONNREFUSED|at .*\.js/);
  });

  it('says the status is not published yet while the operator has not written it', async () => {
    const body = (await get(admin)).json<{ mode: string; platformError?: string }>();
    expect(body.mode).toBe('cluster');
    expect(body.platformError).toMatch(/has not published the platform status yet/);
  });

  it('returns the NemoPlatform status the operator mounted', async () => {
    const status = {
      name: 'nemo',
      namespace: 'ai',
      generation: 3,
      status: {
        phase: 'Ready',
        observedGeneration: 3,
        conditions: [{ type: 'Ready', status: 'True', reason: 'AllComponentsReady', message: 'All 6 ready' }],
        components: { gateway: { ready: 1, desired: 1 } },
      },
    };
    writeFileSync(statusFile, JSON.stringify(status));
    const body = (await get(admin)).json<{ platform: unknown; platformError?: string }>();
    expect(body.platform).toEqual(status);
    expect(body.platformError).toBeUndefined();
  });

  it('reports an unreadable status file without leaking its content or the parser error', async () => {
    writeFileSync(statusFile, '{"name": "nemo", broken');
    const res = await get(admin);
    expect(res.json<{ platformError: string }>().platformError).toBe(
      'The platform status file could not be read; see the gateway log.',
    );
    expect(res.body).not.toMatch(/broken|JSON|position/);
  });
});
