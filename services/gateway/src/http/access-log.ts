import { writesAt } from '@nemo/common';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/**
 * One line per request, written by us instead of fastify's default request
 * logging: the path without its query string (where tokens sometimes hide),
 * no headers, no bodies; who made the request is named by id only.
 */
export const accessLogPlugin = fp(
  (app: FastifyInstance, _opts: object, done: () => void) => {
    app.addHook('onResponse', (request, reply, next) => {
      if (!writesAt(request.log.level, 'info')) return next(); // nothing would be written: build nothing
      const path = request.url.split('?')[0]?.slice(0, 256);
      request.log.info(
        {
          method: request.method,
          path,
          route: request.routeOptions.url ?? 'unmatched',
          status: reply.statusCode,
          ms: Math.round(reply.elapsedTime * 10) / 10,
          ip: request.ip,
          user: request.principal?.userId,
          apiKey: request.principal?.apiKeyId,
        },
        'Served request',
      );
      next();
    });
    done();
  },
  { name: 'nemo-gateway-access-log', fastify: '5.x' },
);
