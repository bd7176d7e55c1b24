import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_RATE, concat, silence, synthesize, voicedSpan } from './testing/speech.js';
import { SileroVad } from './vad.js';

// Real weights: Silero VAD v5 from the PyPI silero-vad wheel; speech from espeak-ng.
describe('VAD on Silero v5 (real weights) with espeak-ng speech', { timeout: 60_000 }, () => {
  let vad: SileroVad;
  beforeAll(async () => {
    vad = await SileroVad.load();
  }, 120_000);
  afterAll(() => vad.dispose());

  it('finds the speech between silences within 200 ms', async () => {
    const a = synthesize('The quick brown fox jumps over the lazy dog.');
    const b = synthesize('Please call me back after the meeting tomorrow.', 'en-gb');
    const parts = [silence(1), a, silence(1.5), b, silence(1)];
    const offsetB = parts[0]!.length + a.length + parts[2]!.length;
    const truth = [
      { span: voicedSpan(a), offset: parts[0]!.length },
      { span: voicedSpan(b), offset: offsetB },
    ].map(({ span, offset }) => ({
      startMs: ((offset + span.start) / SAMPLE_RATE) * 1000,
      endMs: ((offset + span.end) / SAMPLE_RATE) * 1000,
    }));
    const found = await vad.segments(concat(parts), { minSilenceMs: 300 });
    console.log(`[vad] truth ${JSON.stringify(truth)} found ${JSON.stringify(found)}`);
    expect(found).toHaveLength(2);
    found.forEach((seg, i) => {
      expect(Math.abs(seg.startMs - truth[i]!.startMs)).toBeLessThanOrEqual(200);
      expect(Math.abs(seg.endMs - truth[i]!.endMs)).toBeLessThanOrEqual(200);
    });
  });

  it('gives a stream fed in odd-sized pieces the same probabilities as the whole audio', async () => {
    const audio = concat([silence(0.3), synthesize('Streaming works the same way.'), silence(0.3)]);
    const whole = await vad.probabilities(audio);
    const stream = vad.stream();
    const streamed: number[] = [];
    for (let at = 0; at < audio.length; at += 777) streamed.push(...(await stream.push(audio.subarray(at, at + 777))));
    expect(streamed).toHaveLength(whole.length);
    streamed.forEach((p, i) => expect(p).toBeCloseTo(whole[i]!, 5));
  });

  it('finds no speech in silence and low noise', async () => {
    const noise = Float32Array.from(
      { length: 2 * SAMPLE_RATE },
      (_, i) => 0.002 * Math.sin(i * 12.9898) * Math.cos(i * 78.233),
    );
    expect(await vad.segments(noise)).toEqual([]);
  });
});
