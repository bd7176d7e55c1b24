import type { MultipartFile } from '@fastify/multipart';
import multipart from '@fastify/multipart';
import { badRequest, ErrorCode, NemoError } from '@nemo/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { FormData } from 'undici';
import { bodyText } from '../proxy/peer-dispatch.js';
import { passedHeaders } from '../proxy/relay.js';
import { errorResponses } from '../schemas.js';
import type { GatewayServices } from '../services.js';
import { charge, safeJson } from './openai-shared.js';

/** OpenAI's own limit for an uploaded audio file. */
export const AUDIO_LIMIT = 25 * 1024 * 1024;
const FIELDS = new Set(['model', 'language', 'prompt', 'response_format', 'temperature', 'timestamp_granularities[]']);

interface Upload {
  file: { name: string; type: string; data: Buffer } | undefined;
  fields: Map<string, string>;
}

/**
 * POST /v1/audio/transcriptions (multipart, as OpenAI's). The upload is read
 * and checked here (one file, known fields, size), then sent on to the
 * transcription service as a fresh multipart body. Audio seconds are charged
 * from the answer's `duration`, or the peer's x-nemo-audio-seconds header
 * for text formats.
 */
export async function audioRoutes(app: FastifyInstance, svc: GatewayServices): Promise<void> {
  await app.register(async (scope) => {
    await scope.register(multipart, {
      limits: { fileSize: AUDIO_LIMIT, files: 1, fields: 12, fieldSize: 4096, parts: 14, headerPairs: 100 },
    });
    scope.post(
      '/v1/audio/transcriptions',
      {
        bodyLimit: AUDIO_LIMIT + 64 * 1024,
        config: { auth: 'user', apiKeys: true, budget: 'audio-seconds' },
        schema: {
          tags: ['openai'],
          security: [{ bearer: [] }],
          summary: 'Transcribe an audio file (multipart/form-data: file, model, ...)',
          consumes: ['multipart/form-data'],
          response: errorResponses(400, 401, 413, 415, 429, 502, 503, 504),
        },
      },
      async (request, reply) => transcribe(request, reply, svc),
    );
  });
}

async function transcribe(request: FastifyRequest, reply: FastifyReply, svc: GatewayServices) {
  if (!request.isMultipart()) {
    throw new NemoError(ErrorCode.UnsupportedMediaType, 'Send the audio as multipart/form-data.');
  }
  const upload = await readUpload(request);
  if (!upload.file) throw badRequest('The form has no file part; send the audio as "file".');
  if (!upload.fields.get('model')) throw badRequest('The form has no model field.');
  const form = new FormData();
  for (const [name, value] of upload.fields) form.append(name, value);
  form.append('file', new Blob([upload.file.data], { type: upload.file.type }), upload.file.name);
  const res = await svc.upstreams.call(request, {
    service: 'transcription',
    method: 'POST',
    path: '/v1/audio/transcriptions',
    body: form,
    timeoutMs: svc.timeouts.generationMs,
    client: reply.raw,
  });
  const text = await bodyText(res.body);
  if (res.status < 300) charge(request, svc, 'audio-seconds', audioSeconds(text, res.headers));
  return reply.code(res.status).headers(passedHeaders(res.headers)).send(text);
}

async function readUpload(request: FastifyRequest): Promise<Upload> {
  const upload: Upload = { file: undefined, fields: new Map() };
  for await (const part of request.parts()) {
    if (part.type === 'file') {
      upload.file = await readFile(part);
    } else if (FIELDS.has(part.fieldname) && typeof part.value === 'string') {
      upload.fields.set(part.fieldname, part.value);
    }
  }
  return upload;
}

async function readFile(part: MultipartFile): Promise<NonNullable<Upload['file']>> {
  const data = await part.toBuffer();
  if (part.file.truncated) throw new NemoError(ErrorCode.PayloadTooLarge, 'The audio file is larger than 25 MB.');
  const name = part.filename.replace(/[^\w.-]/g, '_').slice(0, 128) || 'audio';
  return { name, type: part.mimetype || 'application/octet-stream', data };
}

function audioSeconds(text: string, headers: Record<string, string | string[] | undefined>): number {
  const duration = (safeJson(text) as { duration?: unknown } | undefined)?.duration;
  if (typeof duration === 'number') return duration;
  const header = Number(headers['x-nemo-audio-seconds']);
  return Number.isFinite(header) ? header : 0;
}
