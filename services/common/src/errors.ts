/**
 * The one error catalogue of the platform. Every error a client can see is
 * listed here with its HTTP status; a thrown error that is not in the
 * catalogue is reported as NEMO_ERR_INTERNAL and its message never leaves
 * the process.
 */
export const ErrorCode = {
  Validation: 'NEMO_ERR_VALIDATION',
  BadRequest: 'NEMO_ERR_BAD_REQUEST',
  AuthRequired: 'NEMO_ERR_AUTH_REQUIRED',
  AuthInvalid: 'NEMO_ERR_AUTH_INVALID',
  AuthExpired: 'NEMO_ERR_AUTH_EXPIRED',
  Forbidden: 'NEMO_ERR_FORBIDDEN',
  NotFound: 'NEMO_ERR_NOT_FOUND',
  MethodNotAllowed: 'NEMO_ERR_METHOD_NOT_ALLOWED',
  Conflict: 'NEMO_ERR_CONFLICT',
  PayloadTooLarge: 'NEMO_ERR_PAYLOAD_TOO_LARGE',
  UnsupportedMediaType: 'NEMO_ERR_UNSUPPORTED_MEDIA_TYPE',
  RateLimited: 'NEMO_ERR_RATE_LIMITED',
  Internal: 'NEMO_ERR_INTERNAL',
  UpstreamFailed: 'NEMO_ERR_UPSTREAM_FAILED',
  Unavailable: 'NEMO_ERR_UNAVAILABLE',
  UpstreamTimeout: 'NEMO_ERR_UPSTREAM_TIMEOUT',
  /** Stored data failed authentication: tampered, or encrypted under a key that is not configured. */
  DataIntegrity: 'NEMO_ERR_DATA_INTEGRITY',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Status for each code: the single place where codes meet HTTP. */
export const statusOf: Readonly<Record<ErrorCode, number>> = {
  NEMO_ERR_VALIDATION: 400,
  NEMO_ERR_BAD_REQUEST: 400,
  NEMO_ERR_AUTH_REQUIRED: 401,
  NEMO_ERR_AUTH_INVALID: 401,
  NEMO_ERR_AUTH_EXPIRED: 401,
  NEMO_ERR_FORBIDDEN: 403,
  NEMO_ERR_NOT_FOUND: 404,
  NEMO_ERR_METHOD_NOT_ALLOWED: 405,
  NEMO_ERR_CONFLICT: 409,
  NEMO_ERR_PAYLOAD_TOO_LARGE: 413,
  NEMO_ERR_UNSUPPORTED_MEDIA_TYPE: 415,
  NEMO_ERR_RATE_LIMITED: 429,
  NEMO_ERR_INTERNAL: 500,
  NEMO_ERR_UPSTREAM_FAILED: 502,
  NEMO_ERR_UNAVAILABLE: 503,
  NEMO_ERR_UPSTREAM_TIMEOUT: 504,
  NEMO_ERR_DATA_INTEGRITY: 500,
};

/** The body every service returns for an error. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; requestId: string };
}

export interface NemoErrorOptions {
  /** Seconds the client should wait before retrying (429 and 503). */
  retryAfterSeconds?: number;
  /** Logged, never sent: the underlying failure. */
  cause?: unknown;
}

/**
 * An error whose message is written for the client: it says what went wrong
 * and what to fix. Internal detail belongs in `cause`, which is only logged.
 */
export class NemoError extends Error {
  readonly code: ErrorCode;
  readonly statusCode: number;
  readonly retryAfterSeconds: number | undefined;

  constructor(code: ErrorCode, message: string, options: NemoErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'NemoError';
    this.code = code;
    this.statusCode = statusOf[code];
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

export function isNemoError(err: unknown): err is NemoError {
  return err instanceof NemoError;
}

/** Shorthand constructors for the most common cases. */
export const notFound = (what: string): NemoError => new NemoError(ErrorCode.NotFound, `${what} was not found.`);
export const badRequest = (message: string): NemoError => new NemoError(ErrorCode.BadRequest, message);
