import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { trace } from '@opentelemetry/api';
import { createServiceApp } from './http/service-app.js';
import { injectTraceHeaders } from './http/tracing.js';
import { createLogger } from './logger.js';
import { startTelemetry } from './telemetry.js';

describe('startTelemetry', () => {
  it('stays off without an endpoint', async () => {
    const telemetry = startTelemetry({ service: 'rag', otlpEndpoint: undefined });
    expect(telemetry.enabled).toBe(false);
    // No SDK, so no span: the app adds no tracing hooks at all.
    const app = createServiceApp({ service: 'rag', logger: createLogger({ service: 'rag', level: 'silent' }) });
    app.get('/span', (request) => {
      const outgoing: Record<string, string> = {};
      injectTraceHeaders(outgoing);
      return { traced: request.span !== undefined, outgoing };
    });
    expect((await app.inject({ url: '/span' })).json()).toEqual({ traced: false, outgoing: {} });
    await app.close();
    await telemetry.shutdown();
  });

  it('exports a span per request, named by route, to a real OTLP/HTTP receiver', async () => {
    // The receiver is a plain HTTP server standing in for an OTLP collector: it records what arrives.
    const received: string[] = [];
    const collector = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('latin1')));
      req.on('end', () => {
        received.push(`${req.url ?? ''} ${body}`);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((r) => collector.listen(0, '127.0.0.1', r));
    const endpoint = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;

    const telemetry = startTelemetry({ service: 'rag-under-test', otlpEndpoint: endpoint });
    const app = createServiceApp({ service: 'rag', logger: createLogger({ service: 'rag', level: 'silent' }) });
    app.get('/documents/:id', (request) => {
      // Calls made while serving the request carry its trace on to the next service.
      const outgoing: Record<string, string> = {};
      injectTraceHeaders(outgoing);
      return {
        traced: request.span !== undefined,
        traceparent: outgoing.traceparent,
        traceId: request.span?.spanContext().traceId,
      };
    });
    const res = await app.inject({ url: '/documents/7' });
    const body = res.json<{ traced: boolean; traceparent: string; traceId: string }>();
    expect(body.traced).toBe(true);
    expect(body.traceparent).toMatch(new RegExp(`^00-${body.traceId}-[0-9a-f]{16}-01$`));
    await app.close();
    await telemetry.shutdown();
    trace.disable(); // the SDK stays the global provider otherwise, for later files in this worker
    collector.close();

    const traces = received.filter((r) => r.startsWith('/v1/traces'));
    expect(traces.length).toBeGreaterThan(0);
    expect(traces.join('')).toContain('rag-under-test');
    expect(traces.join('')).toContain('GET /documents/:id');
  });
});
