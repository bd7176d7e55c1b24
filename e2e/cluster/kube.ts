/**
 * Small helpers for tests that run against the control plane started by
 * e2e/setup/cluster-global-setup.ts.
 */
import { randomBytes } from 'node:crypto';
import { ApiException, type CoreV1Api, KubeConfig } from '@kubernetes/client-node';

/** Loads the admin kubeconfig written by hack/cluster/up.sh. */
export function loadKubeConfig(path: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(path);
  return kc;
}

/** A DNS-1123 name that is unique across test runs sharing a cluster. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

/**
 * Polls `probe` until it returns something other than undefined, or fails
 * with the last observation after `timeoutMs`.
 */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  { timeoutMs = 60_000, intervalMs = 250 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const cause = lastError === undefined ? '' : `: ${describeError(lastError)}`;
      throw new Error(`timed out after ${String(timeoutMs)} ms waiting for ${what}${cause}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Creates a namespace with the given labels; returns its name. */
export async function createNamespace(
  core: CoreV1Api,
  prefix: string,
  labels: Record<string, string> = {},
): Promise<string> {
  const name = uniqueName(prefix);
  await core.createNamespace({ body: { metadata: { name, labels } } });
  return name;
}

/** Starts deleting a namespace; does not wait for it to go away. */
export async function deleteNamespace(core: CoreV1Api, name: string): Promise<void> {
  try {
    await core.deleteNamespace({ name });
  } catch (error) {
    if (!(error instanceof ApiException && error.code === 404)) throw error;
  }
}

/**
 * Runs `call`, expecting the API server to refuse it; returns the refusal's
 * status code and message (the `message` of the returned Status object).
 */
export async function expectRefusal(call: () => Promise<unknown>): Promise<{ code: number; message: string }> {
  try {
    await call();
  } catch (error) {
    if (error instanceof ApiException) {
      return { code: error.code, message: statusMessage(error.body) };
    }
    throw error;
  }
  throw new Error('expected the API server to refuse the request, but it was accepted');
}

function statusMessage(body: unknown): string {
  const parsed: unknown = typeof body === 'string' ? safeJson(body) : body;
  if (parsed && typeof parsed === 'object' && 'message' in parsed && typeof parsed.message === 'string') {
    return parsed.message;
  }
  return String(body);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : JSON.stringify(error);
}
