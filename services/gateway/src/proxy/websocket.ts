import type { IncomingMessage } from 'node:http';
import { connect as connectTcp, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import type { Duplex } from 'node:stream';
import { ErrorCode, isNemoError, NemoError, requestIdFrom, statusOf, type Logger } from '@nemo/common';
import type { AccessTokens } from '../auth/access-tokens.js';
import type { Principal } from '../auth/principal.js';
import { PEER_SERVICES, type PeerService } from '../config.js';
import type { Upstreams } from './upstreams.js';

export interface WebSocketProxyOptions {
  upstreams: Upstreams;
  tokens: AccessTokens;
  /** The same admission as HTTP requests: revocation and rate limits (throws a NemoError when refused). */
  admit: (ip: string, principal: Principal) => Promise<void>;
  logger: Logger;
  connectTimeoutMs?: number;
  /** A connection silent this long in both directions is closed. */
  idleTimeoutMs?: number;
}

const PATH = /^\/api\/([a-z]{1,32})(\/[^?#]*)?(\?[^#]*)?$/;
/** Browsers cannot set Authorization on a WebSocket, so the token may come as a subprotocol `bearer.<token>`. */
const BEARER_PROTOCOL = /^bearer\.([A-Za-z0-9._~+/-]+=*)$/;
const PASSED = ['sec-websocket-key', 'sec-websocket-version', 'sec-websocket-extensions'];

/**
 * WebSocket pass-through for `/api/<service>/...`: the upgrade is
 * authenticated and admitted like any request, then the connection is
 * spliced to the peer with an S2S token in place of the user's credential.
 */
export function webSocketUpgradeHandler(opts: WebSocketProxyOptions) {
  return (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', () => socket.destroy());
    upgrade(request, socket, head, opts).catch((err: unknown) => refuse(socket, err, request, opts.logger));
  };
}

async function upgrade(
  request: IncomingMessage,
  client: Duplex,
  head: Buffer,
  opts: WebSocketProxyOptions,
): Promise<void> {
  const { service, path } = targetOf(request.url ?? '');
  const { token, protocols } = credentialOf(request);
  const principal = await opts.tokens.verify(token);
  await opts.admit(request.socket.remoteAddress ?? 'unknown', principal);
  const target = new URL(opts.upstreams.originOf(service));
  const upstream = await open(target, opts.connectTimeoutMs ?? 2_000);
  const s2sToken = await opts.upstreams.tokenFor(service, principal);
  upstream.write(upgradeRequest(request, { path, host: target.host, s2sToken, protocols }));
  if (head.length) upstream.write(head);
  splice(client, upstream, opts.idleTimeoutMs ?? 300_000);
}

function targetOf(url: string): { service: PeerService; path: string } {
  const match = PATH.exec(url);
  const service = match?.[1];
  if (!match || !service || !(PEER_SERVICES as readonly string[]).includes(service)) {
    throw new NemoError(ErrorCode.NotFound, 'There is no WebSocket endpoint here.');
  }
  return { service: service as PeerService, path: `${match[2] ?? '/'}${match[3] ?? ''}` };
}

/** The upgrade request as the peer sees it: our S2S token instead of the user's credential. */
function upgradeRequest(
  request: IncomingMessage,
  to: { path: string; host: string; s2sToken: string; protocols: string[] },
): string {
  const lines = [
    `GET ${to.path} HTTP/1.1`,
    `host: ${to.host}`,
    'connection: Upgrade',
    'upgrade: websocket',
    `authorization: Bearer ${to.s2sToken}`,
    `x-request-id: ${requestIdFrom(request.headers['x-request-id'])}`,
  ];
  for (const name of PASSED) {
    const value = request.headers[name];
    if (typeof value === 'string') lines.push(`${name}: ${value}`);
  }
  if (to.protocols.length) lines.push(`sec-websocket-protocol: ${to.protocols.join(', ')}`);
  return `${lines.join('\r\n')}\r\n\r\n`;
}

function credentialOf(request: IncomingMessage): { token: string; protocols: string[] } {
  const offered = String(request.headers['sec-websocket-protocol'] ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  const fromProtocol = offered.map((p) => BEARER_PROTOCOL.exec(p)?.[1]).find(Boolean);
  const fromHeader = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(request.headers.authorization ?? '')?.[1];
  const token = fromHeader ?? fromProtocol;
  if (!token) throw new NemoError(ErrorCode.AuthRequired, 'Sign in first: send a bearer token.');
  return { token, protocols: offered.filter((p) => !BEARER_PROTOCOL.test(p)) };
}

function open(target: URL, timeoutMs: number): Promise<Socket> {
  const port = Number(target.port) || (target.protocol === 'https:' ? 443 : 80);
  return new Promise((resolve, reject) => {
    const socket: Socket =
      target.protocol === 'https:'
        ? connectTls({ host: target.hostname, port, servername: target.hostname }, () => resolve(socket))
        : connectTcp({ host: target.hostname, port }, () => resolve(socket));
    socket.setTimeout(timeoutMs, () =>
      socket.destroy(Object.assign(new Error('connect timeout'), { name: 'TimeoutError' })),
    );
    socket.once('error', (err) => reject(toUpstreamError(err)));
  }).then((socket) => {
    (socket as Socket).setTimeout(0);
    return socket as Socket;
  });
}

function splice(client: Duplex, upstream: Socket, idleMs: number): void {
  const close = () => {
    client.destroy();
    upstream.destroy();
  };
  upstream.setTimeout(idleMs, close);
  upstream.on('error', close).on('close', close);
  client.on('error', close).on('close', close);
  upstream.pipe(client);
  client.pipe(upstream);
}

function toUpstreamError(err: Error): NemoError {
  if (err.name === 'TimeoutError') {
    return new NemoError(ErrorCode.UpstreamTimeout, 'The service did not answer in time.', { cause: err });
  }
  return new NemoError(ErrorCode.Unavailable, 'The service is unavailable; try again shortly.', {
    cause: err,
    retryAfterSeconds: 1,
  });
}

/** An HTTP error response in the common shape, written on the raw socket, then closed. */
function refuse(socket: Duplex, err: unknown, request: IncomingMessage, logger: Logger): void {
  const known = isNemoError(err)
    ? err
    : new NemoError(ErrorCode.Internal, 'Internal error; the request id identifies it in the logs.');
  const requestId = requestIdFrom(request.headers['x-request-id']);
  if (!isNemoError(err)) logger.error({ err, requestId }, 'WebSocket upgrade failed');
  const body = JSON.stringify({ error: { code: known.code, message: known.message, requestId } });
  const retry = known.retryAfterSeconds ? `retry-after: ${Math.ceil(known.retryAfterSeconds)}\r\n` : '';
  socket.end(
    `HTTP/1.1 ${statusOf[known.code]} Refused\r\ncontent-type: application/json; charset=utf-8\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\nx-request-id: ${requestId}\r\n${retry}connection: close\r\n\r\n${body}`,
  );
}
