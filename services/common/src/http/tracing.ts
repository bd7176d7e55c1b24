import {
  context,
  propagation,
  ProxyTracerProvider,
  SpanKind,
  SpanStatusCode,
  trace,
  type Span,
} from '@opentelemetry/api';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

declare module 'fastify' {
  interface FastifyRequest {
    span: Span | undefined;
  }
}

const tracer = trace.getTracer('@nemo/common');
/** What the API delegates to while no SDK has registered a tracer provider. */
const NO_PROVIDER = new ProxyTracerProvider().getDelegate();

/** Whether an SDK (see startTelemetry) has registered a tracer provider by now. */
const tracingStarted = (): boolean => {
  const provider = trace.getTracerProvider();
  return !(provider instanceof ProxyTracerProvider) || provider.getDelegate() !== NO_PROVIDER;
};

/**
 * A server span per request, continuing the caller's trace (W3C traceparent).
 * Uses only the OpenTelemetry API, so no module patching is needed under ESM.
 * Services start telemetry before they build their app; when it is off, no
 * hooks are added at all, rather than a few no-op calls on every request.
 */
export const tracingPlugin = fp(
  (app: FastifyInstance, _opts: object, done: () => void) => {
    app.decorateRequest('span', undefined);
    if (!tracingStarted()) return done();
    app.addHook('onRequest', (request: FastifyRequest, _reply: FastifyReply, next: () => void) => {
      const parent = propagation.extract(context.active(), request.headers);
      const route = request.routeOptions.url ?? 'unmatched';
      const span = tracer.startSpan(
        `${request.method} ${route}`,
        {
          kind: SpanKind.SERVER,
          attributes: { 'http.request.method': request.method, 'http.route': route, 'nemo.request_id': request.id },
        },
        parent,
      );
      request.span = span;
      // Run the rest of the request inside the span's context so outgoing calls continue the trace.
      context.with(trace.setSpan(parent, span), next);
    });
    app.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, next: () => void) => {
      const span = request.span;
      if (span) {
        span.setAttribute('http.response.status_code', reply.statusCode);
        if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
      }
      next();
    });
    done();
  },
  { name: 'nemo-tracing', fastify: '5.x' },
);

/** Adds traceparent/tracestate for the active span to outgoing headers. */
export function injectTraceHeaders(headers: Record<string, string>): void {
  // Without an SDK there is no span to pass on, and inject would still walk the API's no-op layers.
  if (!tracingStarted()) return;
  propagation.inject(context.active(), headers);
}
