import { ErrorCode, NemoError, type S2SClaims } from '@nemo/common';
import type { Owner } from './transcript.js';

/** The transcript owner from the verified S2S token; transcripts belong to a user. */
export function ownerOf(caller: S2SClaims | undefined): Owner {
  if (!caller?.subject || !caller.tenant) {
    throw new NemoError(ErrorCode.Forbidden, 'Transcripts belong to a user: the service token must name one.');
  }
  return { tenant: caller.tenant, subject: caller.subject };
}
