/**
 * An error as a person should read it: what happened and what to do. The
 * gateway's own messages are written for people, so they are kept; anything
 * else (a proxy's HTML page, a network failure) gets a plain explanation.
 * Raw bodies and stacks never reach the screen.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code: string | undefined = undefined,
    readonly retryAfterSeconds: number | undefined = undefined,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const FALLBACK: Readonly<Record<number, string>> = {
  400: 'The request was not accepted. Check the form and try again.',
  401: 'Your session has ended. Sign in again.',
  403: 'You do not have permission for this. Ask an admin if you need it.',
  404: 'That was not found. It may have been deleted.',
  413: 'That is too large. Try a smaller file or message.',
  429: 'The platform is busy. Wait a moment and try again.',
  502: 'A platform service failed to answer. Try again in a moment.',
  503: 'A platform service is unavailable right now. Try again in a moment.',
  504: 'A platform service took too long to answer. Try again.',
};

interface ErrorShape {
  error?: { code?: unknown; message?: unknown };
}

export async function apiErrorOf(res: Response): Promise<ApiError> {
  const retryAfter = Number(res.headers.get('retry-after')) || undefined;
  const body = await readErrorBody(res);
  const fallback =
    FALLBACK[res.status] ?? `Something went wrong (HTTP ${res.status}). Try again, or contact an admin if it persists.`;
  const given = body?.error?.message;
  const message = typeof given === 'string' && given.length < 300 ? given : fallback;
  const code = typeof body?.error?.code === 'string' ? body.error.code : undefined;
  return new ApiError(res.status, message, code, retryAfter);
}

/** The platform's error body, or undefined for anything else (an HTML page from a proxy, an empty body). */
async function readErrorBody(res: Response): Promise<ErrorShape | undefined> {
  try {
    return (await res.json()) as ErrorShape;
  } catch {
    return undefined;
  }
}

export const networkError = (): ApiError =>
  new ApiError(0, 'The platform could not be reached. Check your connection and try again.');

/** The message to show for anything thrown. */
export function messageOf(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof DOMException && err.name === 'AbortError') return 'Stopped.';
  return 'Something unexpected went wrong. Reload the page and try again.';
}
