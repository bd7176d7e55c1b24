import { objectKey, type KubeObject } from './render/kube-object.js';

/** Objects marked so are created outside render (the generated Secret) and never pruned. */
export const RETAIN_ANNOTATION = 'nemo.dev/retain';

export interface Plan {
  /** Missing, or differing from what we want: server-side apply them. */
  apply: KubeObject[];
  /** Owned, but no longer wanted: delete them. */
  prune: KubeObject[];
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const at = (path: string, key: string | number) =>
  typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${key}` : key;

function firstListDifference(wanted: unknown[], actual: unknown, path: string): string | undefined {
  if (!Array.isArray(actual) || actual.length !== wanted.length) return path || '(root)';
  for (const [i, w] of wanted.entries()) {
    const d = firstDifference(w, actual[i], at(path, i));
    if (d !== undefined) return d;
  }
  return undefined;
}

function firstFieldDifference(wanted: Record<string, unknown>, actual: unknown, path: string): string | undefined {
  if (!isRecord(actual)) return path || '(root)';
  for (const [k, w] of Object.entries(wanted)) {
    if (w === undefined) continue;
    const d = firstDifference(w, actual[k], at(path, k));
    if (d !== undefined) return d;
  }
  return undefined;
}

/**
 * The path of the first field we set that the live object lacks or holds
 * differently ("spec.template.spec.containers[0].image"), or undefined when
 * every one matches. The API server adds defaults and status, so extra fields
 * in `actual` are fine; lists must match item for item, as server-side apply
 * would make them.
 */
export function firstDifference(wanted: unknown, actual: unknown, path = ''): string | undefined {
  if (Array.isArray(wanted)) return firstListDifference(wanted, actual, path);
  if (isRecord(wanted)) return firstFieldDifference(wanted, actual, path);
  return wanted === actual ? undefined : path || '(root)';
}

/** True when every field we set is present with the same value in `actual`. */
export function containsFields(wanted: unknown, actual: unknown): boolean {
  return firstDifference(wanted, actual) === undefined;
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
