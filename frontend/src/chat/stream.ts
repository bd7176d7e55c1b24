import { request } from '../api/client.js';
import { retryWhenBusy } from '../api/busy.js';
import { ApiError } from '../api/errors.js';
import { sseData } from './sse.js';

export interface ChatMessage {
  role: 'user' | 'assistant' | 'system';
  content: string;
}

/** A source the answer drew on (the llm service's RAG extension to the chunk format). */
export interface Citation {
  id: string;
  title: string;
  snippet?: string;
}

export interface StreamHandlers {
  onToken(text: string): void;
  onCitations(citations: Citation[]): void;
  /** Called each second while the platform is busy, until the retry. */
  onBusy(secondsLeft: number): void;
  /** Something the user should know about the answer, e.g. that documents could not be searched. */
  onNotice(message: string): void;
  /** The stored conversation this exchange belongs to, named in the first chunk. */
  onConversation(id: string): void;
}

export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  rag: boolean;
  /** Continue this stored conversation; a new one is started when absent. */
  conversationId: string | undefined;
  signal: AbortSignal;
}

interface Chunk {
  choices?: { delta?: { content?: string } }[];
  citations?: Citation[];
  warning?: { message?: string };
  conversation_id?: string;
  /** The llm service reports a failure after the stream has begun as an error event. */
  error?: { code?: string; message?: string };
}

/**
 * Streams one chat completion. A 429 is not an error here: the user sees
 * "busy, retrying in N s" and the request is sent again after Retry-After.
 */
export async function streamChat(req: ChatRequest, on: StreamHandlers): Promise<void> {
  const res = await retryWhenBusy(
    () =>
      request('/v1/chat/completions', {
        method: 'POST',
        body: {
          model: req.model,
          messages: req.messages,
          stream: true,
          rag: { enabled: req.rag },
          ...(req.conversationId ? { conversation_id: req.conversationId } : {}),
        },
        headers: { accept: 'text/event-stream' },
        signal: req.signal,
      }),
    (secondsLeft) => on.onBusy(secondsLeft),
    req.signal,
  );
  await readChatStream(res, on);
}

/** Reads an OpenAI-style SSE answer, with the llm service's citation, warning and error extensions. */
export async function readChatStream(res: Response, on: StreamHandlers): Promise<void> {
  if (!res.body) return;
  for await (const data of sseData(res.body)) {
    if (data === '[DONE]') return;
    handleChunk(JSON.parse(data) as Chunk, on);
  }
}

function handleChunk(chunk: Chunk, on: StreamHandlers): void {
  if (chunk.error) throw streamFailure(chunk.error);
  const text = chunk.choices?.[0]?.delta?.content;
  if (text) on.onToken(text);
  handleExtensions(chunk, on);
}

/** The llm service's additions to OpenAI's chunk: the conversation, citations and warnings. */
function handleExtensions(chunk: Chunk, on: StreamHandlers): void {
  if (chunk.conversation_id) on.onConversation(chunk.conversation_id);
  if (chunk.citations?.length) on.onCitations(chunk.citations);
  if (chunk.warning?.message) on.onNotice(chunk.warning.message);
}

function streamFailure(error: NonNullable<Chunk['error']>): ApiError {
  return new ApiError(502, error.message ?? 'The answer stopped because generation failed. Try again.', error.code);
}
