/**
 * The microphone's audio thread: mixes to mono, downsamples to 16 kHz
 * 16-bit PCM and posts 100 ms frames to the page, which sends them on the
 * WebSocket. A {type: 'flush'} message posts what is left. Loaded with
 * audioWorklet.addModule (Vite builds it as its own file: the CSP allows
 * same-origin scripts only).
 */
import { Downsampler, FramePacker, mixDown } from './pcm.js';

// The AudioWorkletGlobalScope's names (not in the DOM lib).
declare const sampleRate: number;
declare class AudioWorkletProcessor {
  readonly port: MessagePort;
}
declare function registerProcessor(name: string, processor: new () => AudioWorkletProcessor): void;

class PcmCapture extends AudioWorkletProcessor {
  private readonly downsampler = new Downsampler(sampleRate);
  private readonly packer = new FramePacker();

  constructor() {
    super();
    this.port.onmessage = (event: MessageEvent<{ type?: string }>) => {
      if (event.data.type === 'flush') this.post([this.packer.flush()]);
    };
  }

  process(inputs: Float32Array[][]): boolean {
    const mono = mixDown(inputs[0] ?? []);
    if (mono) this.post(this.packer.push(this.downsampler.push(mono)));
    return true;
  }

  private post(frames: Int16Array[]): void {
    for (const frame of frames) if (frame.length) this.port.postMessage(frame.buffer, [frame.buffer]);
  }
}

registerProcessor('nemo-pcm-capture', PcmCapture);
