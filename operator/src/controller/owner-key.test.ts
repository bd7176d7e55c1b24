import { describe, expect, it } from 'vitest';
import { isOwnedBy, keyOf, ownerKeyOf, splitKey } from './owner-key.js';

const owner = { apiVersion: 'nemo.dev/v1alpha1', kind: 'NemoPlatform', name: 'prod', uid: 'u1', controller: true };

describe('owner keys', () => {
  it.each([
    ['a controller owner reference', { namespace: 'ns', ownerReferences: [owner] }, 'ns/prod'],
    ['the platform label', { namespace: 'ns', labels: { 'nemo.dev/platform': 'dev' } }, 'ns/dev'],
    [
      'the owner reference over the label',
      { namespace: 'ns', ownerReferences: [owner], labels: { 'nemo.dev/platform': 'x' } },
      'ns/prod',
    ],
    ['no owner', { namespace: 'ns' }, undefined],
    ['an owner of another kind', { namespace: 'ns', ownerReferences: [{ ...owner, kind: 'Deployment' }] }, undefined],
    ['a non-controller owner', { namespace: 'ns', ownerReferences: [{ ...owner, controller: false }] }, undefined],
    ['a cluster-scoped object', { labels: { 'nemo.dev/platform': 'dev' } }, undefined],
  ])('finds the owner from %s', (_what, metadata, expected) => {
    expect(ownerKeyOf({ metadata: { name: 'child', ...metadata } })).toBe(expected);
  });

  it('round-trips keys', () => {
    expect(keyOf({ metadata: { namespace: 'team-a', name: 'prod' } })).toBe('team-a/prod');
    expect(splitKey('team-a/prod')).toEqual({ namespace: 'team-a', name: 'prod' });
  });

  it('recognises managed children by both labels', () => {
    const labels = { 'app.kubernetes.io/managed-by': 'nemo-operator', 'nemo.dev/platform': 'prod' };
    expect(isOwnedBy({ metadata: { labels } }, 'prod')).toBe(true);
    expect(isOwnedBy({ metadata: { labels } }, 'dev')).toBe(false);
    expect(isOwnedBy({ metadata: { labels: { 'nemo.dev/platform': 'prod' } } }, 'prod')).toBe(false);
  });
});
