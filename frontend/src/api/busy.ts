import { ApiError } from './errors.js';

const MAX_BUSY_RETRIES = 5;

/** A refusal that says "later": 429, or 503 with a Retry-After (a full queue). */
export const isBusy = (err: unknown): err is ApiError =>
  err instanceof ApiError && (err.status === 429 || (err.status === 503 && err.retryAfterSeconds !== undefined));

/** What the user reads while a busy answer is waited out. */
export const busyRetrying = (secondsLeft: number): string => `The platform is busy, retrying in ${secondsLeft} s…`;

/**
 * Runs `attempt`; while the platform answers busy, counts down its
 * Retry-After (calling `onBusy` each second) and tries again, so the user
 * sees "busy, retrying in N s" rather than an error.
 */
export async function retryWhenBusy<T>(
  attempt: () => Promise<T>,
  onBusy: (secondsLeft: number) => void,
  signal?: AbortSignal,
): Promise<T> {
  for (let tries = 0; ; tries++) {
    try {
      return await attempt();
    } catch (err) {
      if (!isBusy(err) || tries >= MAX_BUSY_RETRIES) throw err;
      await countdown(err.retryAfterSeconds ?? 2, onBusy, signal);
    }
  }
}

async function countdown(seconds: number, onBusy: (secondsLeft: number) => void, signal?: AbortSignal) {
  for (let left = Math.ceil(seconds); left > 0; left--) {
    onBusy(left);
    await sleep(1000, signal);
  }
}

/** Waits `ms`, or rejects with the signal's reason once it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    signal?.throwIfAborted();
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason as Error)), { once: true });
  });
}
