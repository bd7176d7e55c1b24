import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CoreV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendRaw } from './kube-client.js';
import { PooledKubeConfig } from './pooled-kube-config.js';

/** A plain-HTTP stand-in for the API server that counts the connections its clients open. */
let server: Server;
let connections = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ apiVersion: 'v1', kind: 'NamespaceList', metadata: {}, items: [] }));
  });
  server.on('connection', () => (connections += 1));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function kubeConfig(user: { name: string; token?: string } = { name: 'tester' }): PooledKubeConfig {
  const kc = new PooledKubeConfig();
  const { port } = server.address() as AddressInfo;
  // client-node only makes a plain http.Agent for http: servers that skip TLS verification.
  kc.loadFromClusterAndUser({ name: 'local', server: `http://127.0.0.1:${String(port)}`, skipTLSVerify: true }, user);
  return kc;
}

describe('PooledKubeConfig', () => {
  it('sends sequential requests from typed and raw clients over one kept-alive connection', async () => {
    const kc = kubeConfig();
    const before = connections;
    const core = kc.makeApiClient(CoreV1Api);
    for (let i = 0; i < 5; i++) {
      await core.listNamespace();
      await sendRaw(kc, { method: 'GET', path: '/api/v1/namespaces' });
    }
    expect(connections - before).toBe(1);
    kc.destroyAgents();
  });

  it('keeps bearer tokens per request, not per connection', async () => {
    const seen: (string | undefined)[] = [];
    const record = (req: { headers: { authorization?: string } }) => seen.push(req.headers.authorization);
    server.on('request', record);
    const a = kubeConfig({ name: 'a', token: 'token-a' });
    const b = kubeConfig({ name: 'b', token: 'token-b' });
    await sendRaw(a, { method: 'GET', path: '/api/v1/namespaces' });
    await sendRaw(b, { method: 'GET', path: '/api/v1/namespaces' });
    await sendRaw(a, { method: 'GET', path: '/api/v1/namespaces' });
    server.off('request', record);
    expect(seen).toEqual(['Bearer token-a', 'Bearer token-b', 'Bearer token-a']);
    a.destroyAgents();
    b.destroyAgents();
  });

  it('serves many concurrent requests, then reuses the connections it opened', async () => {
    const kc = kubeConfig();
    const send = () => sendRaw(kc, { method: 'GET', path: '/api/v1/namespaces' });
    const before = connections;
    await Promise.all(Array.from({ length: 8 }, send));
    const opened = connections - before;
    expect(opened).toBeGreaterThan(0);
    expect(opened).toBeLessThanOrEqual(8);
    await Promise.all(Array.from({ length: 8 }, send));
    expect(connections - before).toBe(opened);
    kc.destroyAgents();
  });
});
