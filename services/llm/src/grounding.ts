import { ErrorCode, NemoError, type ServiceClient } from '@nemo/common';
import type { TemplateMessage } from './chat-template.js';
import type { Citation, Warning } from './openai.js';

/** One hit of rag's POST /v1/search, the fields this service reads. */
export interface RagHit {
  score: number;
  text: string;
  citation: { documentId: string; title: string; source: string; chunk: number };
}

export interface Passage {
  hit: RagHit;
  tokens: number;
}

export interface Grounding {
  /** The messages with the passages added as a system preamble. */
  messages: TemplateMessage[];
  citations: Citation[];
  warning?: Warning;
}

export const RagFailure = { Ungrounded: 'ungrounded', Error: 'error' } as const;
export type RagFailure = (typeof RagFailure)[keyof typeof RagFailure];

export interface GrounderOptions {
  /** Absent when no rag service is configured: grounding then counts as rag being down. */
  rag: ServiceClient | undefined;
  topK: number;
  /** Most tokens the passages may take in the prompt. */
  tokenBudget: number;
  onFailure: RagFailure;
  countTokens: (text: string) => number;
}

export interface Caller {
  subject?: string | undefined;
  tenant?: string | undefined;
  requestId?: string;
  signal?: AbortSignal;
}

const SNIPPET_CHARS = 240;

/** Takes hits in rank order while they fit the budget; one that does not fit is skipped, smaller ones may follow. */
export function fitPassages(passages: readonly Passage[], budget: number): Passage[] {
  const chosen: Passage[] = [];
  let used = 0;
  for (const p of passages) {
    if (used + p.tokens > budget) continue;
    chosen.push(p);
    used += p.tokens;
  }
  return chosen;
}

const passageText = (hit: RagHit, n: number): string => `[${n}] ${hit.citation.title}\n${hit.text.trim()}`;

/** The system preamble that carries the passages, and the citations that number them. */
export function groundedMessages(messages: readonly TemplateMessage[], chosen: readonly Passage[]): Grounding {
  if (chosen.length === 0) return { messages: [...messages], citations: [] };
  const sources = chosen.map((p, i) => passageText(p.hit, i + 1)).join('\n\n');
  const preamble =
    'Answer using the sources below when they are relevant, and cite them by number, like [1].\n\n' + sources;
  const citations = chosen.map(({ hit }, i) => ({
    id: hit.citation.documentId,
    index: i + 1,
    title: hit.citation.title,
    snippet: hit.text.trim().slice(0, SNIPPET_CHARS),
    source: hit.citation.source,
    chunk: hit.citation.chunk,
    score: hit.score,
  }));
  return { messages: [{ role: 'system', content: preamble }, ...messages], citations };
}

/** The question rag is asked: the last user message. */
export function queryOf(messages: readonly TemplateMessage[]): string {
  return messages.findLast((m) => m.role === 'user')?.content.trim() ?? '';
}

/**
 * Grounds a request in the caller's tenant's documents. When rag cannot be
 * reached the answer goes on ungrounded with a warning, or fails with 503,
 * as the deployment chose (NEMO_RAG_FAILURE).
 */
export class Grounder {
  constructor(private readonly options: GrounderOptions) {}

  async ground(messages: readonly TemplateMessage[], caller: Caller): Promise<Grounding> {
    const query = queryOf(messages).slice(0, 4096);
    if (!query) return { messages: [...messages], citations: [] };
    let hits: RagHit[];
    try {
      hits = await this.search(query, caller);
    } catch (err) {
      if (caller.signal?.aborted) throw err;
      return this.failed(messages, err);
    }
    const passages = hits.map((hit) => ({ hit, tokens: this.options.countTokens(passageText(hit, 0)) }));
    return groundedMessages(messages, fitPassages(passages, this.options.tokenBudget));
  }

  private async search(query: string, caller: Caller): Promise<RagHit[]> {
    const { rag } = this.options;
    if (!rag) throw new NemoError(ErrorCode.Unavailable, 'No rag service is configured.');
    const res = await rag.call<{ results?: RagHit[] }>('/v1/search', {
      method: 'POST',
      body: { query, topK: this.options.topK },
      ...(caller.subject ? { subject: caller.subject } : {}),
      ...(caller.tenant ? { tenant: caller.tenant } : {}),
      ...(caller.requestId ? { requestId: caller.requestId } : {}),
      ...(caller.signal ? { signal: caller.signal } : {}),
    });
    if (res.status !== 200 || !Array.isArray(res.body.results)) {
      throw new NemoError(ErrorCode.UpstreamFailed, 'The rag service refused the search.', {
        cause: new Error(`rag answered ${res.status}`),
      });
    }
    return res.body.results;
  }

  private failed(messages: readonly TemplateMessage[], err: unknown): Grounding {
    if (this.options.onFailure === RagFailure.Error) {
      throw new NemoError(
        ErrorCode.Unavailable,
        'The answer must be grounded, and the rag service is unavailable; try again shortly.',
        { retryAfterSeconds: 2, cause: err },
      );
    }
    const warning: Warning = {
      code: 'rag_unavailable',
      message: 'The rag service is unavailable, so this answer is not grounded in your documents.',
    };
    return { messages: [...messages], citations: [], warning };
  }
}
