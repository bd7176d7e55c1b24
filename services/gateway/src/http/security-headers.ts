import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import helmet, { type HelmetOptions } from 'helmet';

/**
 * helmet with a Content-Security-Policy for the web UI: a built single-page
 * app served from here, calling this origin (HTTP and WebSocket) only. No
 * inline scripts; inline styles are allowed because UI libraries set them.
 */
export const HELMET_OPTIONS: Readonly<HelmetOptions> = {
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:', 'blob:'],
      fontSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      mediaSrc: ["'self'", 'blob:'],
      workerSrc: ["'self'", 'blob:'],
      objectSrc: ["'none'"],
      baseUri: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
  },
  // The UI records audio through the microphone; nothing else is needed.
  crossOriginEmbedderPolicy: false,
  strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: true },
  referrerPolicy: { policy: 'no-referrer' },
};

export interface HelmetHeaders {
  set: Readonly<Record<string, string>>;
  removed: readonly string[];
}

/**
 * The headers helmet writes for `options`, worked out once by running its
 * middleware against a recording response. Our options hold no per-request
 * values (no nonces, no directive functions), so every response gets the same
 * set; @fastify/helmet rebuilt the whole middleware, CSP parsing included, on
 * every request to arrive at it.
 */
export function helmetHeaders(options: Readonly<HelmetOptions> = HELMET_OPTIONS): HelmetHeaders {
  const set: Record<string, string> = {};
  const removed: string[] = [];
  const recorder = {
    setHeader(name: string, value: string | number) {
      set[name.toLowerCase()] = String(value);
    },
    removeHeader(name: string) {
      removed.push(name.toLowerCase());
    },
  };
  helmet(options)({} as IncomingMessage, recorder as unknown as ServerResponse, (err?: unknown) => {
    if (err) throw err instanceof Error ? err : new Error('helmet refused its options');
  });
  return { set, removed };
}

/**
 * What API answers get: the OWASP REST set. JSON, event streams, plain text
 * and raw bytes are never rendered as a page (nosniff sees to that), so
 * helmet's document-only headers (COOP, Referrer-Policy, Origin-Agent-Cluster
 * and the legacy X-* ones) would do nothing but make every answer ~400 bytes
 * longer; their CSP is the strictest there is instead of the web UI's.
 */
export function apiHeaders(document: HelmetHeaders = helmetHeaders()): HelmetHeaders {
  const hsts = document.set['strict-transport-security'];
  return {
    set: {
      'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
      ...(hsts ? { 'strict-transport-security': hsts } : {}),
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'cross-origin-resource-policy': 'same-origin',
      // Answers carry tokens and users' data: no cache keeps them unless the route says so.
      'cache-control': 'no-store',
    },
    removed: document.removed,
  };
}

/** Content types a browser never runs or renders as a page; anything else (a missing type too) is a document. */
const API_CONTENT_TYPE =
  /^(?:application\/(?:[\w.-]+\+)?json|text\/event-stream|text\/plain|application\/octet-stream)\b/i;

/**
 * Sets the security headers on every response, errors and 404s included:
 * helmet's set with the web UI's CSP on documents, the API set on the rest.
 * A header the route set itself (the docs UI's CSP, a peer's Cache-Control) wins.
 */
export async function securityHeaders(app: FastifyInstance): Promise<void> {
  const document = helmetHeaders();
  await app.register(securityHeadersPlugin, { document, api: apiHeaders(document) });
}

const securityHeadersPlugin = fp(
  (app: FastifyInstance, policy: { document: HelmetHeaders; api: HelmetHeaders }, done: () => void) => {
    app.addHook('onSend', (_request, reply, payload, next) => {
      const type = reply.getHeader('content-type');
      const { set, removed } = typeof type === 'string' && API_CONTENT_TYPE.test(type) ? policy.api : policy.document;
      for (const name in set) if (!reply.hasHeader(name)) void reply.header(name, set[name]);
      for (const name of removed) reply.raw.removeHeader(name);
      next(null, payload);
    });
    done();
  },
  { name: 'nemo-gateway-security-headers', fastify: '5.x' },
);
