import { setImmediate as yieldToRequests } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { EmailStore } from '../email/email-store.js';
import type { DocumentStore } from './document-store.js';

/**
 * Re-encrypts data found under the previous key with the primary one, in the
 * background: the document store by writing a fresh snapshot, emails in
 * small batches that yield to requests between them. Reads keep working
 * throughout because both keys stay in the key rings.
 */
export async function reencryptInBackground(
  documents: DocumentStore,
  emails: EmailStore | undefined,
  logger: Logger,
): Promise<void> {
  if (documents.needsReencryption) {
    await documents.compact();
    logger.info('Re-encrypted the document store under the primary key');
  }
  if (!emails) return;
  let total = 0;
  for (let n = await emails.reencryptBatch(); n > 0; n = await emails.reencryptBatch()) {
    total += n;
    await yieldToRequests();
  }
  if (total > 0) logger.info({ emails: total }, 'Re-encrypted emails under the primary key');
}
