import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { ErrorCode, NemoError } from '@nemo/common';

export const tooLarge = (): NemoError =>
  new NemoError(ErrorCode.PayloadTooLarge, 'The request body is larger than this endpoint accepts.');

/**
 * Passes a streamed request body through while counting it, and fails the
 * stream once it exceeds `limit` (a declared Content-Length is checked before
 * any byte is read, by the caller).
 */
export function limitStream(source: Readable, limit: number): Readable {
  let seen = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      seen += chunk.length;
      callback(seen > limit ? tooLarge() : null, chunk);
    },
  });
  source.once('error', (err) => counter.destroy(err));
  return source.pipe(counter);
}
