import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { errors, type Dispatcher } from 'undici';

/**
 * Answers up to this size with a declared length are collected whole and
 * handed over as one buffer. A stream per answer (what undici's request()
 * gives) cost the gateway more per request than the copy.
 */
export const WHOLE_BODY_LIMIT = 64 * 1024;

/** A peer's answer body: small ones whole, anything else (SSE included) as a stream. */
export type PeerBody = { kind: 'whole'; bytes: Buffer } | { kind: 'stream'; stream: Readable };

export interface PeerAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: PeerBody;
}

/** The peer sent its status and headers, then failed to deliver the body it declared. */
export class BodyBrokenOff extends Error {
  constructor(override readonly cause: Error) {
    super('the peer broke off its answer', { cause });
  }
}

/**
 * One call through undici's dispatcher. Resolves at the answer's headers
 * with a stream, or at its end with the whole body (see WHOLE_BODY_LIMIT).
 * The call is abandoned if `client` (the response of the request it serves)
 * closes unfinished: the client hung up.
 */
export function dispatchToPeer(
  dispatcher: Dispatcher,
  options: Dispatcher.DispatchOptions,
  client: ServerResponse | undefined,
): Promise<PeerAnswer> {
  return new Promise((resolve, reject) => {
    dispatcher.dispatch(options, new AnswerHandler(resolve, reject, client));
  });
}

/** A server-sent event stream: never collected whole, and relayed unbuffered. */
export const isEventStream = (headers: Readonly<Record<string, string | string[] | undefined>>): boolean =>
  String(headers['content-type'] ?? '').startsWith('text/event-stream');

const wantsWhole = (headers: IncomingHttpHeaders): boolean => {
  const declared = headers['content-length'];
  if (declared === undefined || isEventStream(headers)) return false;
  return Number(declared) <= WHOLE_BODY_LIMIT;
};

class AnswerHandler implements Dispatcher.DispatchHandler {
  private controller: Dispatcher.DispatchController | undefined;
  private head: Omit<PeerAnswer, 'body'> | undefined;
  private chunks: Buffer[] = [];
  private stream: Readable | undefined;
  private readonly abandon = () => {
    if (!this.client?.writableFinished) this.controller?.abort(new errors.RequestAbortedError());
  };

  constructor(
    private readonly resolve: (answer: PeerAnswer) => void,
    private readonly reject: (err: Error) => void,
    private readonly client: ServerResponse | undefined,
  ) {}

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    this.client?.once('close', this.abandon);
  }

  onResponseStart(controller: Dispatcher.DispatchController, status: number, headers: IncomingHttpHeaders): void {
    if (status < 200) return; // 1xx: the real answer follows
    this.head = { status, headers };
    if (wantsWhole(headers)) return;
    this.stream = new Readable({
      read: () => controller.resume(),
      destroy: (err, callback) => {
        // The consumer gave up (the client left): stop the peer's answer too.
        if (!controller.aborted && !this.stream?.readableEnded)
          controller.abort(err ?? new errors.RequestAbortedError());
        callback(err);
      },
    });
    this.resolve({ ...this.head, body: { kind: 'stream', stream: this.stream } });
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (!this.stream) this.chunks.push(chunk);
    else if (!this.stream.push(chunk)) controller.pause();
  }

  onResponseEnd(): void {
    this.client?.off('close', this.abandon);
    if (this.stream) this.stream.push(null);
    else if (this.head) {
      const bytes = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
      this.resolve({ ...this.head, body: { kind: 'whole', bytes } });
    }
  }

  onResponseError(_controller: Dispatcher.DispatchController, err: Error): void {
    this.client?.off('close', this.abandon);
    if (this.stream) this.stream.destroy(err);
    else this.reject(this.head ? new BodyBrokenOff(err) : err);
  }
}

/** The body as text, read to its end. */
export async function bodyText(body: PeerBody): Promise<string> {
  if (body.kind === 'whole') return body.bytes.toString('utf8');
  const chunks: Buffer[] = [];
  for await (const chunk of body.stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The body as fastify sends it. */
export const payloadOf = (body: PeerBody): Buffer | Readable => (body.kind === 'whole' ? body.bytes : body.stream);

/** The body as a stream, for consumers that transform it. */
export const streamOf = (body: PeerBody): Readable =>
  body.kind === 'whole' ? Readable.from([body.bytes], { objectMode: false }) : body.stream;

/** Lets go of a body nobody will read. */
export function discard(body: PeerBody): void {
  if (body.kind === 'stream') body.stream.destroy();
}
