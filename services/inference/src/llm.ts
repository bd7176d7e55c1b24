import { availableParallelism } from 'node:os';
import {
  GemmaChatWrapper,
  getLlama,
  LlamaCompletion,
  type ChatHistoryItem,
  type Llama,
  type LlamaContext,
  type LlamaModel,
  type LlamaText,
} from 'node-llama-cpp';
import { queueFullError } from './batcher.js';
import { resolveModel, setting, type ResolveOptions, type ResolvedModel } from './catalog.js';

export const DEFAULT_CHAT_MODEL = 'gemma-3-270m-q4-k-m';

export interface ChatMessage {
  readonly role: 'system' | 'user' | 'assistant';
  readonly content: string;
}

export interface GenerateOptions {
  readonly maxTokens: number;
  readonly stop?: readonly string[];
  /** 0 is greedy; above 0 samples, reproducibly for a given seed. */
  readonly temperature?: number;
  readonly seed?: number;
  /** Nucleus sampling (0 < topP <= 1); only used when temperature is above 0. */
  readonly topP?: number;
  /** Aborting stops generation at the next token step; the result then has stopReason 'abort'. */
  readonly signal?: AbortSignal;
  readonly onText?: (chunk: string) => void;
  /** Called after each generated token step with the tokens it produced. */
  readonly onToken?: (count: number) => void;
}

export interface Generation {
  readonly text: string;
  readonly tokens: number;
  readonly stopReason: 'eos' | 'stop' | 'maxTokens' | 'abort';
  /** Milliseconds from the call to the first generated token. */
  readonly ttftMs: number;
  readonly totalMs: number;
}

export interface LlmOptions extends ResolveOptions {
  /** Parallel sequences (callers generating at once); more wait in the queue. */
  readonly sequences?: number;
  readonly maxQueue?: number;
  /** Offload to the GPU with CUDA when configured (NEMO_INFERENCE_PROVIDER=cuda). */
  readonly gpu?: 'cuda' | false;
  readonly threads?: number;
}

interface ChatModelParts {
  readonly resolved: ResolvedModel;
  readonly llama: Llama;
  readonly model: LlamaModel;
  readonly context: LlamaContext;
  readonly maxQueue: number;
}

const stopReasons: Readonly<Record<string, Generation['stopReason']>> = {
  eogToken: 'eos',
  stopGenerationTrigger: 'stop',
  customStopTrigger: 'stop',
  maxTokens: 'maxTokens',
  abort: 'abort',
};

/** Renders messages with Gemma's chat template (turn markers, system text folded into the first user turn). */
export function chatHistory(messages: readonly ChatMessage[]): ChatHistoryItem[] {
  const items: ChatHistoryItem[] = messages.map((m) => {
    if (m.role === 'system') return { type: 'system', text: m.content };
    if (m.role === 'user') return { type: 'user', text: m.content };
    return { type: 'model', response: [m.content] };
  });
  items.push({ type: 'model', response: [] });
  return items;
}

/**
 * A GGUF chat model on node-llama-cpp (prebuilt binaries only, never a build).
 * A fixed pool of context sequences serves callers; the rest wait in a bounded
 * queue and are refused with a clear error when it is full.
 */
export class ChatModel {
  /** One completion per context sequence, kept for the model's life like the sequence itself. */
  private readonly free: LlamaCompletion[];
  private readonly waiting: ((completion: LlamaCompletion) => void)[] = [];
  private readonly template = new GemmaChatWrapper();

  readonly resolved: ResolvedModel;
  private readonly llama: Llama;
  private readonly model: LlamaModel;
  private readonly context: LlamaContext;
  private readonly maxQueue: number;

  private constructor(parts: ChatModelParts) {
    ({
      resolved: this.resolved,
      llama: this.llama,
      model: this.model,
      context: this.context,
      maxQueue: this.maxQueue,
    } = parts);
    this.free = Array.from(
      { length: this.context.totalSequences },
      () => new LlamaCompletion({ contextSequence: this.context.getSequence() }),
    );
  }

  static async load(name = DEFAULT_CHAT_MODEL, options: LlmOptions = {}): Promise<ChatModel> {
    const resolved = await resolveModel(name, options);
    const gpu = options.gpu ?? (process.env.NEMO_INFERENCE_PROVIDER === 'cuda' ? 'cuda' : false);
    const llama = await getLlama({ gpu, build: 'never', progressLogs: false });
    const model = await llama.loadModel({ modelPath: resolved.file('model.gguf') });
    const context = await model.createContext({
      contextSize: setting(resolved.model, 'contextSize', 1024),
      sequences: options.sequences ?? 1,
      threads: options.threads ?? Math.min(availableParallelism(), 4),
    });
    const chat = new ChatModel({ resolved, llama, model, context, maxQueue: options.maxQueue ?? 64 });
    await chat.complete('Warm-up', { maxTokens: 1 });
    return chat;
  }

  /** The exact text the chat template produces for these messages. */
  renderChat(messages: readonly ChatMessage[]): string {
    return this.chatText(messages).toString();
  }

  chat(messages: readonly ChatMessage[], options: GenerateOptions): Promise<Generation> {
    return this.complete(this.chatText(messages), options);
  }

  async complete(prompt: string | LlamaText, options: GenerateOptions): Promise<Generation> {
    const completion = await this.acquire();
    try {
      return await generate(completion, prompt, options);
    } finally {
      this.release(completion);
    }
  }

  tokenCount(text: string): number {
    return this.model.tokenize(text).length;
  }

  /** Exact tokens of a prompt as generation feeds it to the model (special tokens included). */
  promptTokens(prompt: string | LlamaText): number {
    return typeof prompt === 'string'
      ? this.model.tokenize(prompt).length
      : prompt.tokenize(this.model.tokenizer).length;
  }

  /** Tokens one sequence holds: prompt and completion together. */
  get contextSize(): number {
    return this.context.contextSize;
  }

  async dispose(): Promise<void> {
    await this.context.dispose();
    await this.model.dispose();
    await this.llama.dispose();
  }

  private chatText(messages: readonly ChatMessage[]): LlamaText {
    return this.template.generateContextState({ chatHistory: chatHistory(messages) }).contextText;
  }

  private acquire(): Promise<LlamaCompletion> {
    const completion = this.free.pop();
    if (completion) return Promise.resolve(completion);
    if (this.waiting.length >= this.maxQueue) return Promise.reject(queueFullError('chat', this.maxQueue));
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(completion: LlamaCompletion): void {
    const next = this.waiting.shift();
    if (next) next(completion);
    else this.free.push(completion);
  }
}

async function generate(
  completion: LlamaCompletion,
  prompt: string | LlamaText,
  options: GenerateOptions,
): Promise<Generation> {
  const started = performance.now();
  let first = 0;
  let tokens = 0;
  const res = await completion.generateCompletionWithMeta(prompt, {
    maxTokens: options.maxTokens,
    temperature: options.temperature ?? 0,
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    ...(options.topP === undefined ? {} : { topP: options.topP }),
    ...(options.signal ? { signal: options.signal, stopOnAbortSignal: true } : {}),
    ...(options.stop?.length ? { customStopTriggers: options.stop } : {}),
    onToken: (t) => {
      if (tokens === 0) first = performance.now();
      tokens += t.length;
      options.onToken?.(t.length);
    },
    ...(options.onText ? { onTextChunk: options.onText } : {}),
  });
  const totalMs = performance.now() - started;
  return {
    text: res.response,
    tokens,
    stopReason: stopReasons[res.metadata.stopReason] ?? 'eos',
    ttftMs: first ? first - started : totalMs,
    totalMs,
  };
}
