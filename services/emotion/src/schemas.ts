import { type Static, Type } from '@sinclair/typebox';

/** Request schemas: validation, handler types and the OpenAPI document from one declaration. */
const Text = Type.String({ minLength: 1, maxLength: 100_000 });

export const ClassifyBody = Type.Object({ text: Text }, { additionalProperties: false });
export type ClassifyBody = Static<typeof ClassifyBody>;

export const BatchBody = Type.Object(
  { texts: Type.Array(Text, { minItems: 1, maxItems: 256 }) },
  { additionalProperties: false },
);
export type BatchBody = Static<typeof BatchBody>;

export const SegmentsBody = Type.Object(
  {
    /** The conversation (transcript or live stream) the segments belong to; insights groups by it. */
    streamId: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    segments: Type.Array(
      Type.Object(
        {
          speaker: Type.String({ minLength: 1, maxLength: 128 }),
          start: Type.Number({ minimum: 0 }),
          end: Type.Number({ minimum: 0 }),
          text: Text,
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 1024 },
    ),
    /** Send one `emotion.segment` event per segment to insights (default true; needs `streamId`). */
    record: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type SegmentsBody = Static<typeof SegmentsBody>;
