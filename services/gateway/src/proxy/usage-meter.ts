import { Transform, type Readable, type TransformCallback } from 'node:stream';

/** Reads the usage a chat response reports: `usage.total_tokens`, else one token per streamed chunk. */
export function tokensOf(body: unknown): number {
  const total = (body as { usage?: { total_tokens?: unknown } } | null)?.usage?.total_tokens;
  return typeof total === 'number' && total >= 0 ? total : 0;
}

/**
 * Watches an SSE chat stream go by, unchanged, and reports the tokens it
 * used when it ends: the final usage chunk when the peer sends one, else a
 * count of content chunks (one token each, as generation streams them).
 */
export function meterStream(source: Readable, onEnd: (tokens: number) => void): Readable {
  let pending = '';
  let chunks = 0;
  let reported = 0;
  const scan = (line: string) => {
    if (!line.startsWith('data:')) return;
    const data = line.slice(5).trim();
    if (data === '[DONE]' || data === '') return;
    chunks += 1;
    try {
      reported = tokensOf(JSON.parse(data)) || reported;
    } catch {
      // a chunk we cannot read still passes through unchanged
    }
  };
  const meter = new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      const lines = (pending + chunk.toString('utf8')).split('\n');
      pending = lines.pop() ?? '';
      lines.forEach(scan);
      callback(null, chunk);
    },
    flush(callback: TransformCallback) {
      scan(pending);
      onEnd(reported || chunks);
      callback();
    },
  });
  source.once('error', (err) => meter.destroy(err));
  return source.pipe(meter);
}
