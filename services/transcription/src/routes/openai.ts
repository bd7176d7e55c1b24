import multipart from '@fastify/multipart';
import { badRequest, ErrorCode, NemoError } from '@nemo/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { toSrt, toVtt } from '../export.js';
import { ownerOf } from '../owner.js';
import type { TranscriptionService } from '../service.js';
import { textOf, type Transcript } from '../transcript.js';
import { checkDeclaredSize, fileRequest, type UploadLimits } from './transcriptions.js';

const FORMATS = ['json', 'text', 'srt', 'verbose_json', 'vtt'] as const;
type ResponseFormat = (typeof FORMATS)[number];

const LANGUAGE_NAMES: Readonly<Record<string, string>> = { en: 'english' };

interface Form {
  file: { name: string; data: Buffer } | undefined;
  fields: Map<string, string>;
}

/**
 * POST /v1/audio/transcriptions as OpenAI's: multipart (file, model,
 * language, response_format; other fields are ignored), answered when the
 * transcription is done. Any model name is accepted (clients send
 * whisper-1); the catalog model of this service decodes. The gateway charges
 * audio seconds from `duration`, or from x-nemo-audio-seconds for text formats.
 */
export async function openAiRoutes(app: FastifyInstance, svc: TranscriptionService, limits: UploadLimits) {
  await app.register(async (scope) => {
    await scope.register(multipart, {
      limits: { fileSize: limits.maxBytes, files: 1, fields: 12, fieldSize: 4096, parts: 14, headerPairs: 100 },
    });
    scope.post(
      '/v1/audio/transcriptions',
      {
        bodyLimit: limits.maxBytes + 64 * 1024,
        onRequest: (request, _reply, next) => {
          try {
            checkDeclaredSize(request, limits.maxBytes + 64 * 1024);
            next();
          } catch (err) {
            next(err as Error);
          }
        },
        schema: {
          tags: ['openai'],
          summary: 'Transcribe an audio file (OpenAI-compatible multipart)',
          consumes: ['multipart/form-data'],
        },
      },
      (request, reply) => transcribe(svc, limits, request, reply),
    );
  });
}

async function transcribe(
  svc: TranscriptionService,
  limits: UploadLimits,
  request: FastifyRequest,
  reply: FastifyReply,
) {
  if (!request.isMultipart())
    throw new NemoError(ErrorCode.UnsupportedMediaType, 'Send the audio as multipart/form-data.');
  const form = await readForm(request, limits.maxBytes);
  if (!form.file) throw badRequest('The form has no file part; send the audio as "file".');
  const format = responseFormat(form.fields.get('response_format'));
  const language = form.fields.get('language');
  const query = { ...(language ? { language } : {}), filename: form.file.name };
  const input = await fileRequest(form.file.data, query, svc, limits);
  const gone = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) gone.abort(new Error('The client closed the connection.'));
  });
  const t = await svc.run(ownerOf(request.caller), input, gone.signal);
  void reply.header('x-nemo-audio-seconds', t.durationSeconds.toFixed(3));
  return answer(reply, t, format);
}

async function readForm(request: FastifyRequest, maxBytes: number): Promise<Form> {
  const form: Form = { file: undefined, fields: new Map() };
  for await (const part of request.parts()) {
    if (part.type === 'file') {
      const data = await part.toBuffer();
      if (part.file.truncated) {
        throw new NemoError(
          ErrorCode.PayloadTooLarge,
          `The audio file is larger than ${(maxBytes / 1e6).toFixed(1)} MB.`,
        );
      }
      form.file = { name: part.filename, data };
    } else if (typeof part.value === 'string') {
      form.fields.set(part.fieldname, part.value);
    }
  }
  return form;
}

function responseFormat(value: string | undefined): ResponseFormat {
  const format = value ?? 'json';
  if ((FORMATS as readonly string[]).includes(format)) return format as ResponseFormat;
  throw badRequest(`response_format must be one of ${FORMATS.join(', ')}.`);
}

function answer(reply: FastifyReply, t: Transcript, format: ResponseFormat) {
  if (format === 'text') return reply.type('text/plain; charset=utf-8').send(`${textOf(t.segments)}\n`);
  if (format === 'srt') return reply.type('application/x-subrip; charset=utf-8').send(toSrt(t.segments));
  if (format === 'vtt') return reply.type('text/vtt; charset=utf-8').send(toVtt(t.segments));
  if (format === 'json') return { text: textOf(t.segments) };
  return verbose(t);
}

/** OpenAI's verbose_json (segments only: word timestamps are not kept), plus each segment's speaker. */
function verbose(t: Transcript) {
  return {
    task: 'transcribe',
    language: LANGUAGE_NAMES[t.language] ?? t.language,
    duration: t.durationSeconds,
    text: textOf(t.segments),
    segments: t.segments.map((s) => ({
      id: s.id,
      seek: 0,
      start: s.start,
      end: s.end,
      text: s.text,
      tokens: [],
      temperature: 0,
      avg_logprob: Math.log(s.confidence),
      compression_ratio: 0,
      no_speech_prob: 0,
      speaker: s.speaker,
    })),
  };
}
