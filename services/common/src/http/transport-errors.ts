import { errors as undiciErrors } from 'undici';
import { ErrorCode, NemoError } from '../errors.js';

/** The call ran out of time: connecting, waiting for headers, or reading the body. */
export function isTimeout(err: unknown): boolean {
  return (
    (err as Error | undefined)?.name === 'TimeoutError' ||
    err instanceof undiciErrors.HeadersTimeoutError ||
    err instanceof undiciErrors.BodyTimeoutError ||
    err instanceof undiciErrors.ConnectTimeoutError
  );
}

/** The peer could not be reached or dropped the connection: worth a retry of an idempotent call. */
export function isConnectionError(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return (
    err instanceof undiciErrors.SocketError ||
    err instanceof undiciErrors.ConnectTimeoutError ||
    ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN'].includes(code ?? '')
  );
}

/**
 * A timeout or an unreachable peer in catalogue terms (504, or 503 with
 * Retry-After); undefined for any other failure, which the caller words.
 */
export function transportError(service: string, err: unknown): NemoError | undefined {
  if (isTimeout(err)) {
    return new NemoError(ErrorCode.UpstreamTimeout, `The ${service} service did not answer in time.`, { cause: err });
  }
  if (isConnectionError(err)) {
    return new NemoError(ErrorCode.Unavailable, `The ${service} service is unavailable; try again shortly.`, {
      cause: err,
      retryAfterSeconds: 1,
    });
  }
  return undefined;
}
