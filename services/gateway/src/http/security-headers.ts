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

/** Sets helmet's headers on every response, including errors and 404s. */
export async function securityHeaders(app: FastifyInstance): Promise<void> {
  await app.register(helmetPlugin, helmetHeaders());
}

const helmetPlugin = fp(
  (app: FastifyInstance, { set, removed }: HelmetHeaders, done: () => void) => {
    app.addHook('onRequest', (_request, reply, next) => {
      void reply.headers(set);
      for (const name of removed) reply.raw.removeHeader(name);
      next();
    });
    done();
  },
  { name: 'nemo-gateway-security-headers', fastify: '5.x' },
);
