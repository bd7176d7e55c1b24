import type { TSchema } from '@sinclair/typebox';
import { NemoPlatformSpec, NemoPlatformStatus } from './schema.js';
import { GROUP, KIND, PLURAL, SHORT_NAMES, SINGULAR, VERSION } from './types.js';

/** TypeBox keeps its metadata under symbol keys; a JSON round trip leaves plain JSON Schema. */
function plain(schema: TSchema): Record<string, unknown> {
  return JSON.parse(JSON.stringify(schema)) as Record<string, unknown>;
}

/** The CustomResourceDefinition, built from the schemas in schema.ts. */
export function buildCrd(): Record<string, unknown> {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: `${PLURAL}.${GROUP}`,
      labels: { 'app.kubernetes.io/name': 'nemo-operator', 'app.kubernetes.io/part-of': 'nemo-platform' },
    },
    spec: {
      group: GROUP,
      names: { kind: KIND, listKind: `${KIND}List`, plural: PLURAL, singular: SINGULAR, shortNames: [...SHORT_NAMES] },
      scope: 'Namespaced',
      versions: [
        {
          name: VERSION,
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: [
            { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
            { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
            { name: 'Gateway', type: 'string', jsonPath: '.status.endpoints.gateway' },
            { name: 'GPUs', type: 'integer', jsonPath: '.status.gpu.requested' },
            { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
          ],
          schema: {
            openAPIV3Schema: {
              type: 'object',
              description: 'NemoPlatform is one complete, secured deployment of the Nemo AI platform.',
              required: ['spec'],
              properties: {
                apiVersion: { type: 'string', description: 'APIVersion of this object.' },
                kind: { type: 'string', description: 'Kind of this object.' },
                metadata: { type: 'object' },
                spec: { ...plain(NemoPlatformSpec), default: {} },
                status: plain(NemoPlatformStatus),
              },
            },
          },
        },
      ],
    },
  };
}
