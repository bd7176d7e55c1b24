import { stringify } from 'yaml';
import { buildCrd } from './crd.js';

export const CRD_HEADER =
  '# Generated from operator/src/api/schema.ts by `npm run generate -w operator`. Do not edit.\n';

/** The CRD as committed in crds/ and the chart. */
export function crdYaml(): string {
  return CRD_HEADER + stringify(buildCrd(), { lineWidth: 0 });
}
