import { ErrorCode, NemoError } from '@nemo/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Admission, Answer, ChatService, Prepared, RequestContext } from '../chat-service.js';
import { chunkEvent, completionBody, ChatCompletionRequest, DONE_EVENT } from '../openai.js';

/** Aborts when the client hangs up before the answer is complete. */
export function clientGone(request: FastifyRequest, reply: FastifyReply): AbortSignal {
  const gone = new AbortController();
  const onClose = (): void => {
    if (!reply.raw.writableFinished) gone.abort(new Error('The client closed the connection.'));
  };
  reply.raw.once('close', onClose);
  request.raw.once('aborted', onClose);
  return gone.signal;
}

function contextOf(request: FastifyRequest, reply: FastifyReply): RequestContext {
  return { caller: request.caller, requestId: request.id, signal: clientGone(request, reply) };
}

/** POST /v1/chat/completions: OpenAI's format, streamed as server-sent events when `stream` is set. */
export function chatRoutes(app: FastifyInstance, chat: ChatService): void {
  app.post<{ Body: ChatCompletionRequest }>(
    '/v1/chat/completions',
    { schema: { tags: ['chat'], summary: 'Chat completion (OpenAI-compatible)', body: ChatCompletionRequest } },
    async (request, reply) => {
      const prepared = await chat.prepare(request.body, contextOf(request, reply));
      const admission = await chat.admit(prepared);
      try {
        if (request.body.stream) return await stream(chat, prepared, reply, admission);
        const answer = await chat.generate(prepared, admission);
        if (answer.generation.stopReason === 'abort' && !prepared.ctx.signal.aborted) throw leaseEnded();
        return completionBody(prepared.meta, answer, chat.extensions(prepared));
      } finally {
        await admission.release();
      }
    },
  );
}

async function stream(
  chat: ChatService,
  prepared: Prepared,
  reply: FastifyReply,
  admission: Admission,
): Promise<FastifyReply> {
  const { meta } = prepared;
  reply.hijack();
  const out = reply.raw;
  out.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    'x-request-id': prepared.ctx.requestId,
    'x-accel-buffering': 'no',
  });
  const ext = chat.extensions(prepared);
  out.write(chunkEvent(meta, { role: 'assistant', content: '' }, null, ext));
  let answer: Answer;
  try {
    answer = await chat.generate(prepared, admission, (text) => out.write(chunkEvent(meta, { content: text }, null)));
  } catch (err) {
    reply.log.error({ err }, 'Generation failed mid-stream');
    if (!prepared.ctx.signal.aborted) out.write(`data: ${JSON.stringify(streamError(err, prepared))}\n\n`);
    out.end();
    return reply;
  }
  if (answer.generation.stopReason === 'abort') return endAborted(reply, prepared);
  out.write(chunkEvent(meta, {}, answer.finish));
  const tail = answer.conversationId ? { conversation_id: answer.conversationId } : {};
  out.write(chunkEvent(meta, undefined, null, { usage: answer.usage, ...tail }));
  out.end(DONE_EVENT);
  return reply;
}

const leaseEnded = (): NemoError =>
  new NemoError(ErrorCode.Unavailable, 'The GPU lease ended before the answer was complete; retry the request.', {
    retryAfterSeconds: 1,
  });

/** Stopped because the client left (nothing to say) or the lease ended (say so). */
function endAborted(reply: FastifyReply, prepared: Prepared): FastifyReply {
  if (!prepared.ctx.signal.aborted) reply.raw.write(`data: ${JSON.stringify(streamError(leaseEnded(), prepared))}\n\n`);
  reply.raw.end();
  return reply;
}

/** Headers are gone once a stream starts: a late failure is one last event in the error shape. */
function streamError(err: unknown, prepared: Prepared) {
  const code = (err as { code?: unknown }).code;
  const known = typeof code === 'string' && code.startsWith('NEMO_ERR_');
  return {
    error: {
      code: known ? code : 'NEMO_ERR_INTERNAL',
      message: known ? (err as Error).message : 'Generation failed.',
      requestId: prepared.ctx.requestId,
    },
  };
}
