import { badRequest, ErrorCode, NemoError } from '@nemo/common';
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { decodeUpload } from '../audio/decode.js';
import { CONTENT_TYPES, exportFormat, render } from '../export.js';
import { ownerOf } from '../owner.js';
import type { FileRequest, JobEvent, TranscriptionService } from '../service.js';
import { transcriptView, type Transcript } from '../transcript.js';

/** The body's type is only a hint: the file's first bytes decide how it is read. */
export const AUDIO_CONTENT_TYPES = [
  'audio/wav',
  'audio/x-wav',
  'audio/wave',
  'audio/vnd.wave',
  'audio/mpeg',
  'audio/mp3',
  'audio/mp4',
  'audio/m4a',
  'audio/x-m4a',
  'audio/aac',
  'audio/ogg',
  'audio/opus',
  'audio/flac',
  'audio/x-flac',
  'audio/webm',
  'video/webm',
  'application/octet-stream',
];

const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
type IdParams = Static<typeof IdParams>;

export const UploadQuery = Type.Object(
  {
    language: Type.Optional(
      Type.String({ pattern: '^[a-z]{2,3}$', description: 'Language code (the default model: en).' }),
    ),
    diarization: Type.Optional(Type.Boolean({ description: 'Label speakers (default: the service setting).' })),
    speakers: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 32, description: 'The number of speakers, if known.' }),
    ),
    maxSpeakers: Type.Optional(Type.Integer({ minimum: 1, maximum: 32 })),
    filename: Type.Optional(Type.String({ maxLength: 256 })),
  },
  { additionalProperties: false },
);
export type UploadQuery = Static<typeof UploadQuery>;

const ExportQuery = Type.Object({ format: Type.Optional(Type.String({ maxLength: 8 })) });

export interface UploadLimits {
  readonly maxBytes: number;
  readonly maxSeconds: number;
}

const tags = ['transcriptions'];

/** An upload checked and decoded to 16 kHz mono, with the request's options. */
export async function fileRequest(
  body: unknown,
  query: UploadQuery,
  svc: TranscriptionService,
  limits: UploadLimits,
): Promise<FileRequest> {
  if (!Buffer.isBuffer(body) || body.length === 0) throw badRequest('Send the audio file as the request body.');
  const audio = await decodeUpload(body, { python: svc.python, maxSeconds: limits.maxSeconds });
  const name = query.filename?.slice(0, 256);
  return { audio, filename: name ? name.replace(/[^\w. -]/g, '_') : null, ...options(query) };
}

function options(query: UploadQuery): Omit<FileRequest, 'audio' | 'filename'> {
  const { language, diarization, speakers, maxSpeakers } = query;
  return {
    ...(language ? { language } : {}),
    ...(diarization !== undefined ? { diarization } : {}),
    ...(speakers ? { speakers } : {}),
    ...(maxSpeakers ? { maxSpeakers } : {}),
  };
}

/** Refuses a declared body over the limit before reading it, saying what the limit is. */
export function checkDeclaredSize(request: FastifyRequest, maxBytes: number): void {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > maxBytes) {
    throw new NemoError(
      ErrorCode.PayloadTooLarge,
      `The audio is ${(declared / 1e6).toFixed(1)} MB; this service takes up to ${(maxBytes / 1e6).toFixed(1)} MB.`,
    );
  }
}

/** File transcription jobs: upload, status, progress events, exports, list and delete. */
export function transcriptionRoutes(app: FastifyInstance, svc: TranscriptionService, limits: UploadLimits): void {
  void app.register((scope, _opts, done) => {
    // Audio only: a JSON or text body is refused with 415, not read as audio.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      AUDIO_CONTENT_TYPES,
      { parseAs: 'buffer', bodyLimit: limits.maxBytes },
      (_r, body, next) => next(null, body),
    );
    scope.post<{ Querystring: UploadQuery }>(
      '/v1/transcriptions',
      {
        bodyLimit: limits.maxBytes,
        onRequest: (request, _reply, next) => next(sizeError(request, limits.maxBytes)),
        schema: {
          tags,
          summary:
            'Transcribe an audio file (WAV, MP3, M4A, OGG, FLAC or WebM; the request body) as a job; follow it with GET or SSE',
          consumes: AUDIO_CONTENT_TYPES,
          querystring: UploadQuery,
        },
      },
      async (request, reply) => {
        const input = await fileRequest(request.body, request.query, svc, limits);
        const transcript = svc.submit(ownerOf(request.caller), input);
        return reply
          .code(202)
          .header('location', `/v1/transcriptions/${transcript.id}`)
          .send(transcriptView(transcript, false));
      },
    );
    done();
  });

  app.get(
    '/v1/transcriptions',
    { schema: { tags, summary: "The caller's transcripts, newest first" } },
    async (request) => ({
      transcripts: (await svc.list(ownerOf(request.caller))).map((t) => transcriptView(t, false)),
    }),
  );

  app.get<{ Params: IdParams }>(
    '/v1/transcriptions/:id',
    { schema: { tags, summary: 'A transcript: status, progress, speakers and segments', params: IdParams } },
    async (request) => transcriptView(await svc.get(ownerOf(request.caller), request.params.id)),
  );

  app.get<{ Params: IdParams }>(
    '/v1/transcriptions/:id/events',
    {
      schema: {
        tags,
        summary: 'Server-sent events: status, progress, segment, then completed or failed',
        params: IdParams,
      },
    },
    (request, reply) => events(svc, request, reply),
  );

  app.get<{ Params: IdParams; Querystring: Static<typeof ExportQuery> }>(
    '/v1/transcriptions/:id/export',
    {
      schema: { tags, summary: 'The transcript as txt, srt, vtt or json', params: IdParams, querystring: ExportQuery },
    },
    async (request, reply) => {
      const format = exportFormat(request.query.format);
      const t = await svc.get(ownerOf(request.caller), request.params.id);
      if (t.status !== 'completed') {
        throw new NemoError(ErrorCode.Conflict, `The transcript is ${t.status}; exports exist once it is completed.`);
      }
      return reply
        .type(CONTENT_TYPES[format])
        .header('content-disposition', `attachment; filename="transcript-${t.id}.${format}"`)
        .send(render(t, format));
    },
  );

  app.delete<{ Params: IdParams }>(
    '/v1/transcriptions/:id',
    { schema: { tags, summary: 'Delete a transcript (stops it if it runs)', params: IdParams } },
    async (request, reply) => {
      await svc.delete(ownerOf(request.caller), request.params.id);
      return reply.code(204).send();
    },
  );
}

function sizeError(request: FastifyRequest, maxBytes: number): Error | undefined {
  try {
    checkDeclaredSize(request, maxBytes);
    return undefined;
  } catch (err) {
    return err as Error;
  }
}

const sse = (event: string, data: unknown): string => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

/** The transcript as it stands, then every event until it completes or fails (or the client leaves). */
async function events(svc: TranscriptionService, request: FastifyRequest<{ Params: IdParams }>, reply: FastifyReply) {
  const out = reply.raw;
  const write = (e: JobEvent): void => {
    out.write(sse(e.type, eventData(e)));
    if (e.type === 'completed' || e.type === 'failed') out.end();
  };
  const [transcript, stop] = await svc.follow(ownerOf(request.caller), request.params.id, write);
  reply.hijack();
  out.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    'x-request-id': request.id,
    'x-accel-buffering': 'no',
  });
  out.on('close', stop);
  out.write(sse('status', transcriptView(transcript, true)));
  const final = finalEvent(transcript);
  if (final) {
    stop();
    write(final);
  }
}

function finalEvent(t: Transcript): JobEvent | undefined {
  if (t.status === 'completed') return { type: 'completed', transcript: t };
  if (t.status === 'failed' && t.error) return { type: 'failed', error: t.error };
  return undefined;
}

function eventData(e: JobEvent): unknown {
  if (e.type === 'completed') return transcriptView(e.transcript);
  if (e.type === 'failed') return { error: e.error };
  const { type: _type, ...rest } = e;
  return rest;
}
