import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ErrorCode, isNemoError, statusOf, type ErrorBody } from '../errors.js';

interface PublicError {
  code: ErrorCode;
  message: string;
  retryAfterSeconds?: number | undefined;
}

/** fastify's own client errors, turned into catalogue entries with safe wording. */
const fastifyCodes: Readonly<Record<string, PublicError>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: {
    code: ErrorCode.PayloadTooLarge,
    message: 'The request body is larger than this endpoint accepts.',
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    code: ErrorCode.UnsupportedMediaType,
    message: 'This endpoint does not accept that Content-Type.',
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    code: ErrorCode.BadRequest,
    message: 'The body is empty but Content-Type is application/json; send a JSON body.',
  },
  FST_ERR_CTP_INVALID_JSON_BODY: {
    code: ErrorCode.BadRequest,
    message: 'The body is not valid JSON.',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    code: ErrorCode.BadRequest,
    message: 'Content-Length does not match the body.',
  },
};

/**
 * Decides what a client may see of an error. Only catalogued errors and
 * fastify's validation errors keep their message; everything else becomes a
 * generic 500 so that no stack, SQL or library text leaks.
 */
export function toPublicError(err: unknown): PublicError {
  if (isNemoError(err)) {
    return { code: err.code, message: err.message, retryAfterSeconds: err.retryAfterSeconds };
  }
  const ferr = (err ?? {}) as Partial<FastifyError>;
  if (ferr.validation) {
    return { code: ErrorCode.Validation, message: `Invalid request: ${ferr.message ?? 'see the API schema'}.` };
  }
  const known = typeof ferr.code === 'string' ? fastifyCodes[ferr.code] : undefined;
  return known ?? byStatus(ferr.statusCode);
}

const INTERNAL: PublicError = {
  code: ErrorCode.Internal,
  message: 'Internal error; the request id identifies it in the logs.',
};

/** Other 4xx errors keep their status with a neutral message; everything else is internal. */
function byStatus(status: number | undefined): PublicError {
  if (status === undefined || status < 400 || status >= 500) return INTERNAL;
  const match = (Object.entries(statusOf) as [ErrorCode, number][]).find(([, s]) => s === status);
  return match ? { code: match[0], message: 'The request was refused.' } : INTERNAL;
}

export function errorBody(code: ErrorCode, message: string, requestId: string): ErrorBody {
  return { error: { code, message, requestId } };
}

export function sendError(reply: FastifyReply, pub: PublicError): FastifyReply {
  if (pub.retryAfterSeconds !== undefined) {
    reply.header('retry-after', String(Math.max(1, Math.ceil(pub.retryAfterSeconds))));
  }
  return reply
    .code(statusOf[pub.code])
    .type('application/json; charset=utf-8')
    .send(errorBody(pub.code, pub.message, reply.request.id));
}

function handleError(this: FastifyInstance, err: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const pub = toPublicError(err);
  if (statusOf[pub.code] >= 500) {
    request.log.error({ err }, 'Request failed');
  } else {
    request.log.info({ code: pub.code }, 'Request refused');
  }
  void sendError(reply, pub);
}

function handleNotFound(request: FastifyRequest, reply: FastifyReply): void {
  void sendError(reply, {
    code: ErrorCode.NotFound,
    message: `No route for ${request.method} ${(request.url.split('?')[0] ?? '').slice(0, 200)}.`,
  });
}

/** Installs the platform error shape as the app's error and not-found handlers. */
export const errorHandlerPlugin = fp(
  (app: FastifyInstance, _opts: object, done: () => void) => {
    app.setErrorHandler(handleError);
    app.setNotFoundHandler(handleNotFound);
    done();
  },
  { name: 'nemo-error-handler', fastify: '5.x' },
);
