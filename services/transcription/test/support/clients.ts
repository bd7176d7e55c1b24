import { WebSocket } from 'ws';

export interface SseEvent {
  event: string;
  data: unknown;
  /** ms since the stream opened. */
  at: number;
}

/** Reads a server-sent event stream to its end. */
export async function readSse(res: Response): Promise<SseEvent[]> {
  const started = performance.now();
  const events: SseEvent[] = [];
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
      const data = /^data: (.*)$/m.exec(block)?.[1];
      events.push({ event, data: data === undefined ? undefined : JSON.parse(data), at: performance.now() - started });
    }
  }
  return events;
}

export interface LiveMessage {
  type: string;
  [key: string]: unknown;
}

export interface LiveRun {
  messages: (LiveMessage & { at: number })[];
  /** ms after opening when the last audio frame was sent. */
  audioEndedAt: number;
  closeCode: number;
}

/**
 * Streams 16 kHz samples as 16-bit PCM frames of `chunkMs`, paced at `speed`
 * times real time, then sends {"type":"end"} and collects every message until the server closes.
 */
export async function streamLive(
  url: string,
  headers: Record<string, string>,
  audio: Float32Array,
  pacing: { chunkMs: number; speed: number },
): Promise<LiveRun> {
  const ws = new WebSocket(url, { headers });
  const started = performance.now();
  const messages: LiveRun['messages'] = [];
  ws.on('message', (data) =>
    messages.push({
      ...(JSON.parse((data as Buffer).toString('utf8')) as LiveMessage),
      at: performance.now() - started,
    }),
  );
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const step = Math.round((16000 * pacing.chunkMs) / 1000);
  for (let at = 0; at < audio.length; at += step) {
    const chunk = audio.subarray(at, at + step);
    const pcm = Int16Array.from(chunk, (s) => Math.max(-32768, Math.min(32767, Math.round(s * 32767))));
    ws.send(Buffer.from(pcm.buffer));
    await new Promise((r) => setTimeout(r, pacing.chunkMs / pacing.speed));
  }
  const audioEndedAt = performance.now() - started;
  ws.send(JSON.stringify({ type: 'end' }));
  return { messages, audioEndedAt, closeCode: await closed };
}

/** The HTTP status a refused WebSocket upgrade answered with. */
export function refusedUpgrade(
  url: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    ws.on('open', () => reject(new Error('the upgrade was accepted')));
    ws.on('error', () => undefined);
  });
}
