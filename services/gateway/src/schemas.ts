import { Type, type Static } from '@sinclair/typebox';

/**
 * Request and response schemas, declared once: fastify validates with them,
 * serialises with them (only declared fields leave the process), and
 * @fastify/swagger turns them into the OpenAPI document at /docs/json.
 */
export const ErrorResponse = Type.Object(
  {
    error: Type.Object({ code: Type.String(), message: Type.String(), requestId: Type.String() }),
  },
  { $id: 'ErrorResponse', description: 'The one error shape of the platform.' },
);

export const errorResponses = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((s) => [s, Type.Ref('ErrorResponse')]));

export const Username = Type.String({
  pattern: '^[a-z0-9][a-z0-9._@-]{2,63}$',
  description: 'Lowercase; 3-64 characters.',
});
export const Password = Type.String({ minLength: 12, maxLength: 256 });

export const LoginBody = Type.Object(
  { username: Type.String({ minLength: 1, maxLength: 128 }), password: Type.String({ minLength: 1, maxLength: 1024 }) },
  { additionalProperties: false },
);
export type LoginBody = Static<typeof LoginBody>;

export const RefreshBody = Type.Object(
  { refreshToken: Type.String({ minLength: 1, maxLength: 256 }) },
  { additionalProperties: false },
);
export type RefreshBody = Static<typeof RefreshBody>;

export const TokenPair = Type.Object({
  accessToken: Type.String(),
  tokenType: Type.Literal('Bearer'),
  expiresIn: Type.Integer({ description: 'Seconds until the access token expires.' }),
  refreshToken: Type.String({ description: 'Single use: each refresh returns the next one.' }),
});

export const Role = Type.Union([Type.Literal('admin'), Type.Literal('user')]);

export const User = Type.Object({
  id: Type.String({ format: 'uuid' }),
  username: Type.String(),
  role: Role,
  tenant: Type.String(),
  email: Type.Union([Type.String(), Type.Null()]),
  displayName: Type.Union([Type.String(), Type.Null()]),
  disabled: Type.Boolean(),
  createdAt: Type.String({ format: 'date-time' }),
});

export const NewUserBody = Type.Object(
  {
    username: Username,
    password: Password,
    role: Type.Optional(Role),
    tenant: Type.Optional(Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,62}$' })),
    email: Type.Optional(Type.String({ format: 'email', maxLength: 254 })),
    displayName: Type.Optional(Type.String({ maxLength: 128 })),
  },
  { additionalProperties: false },
);
export type NewUserBody = Static<typeof NewUserBody>;

export const UserPatch = Type.Object({ disabled: Type.Boolean() }, { additionalProperties: false });
export type UserPatch = Static<typeof UserPatch>;

export const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
export type IdParams = Static<typeof IdParams>;

export const Page = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
  offset: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 }),
});
export type Page = Static<typeof Page>;

export const ApiKey = Type.Object({
  id: Type.String({ format: 'uuid' }),
  name: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  revoked: Type.Boolean(),
});

export const NewApiKey = Type.Composite([ApiKey, Type.Object({ key: Type.String({ description: 'Shown once.' }) })]);

export const NewApiKeyBody = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 64, pattern: '^[^\\u0000-\\u001f]+$' }) },
  { additionalProperties: false },
);
export type NewApiKeyBody = Static<typeof NewApiKeyBody>;

const MessageContent = Type.Union([
  Type.String({ maxLength: 200_000 }),
  Type.Array(Type.Object({ type: Type.String() }, { additionalProperties: true }), { maxItems: 64 }),
  Type.Null(),
]);

export const ChatCompletionBody = Type.Object(
  {
    model: Type.String({ minLength: 1, maxLength: 128 }),
    messages: Type.Array(
      Type.Object(
        { role: Type.String({ maxLength: 32 }), content: Type.Optional(MessageContent) },
        { additionalProperties: true },
      ),
      { minItems: 1, maxItems: 1024 },
    ),
    stream: Type.Optional(Type.Boolean()),
    max_tokens: Type.Optional(Type.Integer({ minimum: 1, maximum: 131_072 })),
    temperature: Type.Optional(Type.Number({ minimum: 0, maximum: 2 })),
  },
  { additionalProperties: true, description: 'OpenAI chat completion request; other OpenAI fields pass through.' },
);
export type ChatCompletionBody = Static<typeof ChatCompletionBody>;

export const EmbeddingsBody = Type.Object(
  {
    model: Type.String({ minLength: 1, maxLength: 128 }),
    input: Type.Union([
      Type.String({ maxLength: 100_000 }),
      Type.Array(Type.String({ maxLength: 100_000 }), { minItems: 1, maxItems: 2048 }),
    ]),
    encoding_format: Type.Optional(Type.Union([Type.Literal('float'), Type.Literal('base64')])),
  },
  { additionalProperties: true },
);

export const ModelList = Type.Object({
  object: Type.Literal('list'),
  data: Type.Array(
    Type.Object({ id: Type.String(), object: Type.Literal('model'), created: Type.Integer(), owned_by: Type.String() }),
  ),
});
export type ModelList = Static<typeof ModelList>;

export const ServiceParams = Type.Object({ service: Type.String({ maxLength: 32 }), '*': Type.String() });
export type ServiceParams = Static<typeof ServiceParams>;
