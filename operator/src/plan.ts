import { objectKey, type KubeObject } from './render/kube-object.js';

/** Objects marked so are created outside render (the generated Secret) and never pruned. */
export const RETAIN_ANNOTATION = 'nemo.dev/retain';

export interface Plan {
  /** Missing, or differing from what we want: server-side apply them. */
  apply: KubeObject[];
  /** Owned, but no longer wanted: delete them. */
  prune: KubeObject[];
}

/**
 * True when every field we set is present with the same value in `actual`.
 * The API server adds defaults and status, so extra fields in `actual` are
 * fine; lists must match item for item, as server-side apply would make them.
 */
export function containsFields(wanted: unknown, actual: unknown): boolean {
  if (Array.isArray(wanted)) {
    return (
      Array.isArray(actual) && actual.length === wanted.length && wanted.every((w, i) => containsFields(w, actual[i]))
    );
  }
  if (wanted !== null && typeof wanted === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return false;
    const a = actual as Record<string, unknown>;
    return Object.entries(wanted as Record<string, unknown>).every(
      ([k, v]) => v === undefined || containsFields(v, a[k]),
    );
  }
  return wanted === actual;
}

/**
 * Pure: compares the desired objects with the owned objects observed in the
 * cluster. A reconcile whose desired state is already in place gets an empty
 * plan, and so makes no write calls.
 */
export function plan(desired: readonly KubeObject[], observed: readonly KubeObject[]): Plan {
  const seen = new Map(observed.map((o) => [objectKey(o), o]));
  const wanted = new Set(desired.map(objectKey));
  return {
    apply: desired.filter((d) => {
      const current = seen.get(objectKey(d));
      return current === undefined || !containsFields(d, current);
    }),
    prune: observed.filter((o) => !wanted.has(objectKey(o)) && o.metadata.annotations?.[RETAIN_ANNOTATION] !== 'true'),
  };
}
