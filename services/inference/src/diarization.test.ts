import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diarize, SpeakerTracker, speakerAt, type SpeakerTurn } from './diarization.js';
import { embedSpeaker } from './speaker-embedding.js';
import { diarizationError } from './testing/der.js';
import { conversation, type Conversation } from './testing/conversation.js';
import { SileroVad } from './vad.js';

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

/** Share of reference turns whose majority hypothesis speaker maps to the right voice. */
function turnAccuracy(
  truth: readonly SpeakerTurn[],
  turns: readonly SpeakerTurn[],
  mapping: ReadonlyMap<string, string>,
) {
  const right = truth.filter((t) => speakerAt(turns, t.start, t.end) === mapping.get(t.speaker)).length;
  return right / truth.length;
}

// Real Silero VAD weights for the speech segments; the speaker embedding is the project's own.
describe(
  'diarization: Silero VAD segments, project speaker embeddings, average-linkage clustering',
  { timeout: 120_000 },
  () => {
    let vad: SileroVad;
    beforeAll(async () => {
      vad = await SileroVad.load();
    }, 120_000);
    afterAll(() => vad.dispose());

    const run = async (c: Conversation, options = {}) => {
      const speech = await vad.segments(c.audio, { minSilenceMs: 300 });
      return await diarize(c.audio, speech, { maxSpeakers: 4, ...options });
    };

    it('splits a two-voice conversation (en+m3, en+f3) into its two speakers', async () => {
      const c = conversation(['en+m3', 'en+f3'], 8);
      const result = await run(c);
      const error = diarizationError(c.truth, result.turns);
      const strict = diarizationError(c.truth, result.turns, 0);
      const accuracy = turnAccuracy(c.truth, result.turns, error.mapping);
      console.log(
        `[diarization] m3/f3, 8 turns: speakers ${result.speakers.length}, DER ${pct(error.der)} with a 0.25 s collar, ` +
          `${pct(strict.der)} without (missed ${strict.missed.toFixed(2)} s, false alarm ${strict.falseAlarm.toFixed(2)} s, ` +
          `confusion ${strict.confusion.toFixed(2)} s of ${strict.total.toFixed(1)} s), turns right ${pct(accuracy)}`,
      );
      expect(result.speakers).toEqual(['speaker_1', 'speaker_2']);
      expect(accuracy).toBeGreaterThanOrEqual(0.8);
      // Measured: 0.0% with the collar; 4.9% without, all of it false alarm where the VAD's
      // segments reach past the voiced span (its padding and hangover), none of it confusion.
      expect(strict.confusion).toBeLessThan(0.02 * strict.total);
      expect(error.der).toBeLessThan(0.05);
      expect(strict.der).toBeLessThan(0.1);
    });

    it('finds one speaker when one voice speaks every turn', async () => {
      for (const voice of ['en+m3', 'en+f3', 'en-us']) {
        expect((await run(conversation([voice], 6))).speakers).toEqual(['speaker_1']);
      }
    });

    it('tells apart voices of one sex that differ in timbre (en+m7/en+m3, en+f1/en+f3)', async () => {
      for (const voices of [
        ['en+m7', 'en+m3'],
        ['en+f1', 'en+f3'],
      ]) {
        const c = conversation(voices, 8);
        const result = await run(c);
        const error = diarizationError(c.truth, result.turns);
        console.log(
          `[diarization] ${voices.join('/')}: speakers ${result.speakers.length}, DER ${pct(error.der)} (collar 0.25 s)`,
        );
        expect(result.speakers).toHaveLength(2);
        expect(turnAccuracy(c.truth, result.turns, error.mapping)).toBeGreaterThanOrEqual(0.8);
      }
    });

    it('honours a given speaker count', async () => {
      const c = conversation(['en+m3', 'en+f3', 'en+m7'], 6);
      const result = await run(c, { speakers: 3 });
      const error = diarizationError(c.truth, result.turns);
      const right = turnAccuracy(c.truth, result.turns, error.mapping);
      console.log(`[diarization] three voices (m3, f3, m7), k=3: DER ${pct(error.der)}, turns right ${pct(right)}`);
      expect(result.speakers).toHaveLength(3);
    });

    it('keeps stream labels stable across turns (re-identification window)', () => {
      const c = conversation(['en+m3', 'en+f3'], 8);
      const tracker = new SpeakerTracker({ maxSpeakers: 4 });
      const labels = c.clips.map((clip) => tracker.assign(embedSpeaker(clip)));
      expect(labels).toEqual([
        'speaker_1',
        'speaker_2',
        'speaker_1',
        'speaker_2',
        'speaker_1',
        'speaker_2',
        'speaker_1',
        'speaker_2',
      ]);
    });
  },
);
