import { type Static, Type } from '@sinclair/typebox';
import { BINARY_CONTENT_TYPES, CONTENT_ENCODINGS, SUPPORTED_CONTENT_TYPES } from './text/extract.js';

/**
 * Request schemas, declared once: fastify validates with them, the handlers
 * take their types from them, and @fastify/swagger publishes them at /openapi.json.
 */
const Id = Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9._:-]+$' });
const Tags = Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 32 });
const IsoDate = Type.String({ format: 'date-time' });

const Common = {
  id: Type.Optional(Id),
  title: Type.Optional(Type.String({ maxLength: 512 })),
  source: Type.Optional(Type.String({ minLength: 1, maxLength: 2048 })),
  tags: Type.Optional(Tags),
  documentDate: Type.Optional(IsoDate),
};

export const DocumentBody = Type.Object(
  {
    ...Common,
    contentType: Type.Union(SUPPORTED_CONTENT_TYPES.map((t) => Type.Literal(t))),
    content: Type.String({
      minLength: 1,
      description: 'The document: its text, or the base64 of its bytes when contentEncoding is "base64".',
    }),
    contentEncoding: Type.Optional(
      Type.Union(
        CONTENT_ENCODINGS.map((e) => Type.Literal(e)),
        {
          description: `"base64" when content is the base64 (RFC 4648, padded) of the file; required for ${BINARY_CONTENT_TYPES.join(', ')}. Absent: content is text.`,
        },
      ),
    ),
  },
  { additionalProperties: false },
);
export type DocumentBody = Static<typeof DocumentBody>;

export const Segment = Type.Object(
  {
    speaker: Type.String({ minLength: 1, maxLength: 128 }),
    start: Type.Number({ minimum: 0 }),
    end: Type.Number({ minimum: 0 }),
    text: Type.String(),
  },
  { additionalProperties: false },
);

export const TranscriptBody = Type.Object(
  { ...Common, segments: Type.Array(Segment, { minItems: 1, maxItems: 100_000 }) },
  { additionalProperties: false },
);
export type TranscriptBody = Static<typeof TranscriptBody>;

export const IngestionBody = Type.Object(
  { documents: Type.Array(DocumentBody, { minItems: 1, maxItems: 10_000 }) },
  { additionalProperties: false },
);
export type IngestionBody = Static<typeof IngestionBody>;

export const SearchBody = Type.Object(
  {
    query: Type.String({ minLength: 1, maxLength: 4096 }),
    topK: Type.Integer({ minimum: 1, maximum: 100, default: 5 }),
    minScore: Type.Optional(Type.Number({ minimum: -1, maximum: 1 })),
    filters: Type.Optional(
      Type.Object(
        {
          sources: Type.Optional(Type.Array(Type.String(), { maxItems: 64 })),
          tags: Type.Optional(Tags),
          kinds: Type.Optional(
            Type.Array(Type.Union([Type.Literal('document'), Type.Literal('transcript'), Type.Literal('email')])),
          ),
          documentIds: Type.Optional(Type.Array(Id, { maxItems: 1000 })),
          from: Type.Optional(IsoDate),
          to: Type.Optional(IsoDate),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type SearchBody = Static<typeof SearchBody>;

export const EmbeddingsBody = Type.Object({
  input: Type.Union([
    Type.String({ minLength: 1 }),
    Type.Array(Type.String({ minLength: 1 }), { minItems: 1, maxItems: 2048 }),
  ]),
  model: Type.Optional(Type.String()),
  encoding_format: Type.Optional(Type.Union([Type.Literal('float'), Type.Literal('base64')])),
});
export type EmbeddingsBody = Static<typeof EmbeddingsBody>;

export const EmailBody = Type.Object(
  {
    from: Type.String({ minLength: 1, maxLength: 512 }),
    to: Type.Array(Type.String({ minLength: 1, maxLength: 512 }), { minItems: 1, maxItems: 256 }),
    subject: Type.String({ maxLength: 2048 }),
    body: Type.String({ minLength: 1 }),
    date: IsoDate,
    tags: Type.Optional(Tags),
  },
  { additionalProperties: false },
);
export type EmailBody = Static<typeof EmailBody>;

export const IdParams = Type.Object({ id: Id });
export type IdParams = Static<typeof IdParams>;
