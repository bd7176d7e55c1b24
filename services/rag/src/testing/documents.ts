import type { StoredDocument } from '../model.js';

/** A unit vector along one axis plus a little of the next: distinct, deterministic test vectors. */
export function axisVector(dimension: number, axis: number): Float32Array {
  const v = new Float32Array(dimension);
  v[axis % dimension] = 0.96;
  v[(axis + 1) % dimension] = 0.28;
  return v;
}

export function storedDocument(
  tenant: string,
  id: string,
  axes: number[],
  overrides: Partial<StoredDocument['meta']> = {},
): StoredDocument {
  return {
    meta: {
      id,
      tenant,
      kind: 'document',
      source: 'test',
      title: `Document ${id}`,
      tags: [],
      contentType: 'text/plain',
      createdAt: '2024-05-01T00:00:00.000Z',
      documentDate: undefined,
      textLength: 10 * axes.length,
      ...overrides,
    },
    chunks: axes.map((axis, ordinal) => ({
      ordinal,
      start: ordinal * 10,
      end: ordinal * 10 + 9,
      text: `chunk ${ordinal} of ${id} about axis${axis}`,
      vector: axisVector(8, axis),
    })),
  };
}
