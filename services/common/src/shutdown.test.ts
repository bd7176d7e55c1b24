import { describe, expect, it } from 'vitest';
import { createServiceApp } from './http/service-app.js';
import { createLogger } from './logger.js';
import { shutdownGracefully } from './shutdown.js';

const logger = createLogger({ service: 'test', level: 'silent' });

describe('shutdownGracefully', () => {
  it('drains an in-flight request before closing the pools, in order', async () => {
    const order: string[] = [];
    const app = createServiceApp({ service: 'test', logger });
    app.get('/slow', async () => {
      await new Promise((r) => setTimeout(r, 300));
      order.push('request finished');
      return { ok: true };
    });
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    const inFlight = fetch(`${url}/slow`).then((r) => r.status);
    await new Promise((r) => setTimeout(r, 50));

    const code = await shutdownGracefully({
      logger,
      timeoutMs: 5_000,
      closers: [
        { name: 'http', close: () => app.close() },
        { name: 'pool', close: () => void order.push('pool closed') },
      ],
    });
    expect(code).toBe(0);
    expect(await inFlight).toBe(200);
    expect(order).toEqual(['request finished', 'pool closed']);
  });

  it('gives up after the budget and reports failure', async () => {
    const code = await shutdownGracefully({
      logger,
      timeoutMs: 100,
      closers: [{ name: 'stuck', close: () => new Promise(() => undefined) }],
    });
    expect(code).toBe(1);
  });

  it('keeps closing the rest when one closer fails', async () => {
    const closed: string[] = [];
    const code = await shutdownGracefully({
      logger,
      timeoutMs: 1_000,
      closers: [
        { name: 'a', close: () => Promise.reject(new Error('boom')) },
        { name: 'b', close: () => void closed.push('b') },
      ],
    });
    expect(code).toBe(1);
    expect(closed).toEqual(['b']);
  });
});
