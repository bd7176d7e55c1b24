import { Type, type Static, type TSchema, type TUnsafe } from '@sinclair/typebox';

/**
 * Schema builders for Kubernetes structural schemas. TypeBox gives the
 * static types; these add what structural schemas need and TypeBox lacks
 * (maps as additionalProperties, int-or-string quantities, CEL rules).
 */

/** A map with string keys: `additionalProperties`, never patternProperties. */
export function MapOf<T extends TSchema>(value: T, description: string): TUnsafe<Record<string, Static<T>>> {
  return Type.Unsafe<Record<string, Static<T>>>({ type: 'object', additionalProperties: value, description });
}

const QUANTITY_PATTERN =
  '^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$';

/**
 * A resource quantity such as "500m", "2Gi" or 4, in the one int-or-string
 * form structural schemas accept: anyOf integer|string, with the pattern
 * beside it (it applies to strings only).
 */
export function Quantity(description: string, defaultValue?: string): TUnsafe<string | number> {
  return Type.Unsafe<string | number>({
    'x-kubernetes-int-or-string': true,
    anyOf: [{ type: 'integer' }, { type: 'string' }],
    pattern: QUANTITY_PATTERN,
    description,
    ...(defaultValue === undefined ? {} : { default: defaultValue }),
  });
}

export interface CelRule {
  rule: string;
  message: string;
  fieldPath?: string;
}

/** Attaches CEL validation rules (x-kubernetes-validations) to a schema. */
export function withRules<T extends TSchema>(schema: T, rules: readonly CelRule[]): T {
  return { ...schema, 'x-kubernetes-validations': rules };
}

/** A string enum as a literal union, rendered as `enum` in the CRD. */
export function StringEnum<const T extends readonly string[]>(
  values: T,
  options: { description: string; default?: T[number] },
): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });
}

/**
 * Gives every optional section object (one with properties but no required
 * ones) `default: {}`, in place. The API server only defaults fields inside
 * objects that exist, so without this an empty spec would get no defaults at
 * all; with it, `spec: {}` becomes a fully defaulted platform, in the API
 * server and in `Value.Default` alike.
 */
export function cascadeDefaults<T extends TSchema>(schema: T): T {
  const props = (schema as { properties?: Record<string, TSchema> }).properties;
  if (!props) return schema;
  for (const child of Object.values(props)) {
    const c = child as { properties?: unknown; required?: unknown[]; default?: unknown };
    cascadeDefaults(child);
    if (c.properties && !c.required?.length && c.default === undefined) c.default = {};
  }
  return schema;
}
