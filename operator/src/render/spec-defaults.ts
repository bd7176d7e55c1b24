import { Value } from '@sinclair/typebox/value';
import { NemoPlatformSpec } from '../api/schema.js';

/**
 * Fields that have no schema default and so may be absent after defaulting.
 * A test walks the schema and fails if this list and the schema disagree.
 */
export const FIELDS_WITHOUT_DEFAULT = [
  'uri',
  'product',
  'minMemoryMiB',
  'storageClass',
  'className',
  'host',
  'tls',
  'otlpEndpoint',
  'rotation',
  'sealedSecrets',
  'externalSecretName',
  'secretRef',
  'cidr',
  'port',
  'pullSecrets',
  'allowedOrigins',
  'nodeSelector',
  'tolerations',
  'requests',
  'limits',
  'ingressNamespaceSelector',
  'prometheusNamespaceSelector',
] as const;
type NoDefault = (typeof FIELDS_WITHOUT_DEFAULT)[number];

/** Every field required, except those without a default. */
type Defaulted<T> = [T] extends [readonly unknown[]]
  ? T
  : [T] extends [object]
    ? { [K in keyof T as K extends NoDefault ? never : K]-?: Defaulted<NonNullable<T[K]>> } & {
        [K in keyof T as K extends NoDefault ? K : never]?: T[K];
      }
    : T;

/** The spec as the API server stores it: every schema default filled in. */
export type ResolvedSpec = Defaulted<NemoPlatformSpec>;

/**
 * One reconcile asks for the resolved spec from render, plan, status, preflight
 * and the GPU and secret steps; the informer hands them the same spec object,
 * so it is resolved once and shared, frozen so no caller can change it for the
 * others.
 */
const resolved = new WeakMap<object, ResolvedSpec>();

export function resolveSpec(spec: NemoPlatformSpec | undefined): ResolvedSpec {
  const key = spec ?? EMPTY;
  let result = resolved.get(key);
  if (!result) {
    result = deepFreeze(Value.Default(NemoPlatformSpec, structuredClone(key)) as ResolvedSpec);
    resolved.set(key, result);
  }
  return result;
}

const EMPTY: NemoPlatformSpec = Object.freeze({});

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
