import { randomUUID } from 'node:crypto';
import {
  badRequest,
  type ConcurrencyLimiter,
  ErrorCode,
  NemoError,
  type GpuLease,
  type GpuLeaseClient,
  type InsightsEventsClient,
  type S2SClaims,
} from '@nemo/common';
import type { Generation } from '@nemo/inference';
import type { Logger } from 'pino';
import type { TemplateMessage } from './chat-template.js';
import { newConversation, type ConversationRef, type ConversationStore, type Owner } from './conversations.js';
import type { Generator, Prompt } from './generator.js';
import type { Grounder, Grounding } from './grounding.js';
import {
  ragWanted,
  stopsOf,
  templateMessages,
  usageOf,
  type ChatCompletionRequest,
  type CompletionMeta,
  type Extensions,
  type FinishReason,
  type Usage,
} from './openai.js';

export interface ChatSettings {
  ragByDefault: boolean;
  /** max_tokens when the request names none (capped by what the context has left). */
  defaultMaxTokens: number;
  /** Expected GPU time per token, for the coordinator's wait estimates. */
  msPerToken: number;
  /** Longest a request waits for a GPU lease before the client gets 429. */
  leaseDeadlineMs: number;
}

export interface ChatDeps {
  generator: Generator;
  limiter: ConcurrencyLimiter;
  grounder: Grounder;
  /** Absent: no coordinator configured (local development); generation runs without a lease. */
  leases: GpuLeaseClient | undefined;
  conversations: ConversationStore | undefined;
  events: InsightsEventsClient | undefined;
  settings: ChatSettings;
  logger: Logger;
}

export interface RequestContext {
  caller: S2SClaims | undefined;
  requestId: string;
  /** Aborts when the client goes away. */
  signal: AbortSignal;
}

/** A request checked, grounded and rendered, not yet admitted to the GPU. */
export interface Prepared {
  meta: CompletionMeta;
  body: ChatCompletionRequest;
  messages: TemplateMessage[];
  grounding: Grounding;
  /** Whether this request was to be grounded (then citations are always listed, maybe empty). */
  ragAsked: boolean;
  prompt: Prompt;
  maxTokens: number;
  owner: Owner | undefined;
  /** Where the exchange is stored; undefined when it is not (no user, no store, or `store: false`). */
  conversation: ConversationRef | undefined;
  ctx: RequestContext;
}

/** A slot on this replica and a lease on the GPU, held until `release`. */
export interface Admission {
  lease: GpuLease | undefined;
  /** Aborts when the client leaves or the lease ends. */
  signal: AbortSignal;
  release(): Promise<void>;
}

export interface Answer {
  content: string;
  finish: FinishReason;
  usage: Usage;
  generation: Generation;
  conversationId: string | undefined;
}

export interface ChatStats {
  generating: number;
  completed: number;
  aborted: number;
  completionTokens: number;
  /** Of the last stopped generation: tokens produced after the stop signal, and ms until it returned. */
  lastStop?: { tokensAfterSignal: number; stopMs: number };
}

const FINISH: Readonly<Record<Generation['stopReason'], FinishReason>> = {
  eos: 'stop',
  stop: 'stop',
  maxTokens: 'length',
  abort: 'stop',
};

/** Measures how quickly generation obeys a stop signal: tokens after it, and time to return. */
function stopWatch(signal: AbortSignal) {
  let at = 0;
  let after = 0;
  const mark = (): void => void (at = performance.now());
  signal.addEventListener('abort', mark, { once: true });
  return {
    count: (n: number) => void (at ? (after += n) : undefined),
    done: (stats: ChatStats) => {
      signal.removeEventListener('abort', mark);
      if (at) stats.lastStop = { tokensAfterSignal: after, stopMs: performance.now() - at };
    },
  };
}

export const ownerOf = (caller: S2SClaims | undefined): Owner | undefined =>
  caller?.subject && caller.tenant ? { subject: caller.subject, tenant: caller.tenant } : undefined;

/**
 * Chat completions end to end: checks, grounding, the replica's slot, the
 * GPU lease, generation, then the conversation and usage records.
 */
export class ChatService {
  readonly stats: ChatStats = { generating: 0, completed: 0, aborted: 0, completionTokens: 0 };

  constructor(private readonly deps: ChatDeps) {}

  /** Waits (bounded) for running generations to return, so the model is never disposed under one. */
  async drain(timeoutMs: number): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (this.stats.generating > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
  }

  get model(): string {
    return this.deps.generator.name;
  }

  async prepare(body: ChatCompletionRequest, ctx: RequestContext): Promise<Prepared> {
    const messages = templateMessages(body);
    const owner = ownerOf(ctx.caller);
    const conversation = await this.conversationOf(owner, body);
    // rag asks for email summaries: grounding those in rag again would loop.
    const ragAsked = ragWanted(body, this.deps.settings.ragByDefault) && ctx.caller?.issuer !== 'rag';
    const grounding = ragAsked ? await this.ground(messages, ctx) : { messages, citations: [] };
    const prompt = this.deps.generator.prompt(grounding.messages);
    const maxTokens = this.maxTokensFor(body, prompt.tokens);
    const meta = { id: `chatcmpl-${randomUUID()}`, created: Math.floor(Date.now() / 1000), model: this.model };
    return { meta, body, messages, grounding, ragAsked, prompt, maxTokens, owner, conversation, ctx };
  }

  /** Waits for a slot here, then for a lease from the coordinator; 503 or 429 when neither comes. */
  async admit(prepared: Prepared): Promise<Admission> {
    const { signal } = prepared.ctx;
    const releaseSlot = await this.deps.limiter.acquire(signal);
    let lease: GpuLease | undefined;
    try {
      lease = await this.deps.leases?.acquire({
        workload: 'llm',
        class: 'interactive',
        expectedMs: Math.max(1, prepared.maxTokens * this.deps.settings.msPerToken),
        deadlineMs: this.deps.settings.leaseDeadlineMs,
        signal,
        // The coordinator files its wait under the user (insights' GPU queue chart).
        tenant: prepared.ctx.caller?.tenant,
        userId: prepared.ctx.caller?.subject,
      });
    } catch (err) {
      releaseSlot();
      throw err;
    }
    return {
      lease,
      signal: lease ? AbortSignal.any([signal, lease.signal]) : signal,
      release: async () => {
        releaseSlot();
        await lease?.release(signal.aborted ? 'aborted' : 'released');
      },
    };
  }

  /** Generates under an admission; `onText` sees each piece of text as it comes. */
  async generate(prepared: Prepared, admission: Admission, onText?: (text: string) => void): Promise<Answer> {
    const { body } = prepared;
    this.stats.generating++;
    const stop = stopWatch(admission.signal);
    let generation: Generation;
    try {
      generation = await this.deps.generator.generate(prepared.prompt, {
        messages: prepared.grounding.messages,
        maxTokens: prepared.maxTokens,
        stop: stopsOf(body),
        temperature: body.temperature ?? 1,
        topP: body.top_p,
        seed: body.seed,
        signal: admission.signal,
        ...(onText ? { onText } : {}),
        onToken: (count) => {
          this.stats.completionTokens += count;
          stop.count(count);
        },
      });
    } finally {
      this.stats.generating--;
      stop.done(this.stats);
    }
    return this.finish(prepared, generation);
  }

  /** Sent with the first chunk (or the whole answer): the conversation is named before generation starts. */
  extensions(prepared: Prepared): Extensions {
    const { citations, warning } = prepared.grounding;
    const conversationId = prepared.conversation?.id;
    return {
      ...(prepared.ragAsked ? { citations } : {}),
      ...(warning ? { warning } : {}),
      ...(conversationId ? { conversation_id: conversationId } : {}),
    };
  }

  private async finish(prepared: Prepared, generation: Generation): Promise<Answer> {
    const usage = usageOf(prepared.prompt.tokens, generation.tokens);
    if (generation.stopReason === 'abort') {
      this.stats.aborted++;
      this.deps.logger.info({ requestId: prepared.ctx.requestId, tokens: generation.tokens }, 'Stopped generation');
      // Stopped by the user: keep what was said. A lease that ended is retried instead, so nothing is kept.
      const conversationId = prepared.ctx.signal.aborted
        ? await this.store(prepared, generation.text, true)
        : undefined;
      return { content: generation.text, finish: 'stop', usage, generation, conversationId };
    }
    this.stats.completed++;
    this.emitUsage(prepared, usage);
    const conversationId = await this.store(prepared, generation.text, false);
    return { content: generation.text, finish: FINISH[generation.stopReason], usage, generation, conversationId };
  }

  private ground(messages: TemplateMessage[], ctx: RequestContext): Promise<Grounding> {
    return this.deps.grounder.ground(messages, {
      subject: ctx.caller?.subject,
      tenant: ctx.caller?.tenant,
      requestId: ctx.requestId,
      signal: ctx.signal,
    });
  }

  private maxTokensFor(body: ChatCompletionRequest, promptTokens: number): number {
    const room = this.deps.generator.contextSize - promptTokens;
    if (room < 1) {
      throw badRequest(
        `The prompt is ${promptTokens} tokens; the model's context holds ${this.deps.generator.contextSize}. Shorten the messages.`,
      );
    }
    const asked = body.max_completion_tokens ?? body.max_tokens;
    if (asked === undefined) return Math.min(this.deps.settings.defaultMaxTokens, room);
    if (asked > room) {
      throw badRequest(
        `max_tokens is ${asked}, but the prompt (${promptTokens} tokens) leaves room for ${room} in the model's context of ${this.deps.generator.contextSize}.`,
      );
    }
    return asked;
  }

  /** Checks a named conversation is the caller's; names a new one when the exchange will be stored. */
  private async conversationOf(
    owner: Owner | undefined,
    body: ChatCompletionRequest,
  ): Promise<ConversationRef | undefined> {
    if (body.conversation_id) {
      await this.conversationsFor(owner).assertOwned(owner!, body.conversation_id);
      return body.store === false ? undefined : { id: body.conversation_id, isNew: false };
    }
    return owner && this.deps.conversations && body.store !== false ? newConversation() : undefined;
  }

  private conversationsFor(owner: Owner | undefined): ConversationStore {
    if (!owner)
      throw new NemoError(ErrorCode.Forbidden, 'Conversations belong to a user: the service token must name one.');
    if (!this.deps.conversations) {
      throw new NemoError(ErrorCode.Unavailable, 'Conversations are not stored by this deployment (no PostgreSQL).');
    }
    return this.deps.conversations;
  }

  private async store(prepared: Prepared, answer: string, stopped: boolean): Promise<string | undefined> {
    const { owner, conversation } = prepared;
    if (!owner || !conversation || !this.deps.conversations) return undefined;
    const sent = prepared.messages;
    // Appending: the client resends the history, so only what follows the last stored answer is new.
    const fresh = conversation.isNew ? sent : sent.slice(sent.findLastIndex((m) => m.role === 'assistant') + 1);
    try {
      return await this.deps.conversations.record(owner, {
        conversation,
        model: this.model,
        prompt: fresh,
        answer,
        citations: prepared.grounding.citations,
        stopped,
      });
    } catch (err) {
      // The answer was generated and paid for; losing its record is logged, not the client's failure.
      this.deps.logger.error({ err, requestId: prepared.ctx.requestId }, 'Conversation store failed');
      return undefined;
    }
  }

  private emitUsage(prepared: Prepared, usage: Usage): void {
    const tenant = prepared.ctx.caller?.tenant;
    if (!this.deps.events || !tenant) return;
    this.deps.events.emit({
      type: 'chat.usage',
      tenant,
      ...(prepared.owner ? { userId: prepared.owner.subject } : {}),
      promptTokens: usage.prompt_tokens,
      completionTokens: usage.completion_tokens,
      model: this.model,
    });
  }
}
