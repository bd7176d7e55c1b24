import { describe, expect, it } from 'vitest';
import { sseData, sseEvents } from './sse.js';

/** A body that arrives in the given pieces, as a network would split it. */
function body(...pieces: string[]): ReadableStream<Uint8Array> {
  const bytes = pieces.map((p) => new TextEncoder().encode(p));
  return new ReadableStream({
    pull(controller) {
      const next = bytes.shift();
      if (next) controller.enqueue(next);
      else controller.close();
    },
  });
}

const collect = async (stream: ReadableStream<Uint8Array>): Promise<string[]> => {
  const out: string[] = [];
  for await (const data of sseData(stream)) out.push(data);
  return out;
};

describe('sseData', () => {
  it('yields each event once, whatever the chunking, across CRLF and multi-line data', async () => {
    const text = 'data: {"a":1}\n\n: comment\r\ndata: x\r\ndata: y\r\n\r\ndata: [DONE]\n\n';
    const whole = await collect(body(text));
    expect(whole).toEqual(['{"a":1}', 'x\ny', '[DONE]']);
    expect(await collect(body(...text.split('')))).toEqual(whole);
  });

  it('decodes a multi-byte character split between chunks', async () => {
    const bytes = new TextEncoder().encode('data: café\n\n');
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes.slice(0, 10));
        controller.enqueue(bytes.slice(10));
        controller.close();
      },
    });
    expect(await collect(stream)).toEqual(['café']);
  });
});

describe('sseEvents', () => {
  it('names each event, "message" when the stream gives no name', async () => {
    const events: unknown[] = [];
    const text = 'event: progress\ndata: {"f":0.5}\n\ndata: plain\n\nevent: completed\r\ndata: {}\r\n\r\n';
    for await (const e of sseEvents(body(...text.split('')))) events.push(e);
    expect(events).toEqual([
      { event: 'progress', data: '{"f":0.5}' },
      { event: 'message', data: 'plain' },
      { event: 'completed', data: '{}' },
    ]);
  });
});
