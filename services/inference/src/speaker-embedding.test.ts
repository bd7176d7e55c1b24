import { describe, expect, it } from 'vitest';
import { cosineSimilarity, embedSpeaker, frameFeatures } from './speaker-embedding.js';
import { ASR_SENTENCES } from './testdata/asr-sentences.js';
import { SAMPLE_RATE, synthesize } from './testing/speech.js';

interface Scored {
  same: number[];
  different: number[];
}

/** Every pair of clips scored: same voice, or different voices. */
function scorePairs(clips: { voice: string; embedding: Float32Array }[]): Scored {
  const out: Scored = { same: [], different: [] };
  clips.forEach((a, i) =>
    clips.slice(i + 1).forEach((b) => {
      (a.voice === b.voice ? out.same : out.different).push(cosineSimilarity(a.embedding, b.embedding));
    }),
  );
  return out;
}

/** Share of (same, different) pairs ranked the right way round. */
function auc({ same, different }: Scored): number {
  let right = 0;
  for (const s of same) for (const d of different) right += s > d ? 1 : s === d ? 0.5 : 0;
  return right / (same.length * different.length);
}

function embedAll(voices: readonly string[], sentences: readonly string[]) {
  return voices.flatMap((voice) =>
    sentences.map((text) => ({ voice, embedding: embedSpeaker(synthesize(text, voice))! })),
  );
}

const fmt = (xs: number[]) => `min ${Math.min(...xs).toFixed(3)} max ${Math.max(...xs).toFixed(3)}`;

// The project's own embedding (signal statistics, no weights: see speaker-embedding.ts).
describe(
  'speaker embedding (project-built: MFCC and pitch statistics) on espeak-ng voices',
  { timeout: 60_000 },
  () => {
    it('scores every same-voice pair above every different-voice pair for a man and a woman (en+m3, en+f3)', () => {
      const scored = scorePairs(embedAll(['en+m3', 'en+f3'], ASR_SENTENCES.slice(0, 8)));
      console.log(`[speaker] m3/f3: same ${fmt(scored.same)}, different ${fmt(scored.different)}, AUC ${auc(scored)}`);
      expect(Math.min(...scored.same)).toBeGreaterThan(Math.max(...scored.different));
    });

    it('ranks same-voice pairs above different-voice pairs across eight voices (AUC)', () => {
      const voices = ['en+m1', 'en+m3', 'en+m7', 'en+f1', 'en+f3', 'en+f4', 'en-us', 'en-gb'];
      const scored = scorePairs(embedAll(voices, ASR_SENTENCES.slice(0, 6)));
      const area = auc(scored);
      console.log(
        `[speaker] 8 voices: AUC ${area.toFixed(3)}, same ${fmt(scored.same)}, different ${fmt(scored.different)}`,
      );
      // Measured 0.973 here; the hard pairs are voices of one sex that differ only a little in timbre.
      expect(area).toBeGreaterThan(0.95);
    });

    it('gives no embedding for silence, and finds the pitch of each voice', () => {
      expect(embedSpeaker(new Float32Array(SAMPLE_RATE))).toBeUndefined();
      const pitch = (voice: string) => {
        const { f0 } = frameFeatures(synthesize(ASR_SENTENCES[0]!, voice));
        const voiced = [...f0].filter((hz) => hz > 0).sort((a, b) => a - b);
        return voiced[voiced.length >> 1]!;
      };
      const man = pitch('en+m3');
      const woman = pitch('en+f3');
      console.log(`[speaker] median pitch en+m3 ${man.toFixed(0)} Hz, en+f3 ${woman.toFixed(0)} Hz`);
      expect(man).toBeGreaterThan(70);
      expect(man).toBeLessThan(160);
      expect(woman).toBeGreaterThan(1.5 * man);
    });

    it('costs little next to the audio it describes', () => {
      const audio = synthesize(ASR_SENTENCES.join(' '));
      const started = performance.now();
      frameFeatures(audio);
      const ms = performance.now() - started;
      console.log(`[speaker] features of ${(audio.length / SAMPLE_RATE).toFixed(1)} s of audio in ${ms.toFixed(0)} ms`);
      expect(ms).toBeLessThan((audio.length / SAMPLE_RATE) * 1000);
    });
  },
);
