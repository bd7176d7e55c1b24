import { randomUUID } from 'node:crypto';
import { ErrorCode, NemoError, notFound, type ServiceClient } from '@nemo/common';
import type { Ingestor } from '../ingest/ingestor.js';
import type { DocumentStore } from '../storage/document-store.js';
import type { Email, EmailStore } from './email-store.js';

export interface EmailInput extends Omit<Email, 'summary'> {
  tags?: string[];
}

/** The text an email is embedded as: the headers a question may name, then the body. */
export function emailText(email: Email): string {
  return `From: ${email.from}\nTo: ${email.to.join(', ')}\nSubject: ${email.subject}\nDate: ${email.date}\n\n${email.body}`;
}

interface ChatCompletion {
  choices?: { message?: { content?: string } }[];
}

/**
 * Emails are stored encrypted in PostgreSQL and indexed like documents
 * (kind "email", same id), so search finds them and deletion removes both.
 */
export class EmailService {
  constructor(
    private readonly emails: EmailStore,
    private readonly ingestor: Ingestor,
    private readonly documents: DocumentStore,
    private readonly llm: ServiceClient | undefined,
  ) {}

  async ingest(tenant: string, input: EmailInput): Promise<string> {
    const id = randomUUID();
    const email: Email = { from: input.from, to: input.to, subject: input.subject, body: input.body, date: input.date };
    await this.emails.put(tenant, id, email);
    try {
      const content = emailText(email);
      const doc = {
        id,
        title: email.subject,
        source: 'email',
        contentType: 'text/plain',
        content,
        documentDate: email.date,
      };
      await this.ingestor.ingestDocument(tenant, { ...doc, tags: input.tags ?? [] }, 'email');
    } catch (err) {
      await this.emails.delete(tenant, id); // never keep a record that search cannot see
      throw err;
    }
    return id;
  }

  async get(tenant: string, id: string): Promise<Email> {
    const email = await this.emails.get(tenant, id);
    if (!email) throw notFound(`Email ${id}`);
    return email;
  }

  async delete(tenant: string, id: string): Promise<boolean> {
    const [stored, indexed] = await Promise.all([this.emails.delete(tenant, id), this.documents.delete(tenant, id)]);
    return stored || indexed;
  }

  /** Asks the llm service for a summary and stores it with the email (encrypted like the rest). */
  async summarize(tenant: string, id: string): Promise<string> {
    if (!this.llm)
      throw new NemoError(ErrorCode.Unavailable, 'Summaries need the llm service, which is not configured.');
    const email = await this.get(tenant, id);
    const res = await this.llm.call<ChatCompletion>('/v1/chat/completions', {
      method: 'POST',
      tenant,
      body: {
        messages: [
          { role: 'system', content: 'Summarise the email in two sentences. Name who asks what, and any dates.' },
          { role: 'user', content: emailText(email) },
        ],
        max_tokens: 160,
      },
    });
    const summary = res.body.choices?.[0]?.message?.content?.trim();
    if (res.status !== 200 || !summary) {
      throw new NemoError(ErrorCode.UpstreamFailed, 'The llm service did not return a summary.');
    }
    await this.emails.put(tenant, id, { ...email, summary });
    return summary;
  }
}
