import { badRequest } from '@nemo/common';
import { type Static, Type } from '@sinclair/typebox';
import type { TemplateMessage } from './chat-template.js';

const TextPart = Type.Object({ type: Type.Literal('text'), text: Type.String() }, { additionalProperties: true });

/** OpenAI's chat completion request, plus the `rag` and `conversation_id` extensions. */
export const ChatCompletionRequest = Type.Object(
  {
    model: Type.Optional(Type.String({ maxLength: 128 })),
    messages: Type.Array(
      Type.Object(
        {
          role: Type.String({ maxLength: 32 }),
          content: Type.Union([Type.String(), Type.Array(TextPart, { maxItems: 256 }), Type.Null()]),
        },
        { additionalProperties: true },
      ),
      { minItems: 1, maxItems: 1024 },
    ),
    max_tokens: Type.Optional(Type.Integer({ minimum: 1 })),
    max_completion_tokens: Type.Optional(Type.Integer({ minimum: 1 })),
    temperature: Type.Optional(Type.Number({ minimum: 0, maximum: 2 })),
    top_p: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1 })),
    stop: Type.Optional(
      Type.Union([
        Type.String({ minLength: 1 }),
        Type.Array(Type.String({ minLength: 1 }), { maxItems: 4 }),
        Type.Null(),
      ]),
    ),
    seed: Type.Optional(Type.Integer()),
    n: Type.Optional(Type.Integer({ minimum: 1, maximum: 1 })),
    stream: Type.Optional(Type.Boolean()),
    stream_options: Type.Optional(Type.Object({ include_usage: Type.Optional(Type.Boolean()) })),
    store: Type.Optional(Type.Boolean()),
    /** Extension: ground this answer in RAG passages (`true`, or `{ enabled }` as the web UI sends). */
    rag: Type.Optional(Type.Union([Type.Boolean(), Type.Object({ enabled: Type.Optional(Type.Boolean()) })])),
    /** Extension: append this exchange to one of the caller's stored conversations. */
    conversation_id: Type.Optional(Type.String({ format: 'uuid' })),
  },
  { additionalProperties: true },
);
export type ChatCompletionRequest = Static<typeof ChatCompletionRequest>;

export type FinishReason = 'stop' | 'length';

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export interface Citation {
  /** The rag document id. */
  id: string;
  /** The number the prompt gave the passage: the model cites it as [n]. */
  index: number;
  title: string;
  snippet: string;
  source: string;
  chunk: number;
  score: number;
}

export interface Warning {
  code: 'rag_unavailable';
  message: string;
}

const ROLES: Readonly<Record<string, TemplateMessage['role']>> = {
  system: 'system',
  developer: 'system',
  user: 'user',
  assistant: 'assistant',
};

function contentOf(content: ChatCompletionRequest['messages'][number]['content']): string {
  if (content === null) return '';
  if (typeof content === 'string') return content;
  return content.map((p) => p.text).join('');
}

/** The request's messages in template form; roles the template cannot express are refused. */
export function templateMessages(body: ChatCompletionRequest): TemplateMessage[] {
  return body.messages.map((m) => {
    const role = ROLES[m.role];
    if (!role) throw badRequest(`Message role ${m.role} is not supported (use system, developer, user or assistant).`);
    return { role, content: contentOf(m.content) };
  });
}

export function stopsOf(body: ChatCompletionRequest): string[] {
  if (body.stop === undefined || body.stop === null) return [];
  return typeof body.stop === 'string' ? [body.stop] : body.stop;
}

/** Per request, else the deployment's default. */
export function ragWanted(body: ChatCompletionRequest, byDefault: boolean): boolean {
  if (body.rag === undefined) return byDefault;
  return typeof body.rag === 'boolean' ? body.rag : (body.rag.enabled ?? byDefault);
}

export function usageOf(promptTokens: number, completionTokens: number): Usage {
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
  };
}

export interface CompletionMeta {
  id: string;
  created: number;
  model: string;
}

export interface Extensions {
  citations?: Citation[];
  warning?: Warning;
  conversation_id?: string;
}

export function completionBody(
  meta: CompletionMeta,
  answer: { content: string; finish: FinishReason; usage: Usage },
  ext: Extensions,
) {
  return {
    ...meta,
    object: 'chat.completion' as const,
    choices: [
      {
        index: 0,
        message: { role: 'assistant' as const, content: answer.content, refusal: null },
        logprobs: null,
        finish_reason: answer.finish,
      },
    ],
    usage: answer.usage,
    system_fingerprint: null,
    ...ext,
  };
}

type Delta = { role?: 'assistant'; content?: string };

/** One SSE event carrying a chunk, in OpenAI's exact framing. */
export function chunkEvent(
  meta: CompletionMeta,
  delta: Delta | undefined,
  finish: FinishReason | null,
  extra: object = {},
): string {
  const choices = delta ? [{ index: 0, delta, logprobs: null, finish_reason: finish }] : [];
  const chunk = { ...meta, object: 'chat.completion.chunk', system_fingerprint: null, choices, ...extra };
  return `data: ${JSON.stringify(chunk)}\n\n`;
}

export const DONE_EVENT = 'data: [DONE]\n\n';
