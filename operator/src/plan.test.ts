import { describe, expect, it } from 'vitest';
import { containsFields, plan, RETAIN_ANNOTATION } from './plan.js';
import type { KubeObject } from './render/kube-object.js';

const obj = (
  kind: string,
  name: string,
  extra: Record<string, unknown> = {},
  annotations?: Record<string, string>,
): KubeObject => ({
  apiVersion: 'v1',
  kind,
  metadata: { name, namespace: 'ai', ...(annotations ? { annotations } : {}) },
  ...extra,
});

describe('containsFields', () => {
  it.each([
    { name: 'equal scalars', wanted: 3, actual: 3, result: true },
    { name: 'different scalars', wanted: 3, actual: 4, result: false },
    { name: 'server-added fields', wanted: { a: 1 }, actual: { a: 1, defaulted: true }, result: true },
    { name: 'a missing field', wanted: { a: 1, b: 2 }, actual: { a: 1 }, result: false },
    { name: 'undefined wanted fields', wanted: { a: 1, b: undefined }, actual: { a: 1 }, result: true },
    { name: 'lists item by item', wanted: [{ n: 1 }], actual: [{ n: 1, x: 0 }], result: true },
    { name: 'a list with an extra item', wanted: [{ n: 1 }], actual: [{ n: 1 }, { n: 2 }], result: false },
    { name: 'a reordered list', wanted: [1, 2], actual: [2, 1], result: false },
    { name: 'object against list', wanted: { a: 1 }, actual: [1], result: false },
    { name: 'object against null', wanted: { a: 1 }, actual: null, result: false },
    {
      name: 'a changed nested value',
      wanted: { spec: { replicas: 2 } },
      actual: { spec: { replicas: 5 } },
      result: false,
    },
  ])('$name → $result', ({ wanted, actual, result }) => {
    expect(containsFields(wanted, actual)).toBe(result);
  });
});

describe('plan', () => {
  const desired = [obj('ConfigMap', 'a', { data: { k: 'v' } }), obj('Service', 'b', { spec: { port: 80 } })];

  it('applies everything on first reconcile', () => {
    expect(plan(desired, [])).toEqual({ apply: desired, prune: [] });
  });

  it('is empty when the cluster already holds the desired state (no-op reconcile)', () => {
    const observed = desired.map((d) => ({
      ...d,
      metadata: { ...d.metadata, uid: 'u', resourceVersion: '7' },
      status: {},
    }));
    expect(plan(desired, observed)).toEqual({ apply: [], prune: [] });
  });

  it('re-applies an object edited by hand (drift)', () => {
    const observed = [obj('ConfigMap', 'a', { data: { k: 'edited' } }), desired[1]!];
    expect(plan(desired, observed).apply).toEqual([desired[0]]);
  });

  it('prunes owned objects that are no longer desired, but never retained ones', () => {
    const stale = obj('Ingress', 'old');
    const secret = obj('Secret', 'keys', {}, { [RETAIN_ANNOTATION]: 'true' });
    expect(plan(desired, [...desired, stale, secret])).toEqual({ apply: [], prune: [stale] });
  });

  it('tells objects of the same name but different kinds apart', () => {
    const observed = [obj('Service', 'a', { spec: { port: 80 } })];
    const result = plan([obj('ConfigMap', 'a', { data: {} })], observed);
    expect(result.apply).toHaveLength(1);
    expect(result.prune).toEqual(observed);
  });
});
