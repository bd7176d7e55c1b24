/** One server-sent event: its `event:` name ('message' when it has none) and its joined `data:` lines. */
export interface SseEvent {
  event: string;
  data: string;
}

/** The events of a server-sent event stream, as they arrive. */
export async function* sseEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<SseEvent> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let pending = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      pending += decoder.decode(value, { stream: true });
      const events = pending.split(/\r?\n\r?\n/);
      pending = events.pop() ?? '';
      yield* parsedEvents(events);
    }
  } finally {
    reader.releaseLock();
  }
}

/** The `data:` payloads of a server-sent event stream, as they arrive. */
export async function* sseData(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  for await (const { data } of sseEvents(body)) yield data;
}

function* parsedEvents(events: readonly string[]): Generator<SseEvent> {
  for (const event of events) {
    const parsed = parseEvent(event);
    if (parsed) yield parsed;
  }
}

function parseEvent(event: string): SseEvent | undefined {
  const lines = event.split(/\r?\n/);
  const data = lines.filter((line) => line.startsWith('data:')).map((line) => line.slice(5).trimStart());
  if (!data.length) return undefined;
  const name = lines
    .find((line) => line.startsWith('event:'))
    ?.slice(6)
    .trim();
  return { event: name || 'message', data: data.join('\n') };
}
