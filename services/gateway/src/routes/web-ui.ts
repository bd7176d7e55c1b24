import { existsSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import { ErrorCode, NemoError } from '@nemo/common';
import type { FastifyInstance } from 'fastify';

/** Paths that belong to the API: an unknown one there is a 404, never the UI's index page. */
const API_PREFIXES = ['/api/', '/v1/', '/auth/', '/admin/', '/docs'];

/**
 * The web UI's static build at `/`. Only the files found in `root` at start
 * get a route (no wildcard file lookup), so no request path, however
 * encoded, can name a file outside it. Other GETs that ask for a page get
 * index.html, so the UI's client-side routes survive a reload.
 */
export async function webUiRoutes(app: FastifyInstance, root: string): Promise<boolean> {
  if (!existsSync(path.join(root, 'index.html'))) return false;
  await app.register(fastifyStatic, { root, prefix: '/', wildcard: false, dotfiles: 'ignore', maxAge: '1h' });
  app.get('/*', { schema: { hide: true } }, (request, reply) => {
    const pathname = request.url.split('?')[0] ?? '';
    const wantsPage = String(request.headers.accept ?? '').includes('text/html');
    if (wantsPage && !API_PREFIXES.some((p) => pathname.startsWith(p))) {
      return reply.header('cache-control', 'no-cache').sendFile('index.html');
    }
    throw new NemoError(ErrorCode.NotFound, `No route for GET ${pathname.slice(0, 200)}.`);
  });
  return true;
}
