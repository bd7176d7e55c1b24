import { getJson } from '../api/client.js';
import { ApiError } from '../api/errors.js';
import { session } from '../api/session.js';
import type { Segment, SegmentEmotion } from './api.js';
import workletUrl from './capture-worklet.ts?worker&url';
import { LIVE_SAMPLE_RATE } from './pcm.js';

const LIVE_PATH = '/api/transcription/v1/live';
/** Offered beside the token: the gateway keeps it for the service, which picks it, as browsers require. */
const PROTOCOL = 'nemo.live.v1';

export interface LiveHandlers {
  onReady(id: string): void;
  /** The utterance so far, decoded again as it grows; replaced by a final segment. */
  onPartial(text: string): void;
  onFinal(segment: Segment): void;
  onEmotion(segmentId: number, emotion: SegmentEmotion): void;
  /** Something went wrong with one utterance; the stream goes on. */
  onNotice(message: string): void;
  /** The stream is over: `id` is the stored transcript, or undefined if it failed (with `error` saying why). */
  onEnd(id: string | undefined, error?: string): void;
}

/** Server messages (services/transcription/src/live.ts). */
type LiveMessage =
  | { type: 'ready'; id: string }
  | { type: 'partial'; text: string }
  | { type: 'final'; segment: Segment }
  | { type: 'emotion'; segmentId: number; emotion: SegmentEmotion }
  | { type: 'error'; error: { message: string; retryAfterSeconds?: number } }
  | { type: 'done'; id: string };

/** A running live transcription; `stop` asks the service to finish, and onEnd follows. */
export interface LiveStream {
  stop(): void;
}

/** Why the microphone could not be used, and what to do. */
export function microphoneError(err: unknown): string {
  const name = err instanceof DOMException ? err.name : '';
  if (name === 'NotAllowedError' || name === 'SecurityError')
    return 'Microphone access was refused. Allow the microphone for this site in your browser, then press Start again.';
  if (name === 'NotFoundError' || name === 'OverconstrainedError')
    return 'No microphone was found. Connect one, then press Start again.';
  if (name === 'NotReadableError')
    return 'The microphone is in use by another application. Close it, then press Start again.';
  if (!navigator.mediaDevices)
    return 'This page cannot use the microphone here: open it over HTTPS (or on localhost) and try again.';
  return 'The microphone could not be started. Check it is connected and allowed, then try again.';
}

/** The close of a socket that never said done, in words. */
export function closeReason(code: number, reason: string, opened: boolean): string {
  if (code === 1013) return `${reason || 'The service is busy.'} Wait a moment, then press Start again.`;
  if (code === 1007 || code === 1008) return `${reason || 'The audio was refused.'} Reload the page and try again.`;
  if (code === 1001) return 'The service restarted. What was transcribed so far is saved; press Start to go on.';
  if (!opened) return 'The live service could not be reached. It may be busy or not running; try again in a moment.';
  return 'The connection to the live service was lost. What was transcribed so far is saved; press Start to go on.';
}

/** Microphone to the live endpoint: 100 ms frames of 16 kHz 16-bit PCM, messages back to `on`. */
export async function startLive(on: LiveHandlers, diarization: boolean): Promise<LiveStream> {
  // Made before any wait, while the click that asked for it still counts (browsers start audio only then).
  const context = new AudioContext();
  try {
    // The access token lives in memory and may have expired: a call that can refresh it first.
    await getJson('/auth/me');
    await context.audioWorklet.addModule(workletUrl);
    const media = await openMicrophone();
    try {
      const socket = await openSocket(diarization);
      return await capture(context, media, socket, on);
    } catch (err) {
      for (const track of media.getTracks()) track.stop();
      throw err;
    }
  } catch (err) {
    void context.close();
    throw err;
  }
}

async function openMicrophone(): Promise<MediaStream> {
  if (!navigator.mediaDevices) throw new ApiError(0, microphoneError(undefined));
  try {
    return await navigator.mediaDevices.getUserMedia({ audio: { channelCount: 1 } });
  } catch (err) {
    throw new ApiError(0, microphoneError(err));
  }
}

function openSocket(diarization: boolean): Promise<WebSocket> {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  const query = new URLSearchParams({ sampleRate: String(LIVE_SAMPLE_RATE), diarization: String(diarization) });
  const url = `${scheme}://${location.host}${LIVE_PATH}?${query.toString()}`;
  const socket = new WebSocket(url, [PROTOCOL, `bearer.${session.accessToken ?? ''}`]);
  socket.binaryType = 'arraybuffer';
  return new Promise((resolve, reject) => {
    socket.addEventListener('open', () => resolve(socket), { once: true });
    socket.addEventListener('close', (e) => reject(new ApiError(0, closeReason(e.code, e.reason, false))), {
      once: true,
    });
  });
}

async function capture(
  context: AudioContext,
  media: MediaStream,
  socket: WebSocket,
  on: LiveHandlers,
): Promise<LiveStream> {
  const source = context.createMediaStreamSource(media);
  // No outputs: the node is processed for as long as its input is connected.
  const node = new AudioWorkletNode(context, 'nemo-pcm-capture', { numberOfInputs: 1, numberOfOutputs: 0 });
  node.port.onmessage = (e: MessageEvent<ArrayBuffer>) => {
    if (socket.readyState === WebSocket.OPEN) socket.send(e.data);
  };
  source.connect(node);
  await context.resume();

  let id: string | undefined;
  let ended = false;
  let released = false;
  const release = (): void => {
    if (released) return;
    released = true;
    source.disconnect();
    for (const track of media.getTracks()) track.stop();
    void context.close();
  };
  const end = (error?: string): void => {
    if (ended) return;
    ended = true;
    release();
    on.onEnd(error ? undefined : id, error);
  };
  socket.addEventListener('message', (e: MessageEvent<unknown>) => {
    if (typeof e.data !== 'string') return;
    const message = JSON.parse(e.data) as LiveMessage;
    if (message.type === 'ready') id = message.id;
    if (message.type === 'done') end();
    else dispatch(message, on);
  });
  socket.addEventListener('close', (e) => end(e.code === 1000 ? undefined : closeReason(e.code, e.reason, true)));
  return {
    stop() {
      // The last partial frame first, then "end": the service decodes what is left and says done.
      node.port.postMessage({ type: 'flush' });
      setTimeout(() => {
        release();
        if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: 'end' }));
      }, 50);
    },
  };
}

function dispatch(message: LiveMessage, on: LiveHandlers): void {
  switch (message.type) {
    case 'ready':
      return on.onReady(message.id);
    case 'partial':
      return on.onPartial(message.text);
    case 'final':
      return on.onFinal(message.segment);
    case 'emotion':
      return on.onEmotion(message.segmentId, message.emotion);
    case 'error':
      return on.onNotice(message.error.message);
    default:
      return undefined;
  }
}
