export interface BackoffSettings {
  baseMs: number;
  capMs: number;
  /** Returns [0, 1); injectable so tests are deterministic. */
  random?: () => number;
}

export const DEFAULT_BACKOFF: BackoffSettings = { baseMs: 200, capMs: 60_000 };

/**
 * Delay before retry number `attempt` (1-based): base·2^(attempt-1), capped,
 * with "equal jitter" (between half and all of it) so that many keys failing
 * together do not retry in lockstep.
 */
export function backoffDelay(attempt: number, settings: BackoffSettings = DEFAULT_BACKOFF): number {
  const random = settings.random ?? Math.random;
  const exponent = Math.min(Math.max(attempt - 1, 0), 30);
  const ceiling = Math.min(settings.capMs, settings.baseMs * 2 ** exponent);
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
