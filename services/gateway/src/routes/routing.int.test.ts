import { request as httpRequest } from 'node:http';
import { createHash } from 'node:crypto';
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { startHarness, type Harness } from '../testing/harness.js';
import { startTestLlm, type TestUpstream } from '../testing/test-upstreams.js';

describe('/api/<service> routing, with a test upstream standing in for the llm service', () => {
  let h: Harness;
  let llm: TestUpstream;
  let token: string;
  let userId: string;
  let url: string;

  beforeAll(async () => {
    const first = await startHarness({ postgresUrl: inject('postgresUrl'), redisUrl: inject('redisUrl') });
    llm = await startTestLlm(first.verifierFor('llm'));
    // A WebSocket echo on the stand-in: answers the upgrade itself and echoes raw bytes back.
    llm.app.server.on('upgrade', (req, socket: Socket) => {
      const accept = createHash('sha1')
        .update(`${String(req.headers['sec-websocket-key'])}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`)
        .digest('base64');
      socket.write(
        `HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: Upgrade\r\nsec-websocket-accept: ${accept}\r\nx-saw-auth: ${req.headers.authorization?.startsWith('Bearer ey') ? 'jwt' : 'none'}\r\n\r\n`,
      );
      socket.pipe(socket);
    });
    await first.close();
    h = await startHarness({
      postgresUrl: inject('postgresUrl'),
      redisUrl: inject('redisUrl'),
      s2sKey: first.s2sKey,
      peers: { llm: llm.url },
    });
    url = await h.app.listen({ host: '127.0.0.1', port: 0 });
    const account = await h.createUser('user', 'acme');
    userId = account.id;
    token = (await h.login(account)).accessToken;
  });
  afterAll(async () => {
    await h.close();
    await llm.close();
  });

  it('forwards with an S2S token naming the user, and the request id', async () => {
    const res = await h.request({
      url: '/api/llm/whoami',
      headers: { authorization: `Bearer ${token}`, 'x-request-id': 'req-42' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      caller: { issuer: 'gateway', subject: userId, tenant: 'acme', role: 'user' },
      requestId: 'req-42',
    });
  });

  it('answers a clean 502 when a peer breaks off a small answer, and streams large ones whole', async () => {
    const truncated = await h.request({ url: '/api/llm/truncated', headers: { authorization: `Bearer ${token}` } });
    expect(truncated.statusCode).toBe(502);
    expect(truncated.json()).toMatchObject({ error: { code: 'NEMO_ERR_UPSTREAM_FAILED' } });
    expect(truncated.body).not.toContain('partial');
    const large = await fetch(`${url}/api/llm/large`, { headers: { authorization: `Bearer ${token}` } });
    expect(large.status).toBe(200);
    expect((await large.text()).length).toBe(200 * 1024);
  });

  it("answers HEAD with the peer's headers and no body", async () => {
    const res = await fetch(`${url}/api/llm/whoami`, { method: 'HEAD', headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(await res.text()).toBe('');
  });

  it('abandons the upstream call when the client hangs up', async () => {
    const client = new AbortController();
    const call = fetch(`${url}/api/llm/slow`, { headers: { authorization: `Bearer ${token}` }, signal: client.signal });
    await vi.waitFor(() => expect(llm.callers.length).toBeGreaterThan(0));
    const before = llm.hungUp.length;
    await new Promise((resolve) => setTimeout(resolve, 100));
    client.abort();
    await expect(call).rejects.toThrow();
    // The peer sees its caller go, long before its 10 s answer would be due.
    await vi.waitFor(() => expect(llm.hungUp.length).toBe(before + 1), { timeout: 2_000 });
  });

  it('abandons a streamed answer when the client hangs up part way', async () => {
    const client = new AbortController();
    const res = await fetch(`${url}/api/llm/drip`, {
      headers: { authorization: `Bearer ${token}` },
      signal: client.signal,
    });
    const reader = res.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value as Uint8Array)).toContain('data: drip');
    const before = llm.hungUp.filter((path) => path === '/drip').length;
    client.abort();
    await vi.waitFor(() => expect(llm.hungUp.filter((path) => path === '/drip')).toHaveLength(before + 1), {
      timeout: 2_000,
    });
  });

  it('passes server-sent events through as a stream', async () => {
    const res = await fetch(`${url}/api/llm/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', stream: true, messages: [{ role: 'user', content: 'a b' }] }),
    });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    expect(res.headers.get('x-accel-buffering')).toBe('no');
    const body = await res.text();
    expect(body.match(/^data: /gm)).toHaveLength(4);
    expect(body.trim().endsWith('data: [DONE]')).toBe(true);
  });

  it("passes the coordinator's 429 through with its Retry-After", async () => {
    const res = await h.request({
      method: 'POST',
      url: '/api/llm/busy',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.statusCode).toBe(429);
    expect(res.headers['retry-after']).toBe('7');
    expect(res.json()).toMatchObject({ error: { code: 'NEMO_ERR_RATE_LIMITED', message: 'The GPUs are busy.' } });
  });

  const upgrade = (path: string, headers: Record<string, string>) =>
    new Promise<{ status: number; headers: Record<string, unknown>; socket?: Socket; body?: string }>(
      (resolve, reject) => {
        const req = httpRequest(`${url}${path}`, {
          headers: {
            connection: 'Upgrade',
            upgrade: 'websocket',
            'sec-websocket-version': '13',
            'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
            ...headers,
          },
        });
        req.on('upgrade', (res, socket) => resolve({ status: res.statusCode ?? 0, headers: res.headers, socket }));
        req.on('response', (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        });
        req.on('error', reject);
        req.end();
      },
    );

  it('passes a WebSocket through, with the token given as a subprotocol and swapped for an S2S token', async () => {
    const res = await upgrade('/api/llm/stream', { 'sec-websocket-protocol': `bearer.${token}` });
    expect(res.status).toBe(101);
    expect(res.headers['x-saw-auth']).toBe('jwt');
    res.socket!.write('ping');
    const echoed = await new Promise<string>((resolve) =>
      res.socket!.once('data', (d: Buffer) => resolve(d.toString())),
    );
    expect(echoed).toBe('ping');
    res.socket!.destroy();
  });

  it('refuses a WebSocket without credentials in the common error shape', async () => {
    const res = await upgrade('/api/llm/stream', {});
    expect(res.status).toBe(401);
    expect(JSON.parse(res.body ?? '')).toMatchObject({ error: { code: 'NEMO_ERR_AUTH_REQUIRED' } });
  });

  it('publishes the OpenAPI document with the schemas used for validation', async () => {
    const doc = (await h.request({ url: '/docs/json' })).json<{ paths: Record<string, unknown> }>();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/auth/login', '/v1/chat/completions', '/v1/audio/transcriptions', '/admin/users']),
    );
    expect(JSON.stringify(doc.paths['/auth/login'])).toContain('"maxLength":1024');
    expect((await h.request({ url: '/docs', headers: { accept: 'text/html' } })).statusCode).toBe(200);
  });
});
