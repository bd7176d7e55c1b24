import { describe, expect, it } from 'vitest';
import { sealedSecretProblems, type SealedView } from './sealed-secrets.js';

const view = (over: Partial<SealedView>): SealedView => ({
  crdInstalled: true,
  sealed: new Map(),
  secrets: new Set(),
  ...over,
});

describe('sealedSecretProblems', () => {
  it('says what to install when the CRD is missing', () => {
    const [p] = sealedSecretProblems(['keys'], 'ai', view({ crdInstalled: false }));
    expect(p).toMatchObject({ type: 'SecretsReady', reason: 'SealedSecretsNotInstalled', terminal: true });
    expect(p?.message).toContain('install the sealed-secrets controller');
  });

  it.each([
    { name: 'a missing SealedSecret', v: view({}), reason: 'SealedSecretNotFound' },
    {
      name: 'a SealedSecret the controller could not unseal, with its message',
      v: view({
        sealed: new Map([['keys', [{ type: 'Synced', status: 'False', message: 'no key could decrypt secret' }]]]),
      }),
      reason: 'SealedSecretNotSynced',
    },
    {
      name: 'a synced SealedSecret whose Secret is not there yet',
      v: view({ sealed: new Map([['keys', [{ type: 'Synced', status: 'True' }]]]) }),
      reason: 'WaitingForSealedSecrets',
    },
  ])('reports $name', ({ v, reason }) => {
    expect(sealedSecretProblems(['keys'], 'ai', v).map((p) => p.reason)).toEqual([reason]);
  });

  it('relays the controller’s message', () => {
    const v = view({
      sealed: new Map([['keys', [{ type: 'Synced', status: 'False', message: 'no key could decrypt secret' }]]]),
    });
    expect(sealedSecretProblems(['keys'], 'ai', v)[0]?.message).toBe(
      'SealedSecret "keys": no key could decrypt secret',
    );
  });

  it('is satisfied when every Secret exists and is synced', () => {
    const v = view({ sealed: new Map([['keys', [{ type: 'Synced', status: 'True' }]]]), secrets: new Set(['keys']) });
    expect(sealedSecretProblems(['keys'], 'ai', v)).toEqual([]);
  });
});
