import { ErrorCode, isTimeout, NemoError, transportError } from '@nemo/common';

/** What the client hears when a peer answers 5xx: our words, never the peer's body. */
export function upstreamStatusError(service: string, status: number, retryAfter: string | undefined): NemoError {
  if (status === 503) {
    return new NemoError(ErrorCode.Unavailable, `The ${service} service is unavailable; try again shortly.`, {
      retryAfterSeconds: retryAfterSeconds(retryAfter) ?? 1,
    });
  }
  if (status === 504) return new NemoError(ErrorCode.UpstreamTimeout, `The ${service} service did not answer in time.`);
  return new NemoError(ErrorCode.UpstreamFailed, `The ${service} service failed to handle the request.`, {
    cause: new Error(`upstream status ${status}`),
  });
}

/** Transport failures (refused, reset, timed out) in catalogue terms. */
export function upstreamTransportError(service: string, err: unknown): NemoError {
  if (err instanceof NemoError) return err;
  return (
    transportError(service, err) ??
    new NemoError(ErrorCode.UpstreamFailed, `The ${service} service failed to handle the request.`, { cause: err })
  );
}

/** The peer sent its status and then failed to deliver the body it declared: 504 if it stalled, else 502. */
export function brokenBodyError(service: string, err: unknown): NemoError {
  if (isTimeout(err)) {
    return new NemoError(ErrorCode.UpstreamTimeout, `The ${service} service did not finish its answer in time.`, {
      cause: err,
    });
  }
  return new NemoError(ErrorCode.UpstreamFailed, `The ${service} service broke off its answer.`, { cause: err });
}

export function retryAfterSeconds(header: string | undefined): number | undefined {
  if (!header) return undefined;
  const seconds = /^\d{1,7}$/.test(header) ? Number(header) : (Date.parse(header) - Date.now()) / 1000;
  return Number.isFinite(seconds) ? Math.max(1, Math.ceil(seconds)) : undefined;
}
