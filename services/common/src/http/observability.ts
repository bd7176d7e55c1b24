import type { FastifyInstance, FastifyReply, FastifyRequest, LogLevel } from 'fastify';
import fp from 'fastify-plugin';
import { Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { writesAt } from '../logger.js';

/** A dependency check for /ready: resolves when the dependency answers. */
export type ReadinessCheck = (signal: AbortSignal) => Promise<void>;

export interface ObservabilityOptions {
  service: string;
  /** Named checks run by /ready; all must pass within `checkTimeoutMs`. */
  checks?: Readonly<Record<string, ReadinessCheck>>;
  checkTimeoutMs?: number;
  /** A registry to share with the service's own metrics; one is made if absent. */
  registry?: Registry;
}

export type CheckResult = 'ok' | 'failed' | 'timeout';

declare module 'fastify' {
  interface FastifyInstance {
    metrics: Registry;
  }
}

/** Runs every check concurrently with a deadline; never throws. */
export async function runChecks(
  checks: Readonly<Record<string, ReadinessCheck>>,
  timeoutMs: number,
  onFailure: (name: string, err: unknown) => void,
): Promise<Record<string, CheckResult>> {
  const entries = await Promise.all(
    Object.entries(checks).map(async ([name, check]): Promise<[string, CheckResult]> => {
      const signal = AbortSignal.timeout(timeoutMs);
      try {
        await Promise.race([check(signal), rejectOnAbort(signal)]);
        return [name, 'ok'];
      } catch (err) {
        onFailure(name, err);
        return [name, signal.aborted ? 'timeout' : 'failed'];
      }
    }),
  );
  return Object.fromEntries(entries);
}

function probeLogLevel(current: string): LogLevel {
  return writesAt(current, 'warn') ? 'warn' : (current as LogLevel);
}

function rejectOnAbort(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    signal.addEventListener('abort', () => reject(new Error('check timed out')), { once: true });
  });
}

/**
 * /health (liveness: the event loop answers), /ready (dependencies answer)
 * and /metrics (Prometheus text), plus a request-duration histogram labelled
 * by route pattern so that label cardinality stays bounded.
 */
export const observabilityPlugin = fp(
  (app: FastifyInstance, opts: ObservabilityOptions, done: () => void) => {
    const registry = opts.registry ?? new Registry();
    registry.setDefaultLabels({ service: opts.service });
    if (!opts.registry) collectDefaultMetrics({ register: registry });
    app.decorate('metrics', registry);

    const duration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration by method, route and status.',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
    app.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, next: () => void) => {
      const route = request.routeOptions.url ?? 'unmatched';
      duration.observe({ method: request.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
      next();
    });

    // Probes are polled every few seconds: log them only at warn and above,
    // unless the service is already quieter than that.
    const probe = { logLevel: probeLogLevel(app.log.level) };
    app.get('/health', probe, () => ({ status: 'ok' }));
    app.get('/ready', probe, async (request, reply) => {
      const checks = await runChecks(opts.checks ?? {}, opts.checkTimeoutMs ?? 2000, (name, err) =>
        request.log.warn({ check: name, err }, 'Readiness check failed'),
      );
      const ready = Object.values(checks).every((r) => r === 'ok');
      return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'unready', checks });
    });
    app.get('/metrics', probe, async (_request, reply) => {
      return reply.type(registry.contentType).send(await registry.metrics());
    });
    done();
  },
  { name: 'nemo-observability', fastify: '5.x' },
);
