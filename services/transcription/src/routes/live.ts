import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  ErrorCode,
  isNemoError,
  NemoError,
  requestIdFrom,
  statusOf,
  type Logger,
  type S2SVerifier,
} from '@nemo/common';
import type { FastifyInstance } from 'fastify';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { LiveSession, type LiveDeps, type LiveOptions } from '../live.js';
import { ownerOf } from '../owner.js';

export const LIVE_PATH = '/v1/live';

export interface LiveRouteOptions {
  readonly deps: LiveDeps;
  readonly s2s: S2SVerifier;
  readonly maxStreams: number;
  readonly diarization: boolean;
  readonly logger: Logger;
}

/**
 * GET /v1/live upgrades to a WebSocket (see LiveSession for the protocol).
 * The upgrade needs a valid S2S token naming a user, like every other route;
 * ?language= and ?diarization= set the stream up; audio must be 16 kHz.
 */
export function liveRoutes(app: FastifyInstance, options: LiveRouteOptions): void {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  const sessions = new Set<LiveSession>();
  app.server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    admit(request, options, sessions.size)
      .then((params) =>
        wss.handleUpgrade(request, socket, head, (ws) => {
          const session = new LiveSession(ws, params.owner, options.deps, params.settings);
          sessions.add(session);
          attach(ws, session, () => sessions.delete(session));
        }),
      )
      .catch((err: unknown) => refuse(socket, err, request, options.logger));
  });
  app.addHook('onClose', async () => {
    for (const ws of wss.clients) ws.close(1001, 'The service is shutting down.');
    await Promise.all([...sessions].map((s) => s.abandon()));
    wss.close();
  });
}

async function admit(request: IncomingMessage, options: LiveRouteOptions, active: number) {
  const url = new URL(request.url ?? '/', 'http://local');
  if (url.pathname !== LIVE_PATH) throw new NemoError(ErrorCode.NotFound, 'There is no WebSocket endpoint here.');
  const owner = ownerOf(await options.s2s.verify(tokenOf(request)));
  if (active >= options.maxStreams) {
    throw new NemoError(ErrorCode.Unavailable, `This replica is serving ${active} streams, its most; retry shortly.`, {
      retryAfterSeconds: 2,
    });
  }
  return { owner, settings: streamSettings(url.searchParams, options.diarization) };
}

function tokenOf(request: IncomingMessage): string {
  const token = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(request.headers.authorization ?? '')?.[1];
  if (token) return token;
  throw new NemoError(ErrorCode.AuthRequired, 'This internal endpoint needs a service token (Authorization: Bearer).');
}

/** ?sampleRate (16000 only), ?language, ?diarization. */
function streamSettings(params: URLSearchParams, diarizeByDefault: boolean): LiveOptions {
  const rate = params.get('sampleRate');
  if (rate !== null && rate !== '16000') {
    throw new NemoError(ErrorCode.BadRequest, 'Live audio is 16 kHz mono 16-bit PCM: sampleRate=16000.');
  }
  const language = params.get('language') ?? undefined;
  if (language !== undefined && !/^[a-z]{2,3}$/.test(language)) {
    throw new NemoError(ErrorCode.BadRequest, 'language is a code such as en.');
  }
  const diarization = params.get('diarization');
  return {
    ...(language ? { language } : {}),
    diarization: diarization === null ? diarizeByDefault : diarization === 'true',
  };
}

function attach(ws: WebSocket, session: LiveSession, forget: () => void): void {
  session.start();
  ws.on('message', (data: RawData, isBinary: boolean) => {
    if (isBinary) return session.audio(toBuffer(data));
    const message = parseControl(data);
    if (message?.type === 'end') void session.end();
    else
      ws.send(
        JSON.stringify({
          type: 'error',
          error: {
            code: ErrorCode.BadRequest,
            message: 'Text frames are {"type":"end"}; audio goes in binary frames.',
          },
        }),
      );
  });
  ws.on('close', () => {
    forget();
    void session.abandon();
  });
  ws.on('error', () => ws.terminate());
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  return Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
}

function parseControl(data: RawData): { type?: unknown } | undefined {
  try {
    return JSON.parse(toBuffer(data).toString('utf8')) as { type?: unknown };
  } catch {
    return undefined;
  }
}

/** An HTTP error in the platform's shape on the raw socket, then closed. */
function refuse(socket: Duplex, err: unknown, request: IncomingMessage, logger: Logger): void {
  const known = isNemoError(err)
    ? err
    : new NemoError(ErrorCode.Internal, 'Internal error; the request id identifies it in the logs.');
  if (!isNemoError(err)) logger.error({ err }, 'WebSocket upgrade failed');
  const requestId = requestIdFrom(request.headers['x-request-id']);
  const body = JSON.stringify({ error: { code: known.code, message: known.message, requestId } });
  const retry = known.retryAfterSeconds ? `retry-after: ${Math.ceil(known.retryAfterSeconds)}\r\n` : '';
  socket.end(
    `HTTP/1.1 ${statusOf[known.code]} Refused\r\ncontent-type: application/json; charset=utf-8\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\nx-request-id: ${requestId}\r\n${retry}connection: close\r\n\r\n${body}`,
  );
}
