import httpProxy from '@fastify/http-proxy';
import rateLimit from '@fastify/rate-limit';
import Fastify from 'fastify';

/** The naive baseline: plain fastify + @fastify/rate-limit on Redis + @fastify/http-proxy, no auth. */
export async function startBaseline({ redis, upstreamUrl, max }) {
  const app = Fastify({ logger: false });
  await app.register(rateLimit, { redis, max, timeWindow: 60_000, skipOnError: false });
  await app.register(httpProxy, { upstream: upstreamUrl, prefix: '/api/llm', rewritePrefix: '' });
  return app.listen({ host: '127.0.0.1', port: 0 });
}
