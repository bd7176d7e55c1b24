import { objectKey, type KubeObject } from '../render/kube-object.js';
import { SPEC_HASH_ANNOTATION } from '../render/owned-kinds.js';

export interface Drift {
  object: KubeObject;
  /** modified: edited by hand; recreated: deleted by someone other than the operator. */
  how: 'modified' | 'recreated';
}

const specHash = (obj: KubeObject | undefined) => obj?.metadata.annotations?.[SPEC_HASH_ANNOTATION];

/**
 * Tells drift from intended change. An object the plan re-applies although
 * the platform still wants the same thing (same spec hash) was edited by
 * hand; one that the informer saw deleted, not by our prune, was removed by
 * hand. Everything else in a plan is a create or a rollout.
 */
export class DriftDetector {
  private readonly deletedByOthers = new Set<string>();
  private readonly prunedByUs = new Set<string>();

  /** Fed from the informers' delete events. */
  childDeleted(obj: KubeObject): void {
    const key = objectKey(obj);
    if (this.prunedByUs.delete(key)) return;
    this.deletedByOthers.add(key);
  }

  willPrune(objects: readonly KubeObject[]): void {
    for (const obj of objects) this.prunedByUs.add(objectKey(obj));
  }

  /** The drift among objects about to be applied; recreated ones are forgotten once reported. */
  find(apply: readonly KubeObject[], observed: readonly KubeObject[]): Drift[] {
    const seen = new Map(observed.map((o) => [objectKey(o), o]));
    const drift: Drift[] = [];
    for (const object of apply) {
      const key = objectKey(object);
      const current = seen.get(key);
      if (current === undefined && this.deletedByOthers.delete(key)) drift.push({ object, how: 'recreated' });
      else if (current !== undefined && specHash(current) === specHash(object)) drift.push({ object, how: 'modified' });
    }
    return drift;
  }
}
