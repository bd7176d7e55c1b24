import { readFileSync } from 'node:fs';

export interface OperatorSettings {
  /** Namespace of the operator itself: where its leader Lease lives. */
  namespace: string;
  metricsPort: number;
  leaderElect: boolean;
  leaseName: string;
  installCrd: boolean;
  concurrency: number;
  logLevel: string;
}

const SERVICE_ACCOUNT_NAMESPACE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';

function flag(value: string | undefined, fallback: boolean, name: string): boolean {
  if (value === undefined || value === '') return fallback;
  if (/^(1|true|yes|on)$/i.test(value)) return true;
  if (/^(0|false|no|off)$/i.test(value)) return false;
  throw new Error(`${name} must be true or false, got ${JSON.stringify(value)}`);
}

function integer(value: string | undefined, fallback: number, name: string, [min, max]: [number, number]): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new Error(`${name} must be an integer from ${String(min)} to ${String(max)}, got ${JSON.stringify(value)}`);
  }
  return n;
}

/** In a pod, the namespace comes from the service account mount; locally it is "default". */
function defaultNamespace(readFile: (path: string) => string): string {
  try {
    return readFile(SERVICE_ACCOUNT_NAMESPACE).trim() || 'default';
  } catch {
    return 'default';
  }
}

/** Non-secret settings from the environment; a bad value fails fast with the variable's name. */
export function settingsFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  readFile: (path: string) => string = (p) => readFileSync(p, 'utf8'),
): OperatorSettings {
  return {
    namespace: env.NEMO_OPERATOR_NAMESPACE || defaultNamespace(readFile),
    metricsPort: integer(env.NEMO_OPERATOR_METRICS_PORT, 8081, 'NEMO_OPERATOR_METRICS_PORT', [0, 65535]),
    leaderElect: flag(env.NEMO_OPERATOR_LEADER_ELECT, true, 'NEMO_OPERATOR_LEADER_ELECT'),
    leaseName: env.NEMO_OPERATOR_LEASE_NAME || 'nemo-operator-leader',
    installCrd: flag(env.NEMO_OPERATOR_INSTALL_CRD, false, 'NEMO_OPERATOR_INSTALL_CRD'),
    concurrency: integer(env.NEMO_OPERATOR_CONCURRENCY, 4, 'NEMO_OPERATOR_CONCURRENCY', [1, 64]),
    logLevel: env.NEMO_OPERATOR_LOG_LEVEL || 'info',
  };
}
