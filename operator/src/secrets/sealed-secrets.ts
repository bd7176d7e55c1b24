import type { Problem } from '../status.js';

export const SEALED_SECRET_API = { group: 'bitnami.com', version: 'v1alpha1', plural: 'sealedsecrets' } as const;

interface Condition {
  type?: string;
  status?: string;
  message?: string;
}

/** What the cluster shows of the SealedSecrets a platform names. */
export interface SealedView {
  crdInstalled: boolean;
  /** SealedSecret name → its status conditions (absent: no such SealedSecret). */
  sealed: ReadonlyMap<string, readonly Condition[]>;
  /** Secrets that exist, by name. */
  secrets: ReadonlySet<string>;
}

const problem = (reason: string, message: string, terminal: boolean): Problem => ({
  type: 'SecretsReady',
  reason,
  message,
  terminal,
});

function oneSealed(name: string, namespace: string, view: SealedView): Problem | undefined {
  const conditions = view.sealed.get(name);
  if (!conditions) {
    return problem(
      'SealedSecretNotFound',
      `SealedSecret ${JSON.stringify(name)} not found in namespace ${namespace}.`,
      true,
    );
  }
  const synced = conditions.find((c) => c.type === 'Synced');
  if (synced?.status === 'False') {
    // The controller's own words say why it could not unseal (wrong key, wrong namespace...).
    return problem(
      'SealedSecretNotSynced',
      `SealedSecret ${JSON.stringify(name)}: ${synced.message ?? 'not synced'}`,
      true,
    );
  }
  if (!view.secrets.has(name)) {
    return problem(
      'WaitingForSealedSecrets',
      `Waiting for the sealed-secrets controller to create Secret ${JSON.stringify(name)}.`,
      false,
    );
  }
  return undefined;
}

/**
 * Pure: why the platform's sealed secrets are not usable yet, if they are not.
 * The first problem wins the SecretsReady condition.
 */
export function sealedSecretProblems(names: readonly string[], namespace: string, view: SealedView): Problem[] {
  if (!view.crdInstalled) {
    return [
      problem(
        'SealedSecretsNotInstalled',
        'spec.secrets.mode is sealed but the SealedSecret CRD (sealedsecrets.bitnami.com) is not installed; install the sealed-secrets controller (Helm chart sealed-secrets from bitnami-labs) first.',
        true,
      ),
    ];
  }
  return names.map((n) => oneSealed(n, namespace, view)).filter((p): p is Problem => p !== undefined);
}
