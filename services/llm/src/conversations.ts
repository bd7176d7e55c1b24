import { randomUUID } from 'node:crypto';
import { notFound } from '@nemo/common';
import type pg from 'pg';
import type { Citation } from './openai.js';

/** Whose conversations: a user within a tenant, from the verified S2S token. */
export interface Owner {
  tenant: string;
  subject: string;
}

export interface ConversationSummary {
  id: string;
  title: string;
  model: string;
  createdAt: string;
  updatedAt: string;
}

export interface StoredMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
  citations?: Citation[];
  /** An answer the user stopped: `content` is as far as it got. */
  stopped?: true;
  createdAt: string;
}

export interface Conversation extends ConversationSummary {
  messages: StoredMessage[];
}

export interface Exchange {
  /** The conversation, chosen before generation so that a stream can name it in its first chunk. */
  conversation: ConversationRef;
  model: string;
  /** The messages the caller sent this time that are not stored yet (the new user turn). */
  prompt: readonly { role: StoredMessage['role']; content: string }[];
  answer: string;
  citations: readonly Citation[];
  /** The user stopped the answer: it is kept as far as it got. */
  stopped: boolean;
}

/** Which conversation an exchange goes to: an existing one of the owner's, or a new one under this id. */
export interface ConversationRef {
  id: string;
  isNew: boolean;
}

const TITLE_CHARS = 80;
const titleOf = (text: string): string => text.replace(/\s+/g, ' ').trim().slice(0, TITLE_CHARS) || 'New chat';

interface SummaryRow {
  id: string;
  title: string;
  model: string;
  created_at: Date;
  updated_at: Date;
}

const summaryOf = (r: SummaryRow): ConversationSummary => ({
  id: r.id,
  title: r.title,
  model: r.model,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

/**
 * Conversations in PostgreSQL. Every query names the owner, so one user can
 * never read, extend or delete another's conversation: a foreign id is
 * simply not found.
 */
export class ConversationStore {
  constructor(private readonly pool: pg.Pool) {}

  /** Checks that the conversation exists and is the owner's, before any generation starts. */
  async assertOwned(owner: Owner, id: string): Promise<void> {
    const { rowCount } = await this.pool.query(
      'SELECT 1 FROM llm_conversations WHERE id = $1 AND tenant = $2 AND subject = $3',
      [id, owner.tenant, owner.subject],
    );
    if (!rowCount) throw notFound(`Conversation ${id}`);
  }

  /** Stores one exchange, in one transaction; returns the conversation id. */
  async record(owner: Owner, exchange: Exchange): Promise<string> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const id = await this.openConversation(client, owner, exchange);
      for (const m of exchange.prompt) await insertMessage(client, id, m);
      await insertMessage(client, id, {
        role: 'assistant',
        content: exchange.answer,
        citations: exchange.citations,
        stopped: exchange.stopped,
      });
      await client.query('COMMIT');
      return id;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  async list(owner: Owner, limit = 50): Promise<ConversationSummary[]> {
    const { rows } = await this.pool.query<SummaryRow>(
      `SELECT id, title, model, created_at, updated_at FROM llm_conversations
       WHERE tenant = $1 AND subject = $2 ORDER BY updated_at DESC, id LIMIT $3`,
      [owner.tenant, owner.subject, limit],
    );
    return rows.map(summaryOf);
  }

  async get(owner: Owner, id: string): Promise<Conversation> {
    const { rows } = await this.pool.query<SummaryRow>(
      'SELECT id, title, model, created_at, updated_at FROM llm_conversations WHERE id = $1 AND tenant = $2 AND subject = $3',
      [id, owner.tenant, owner.subject],
    );
    const row = rows[0];
    if (!row) throw notFound(`Conversation ${id}`);
    const messages = await this.pool.query<{
      role: StoredMessage['role'];
      content: string;
      citations: Citation[] | null;
      stopped: boolean;
      created_at: Date;
    }>(
      'SELECT role, content, citations, stopped, created_at FROM llm_messages WHERE conversation_id = $1 ORDER BY seq',
      [id],
    );
    return {
      ...summaryOf(row),
      messages: messages.rows.map((m) => ({
        role: m.role,
        content: m.content,
        ...(m.citations?.length ? { citations: m.citations } : {}),
        ...(m.stopped ? { stopped: true as const } : {}),
        createdAt: m.created_at.toISOString(),
      })),
    };
  }

  async delete(owner: Owner, id: string): Promise<void> {
    const { rowCount } = await this.pool.query(
      'DELETE FROM llm_conversations WHERE id = $1 AND tenant = $2 AND subject = $3',
      [id, owner.tenant, owner.subject],
    );
    if (!rowCount) throw notFound(`Conversation ${id}`);
  }

  private async openConversation(client: pg.PoolClient, owner: Owner, exchange: Exchange): Promise<string> {
    const { id, isNew } = exchange.conversation;
    if (!isNew) {
      const { rowCount } = await client.query(
        'UPDATE llm_conversations SET updated_at = now() WHERE id = $1 AND tenant = $2 AND subject = $3',
        [id, owner.tenant, owner.subject],
      );
      if (!rowCount) throw notFound(`Conversation ${id}`);
      return id;
    }
    const first = exchange.prompt.find((m) => m.role === 'user')?.content ?? exchange.answer;
    await client.query(
      'INSERT INTO llm_conversations (id, tenant, subject, title, model) VALUES ($1, $2, $3, $4, $5)',
      [id, owner.tenant, owner.subject, titleOf(first), exchange.model],
    );
    return id;
  }
}

interface NewMessage {
  role: StoredMessage['role'];
  content: string;
  citations?: readonly Citation[];
  stopped?: boolean;
}

async function insertMessage(client: pg.PoolClient, id: string, m: NewMessage): Promise<void> {
  await client.query(
    'INSERT INTO llm_messages (conversation_id, role, content, citations, stopped) VALUES ($1, $2, $3, $4, $5)',
    [id, m.role, m.content, m.citations?.length ? JSON.stringify(m.citations) : null, m.stopped ?? false],
  );
}

/** A new conversation's id, made when the request arrives. */
export const newConversation = (): ConversationRef => ({ id: randomUUID(), isNew: true });
