import type { Logger } from '@nemo/common';
import type { Plan } from '../plan.js';
import type { KubeObject } from '../render/kube-object.js';
import { statusCodeOf } from './kube-client.js';
import type { RawObjectClient } from './raw-objects.js';

export interface ExecuteResult {
  /** The objects as the API server returned them after apply. */
  applied: KubeObject[];
  pruned: KubeObject[];
}

/**
 * The only I/O of a reconcile's write path: server-side apply of every
 * object that differs, with one field manager and force (the operator owns
 * these fields), and deletion of children no longer desired. Applies run in
 * parallel; the first failure is thrown after all have settled, so the
 * rest of the plan still lands and the retry has less to do.
 */
export async function execute(api: RawObjectClient, plan: Plan, log: Logger): Promise<ExecuteResult> {
  const [applied, pruned] = await Promise.all([
    settleAll(plan.apply.map((obj) => applyObject(api, obj, log))),
    settleAll(plan.prune.map((obj) => pruneObject(api, obj, log))),
  ]);
  return { applied, pruned };
}

async function applyObject(api: RawObjectClient, obj: KubeObject, log: Logger): Promise<KubeObject> {
  const result = await api.apply(obj);
  log.info({ kind: obj.kind, namespace: obj.metadata.namespace, name: obj.metadata.name }, `Applied ${obj.kind}`);
  return result;
}

async function pruneObject(api: RawObjectClient, obj: KubeObject, log: Logger): Promise<KubeObject> {
  const identity = { kind: obj.kind, namespace: obj.metadata.namespace, name: obj.metadata.name };
  try {
    await api.delete(obj);
    log.info(identity, `Pruned ${obj.kind}`);
  } catch (error) {
    // Someone (or the garbage collector) deleted it first: the goal is met.
    if (statusCodeOf(error) !== 404) throw error;
    log.debug(identity, `${obj.kind} was already gone`);
  }
  return obj;
}

async function settleAll<T>(work: Promise<T>[]): Promise<T[]> {
  const results = await Promise.allSettled(work);
  const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure) throw failure.reason;
  return results.map((r) => (r as PromiseFulfilledResult<T>).value);
}
