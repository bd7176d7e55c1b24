import { describe, expect, it } from 'vitest';
import { closeHttp } from './bootstrap.js';
import { createServiceApp } from './http/service-app.js';
import { createLogger } from './logger.js';

const logger = createLogger({ service: 'close-http-test', level: 'silent' });

/** A server with a streaming route, and a client that aborted a stream (its connection stays pooled). */
async function serverWithAbortedStream() {
  const app = createServiceApp({ service: 'close-http-test', logger });
  app.get('/stream', (_request, reply) => {
    reply.hijack();
    reply.raw.writeHead(200, { 'content-type': 'text/event-stream' });
    reply.raw.write('data: 1\n\n');
    setTimeout(() => reply.raw.end('data: 2\n\n'), 50);
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  const abort = new AbortController();
  const res = await fetch(`${url}/stream`, { signal: abort.signal });
  await res.body!.getReader().read();
  abort.abort();
  await new Promise((resolve) => setTimeout(resolve, 200));
  return app;
}

describe('closeHttp', () => {
  it('cuts connections a client left open once the grace is over, so shutdown goes on', async () => {
    const app = await serverWithAbortedStream();
    const started = performance.now();
    await closeHttp(app, 300, logger);
    const ms = performance.now() - started;
    expect(ms).toBeGreaterThanOrEqual(250);
    expect(ms).toBeLessThan(5_000);
    expect(app.server.listening).toBe(false);
  });

  it('lets a request in flight finish within the grace', async () => {
    // Responses sent during close() say Connection: close (createServiceApp), so keep-alive lets go.
    const app = createServiceApp({ service: 'close-http-test', logger });
    app.get('/slow', async () => {
      await new Promise((resolve) => setTimeout(resolve, 200));
      return { done: true };
    });
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    const answer = fetch(`${url}/slow`).then((r) => r.json());
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = performance.now();
    await closeHttp(app, 3_000, logger);
    expect(await answer).toEqual({ done: true });
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});
