import type { SpeakerTurn } from '../diarization.js';

export interface DiarizationError {
  /** (missed + false alarm + confusion) / reference speech, scored in 10 ms frames. */
  readonly der: number;
  readonly missed: number;
  readonly falseAlarm: number;
  readonly confusion: number;
  /** Seconds of reference speech scored. */
  readonly total: number;
  /** Reference speaker -> hypothesis speaker, chosen to maximise overlap. */
  readonly mapping: ReadonlyMap<string, string>;
}

const STEP = 0.01;

/**
 * Diarization error rate as NIST md-eval scores it: frames within `collar`
 * seconds of a reference boundary are not scored, and hypothesis speakers are
 * mapped one-to-one onto reference speakers to maximise the time they share.
 */
export function diarizationError(
  reference: readonly SpeakerTurn[],
  hypothesis: readonly SpeakerTurn[],
  collar = 0.25,
): DiarizationError {
  const end = Math.max(...reference.map((t) => t.end), ...hypothesis.map((t) => t.end), 0);
  const frames = Math.ceil(end / STEP);
  const ref = labels(reference, frames);
  const hyp = labels(hypothesis, frames);
  const skip = collarMask(reference, frames, collar);
  const mapping = bestMapping(ref, hyp, skip);
  const counts = { missed: 0, falseAlarm: 0, confusion: 0, total: 0 };
  for (let i = 0; i < frames; i += 1) {
    if (skip[i]) continue;
    score(ref[i], hyp[i], mapping, counts);
  }
  const seconds = (n: number) => n * STEP;
  return {
    der: counts.total === 0 ? 0 : (counts.missed + counts.falseAlarm + counts.confusion) / counts.total,
    missed: seconds(counts.missed),
    falseAlarm: seconds(counts.falseAlarm),
    confusion: seconds(counts.confusion),
    total: seconds(counts.total),
    mapping,
  };
}

function score(
  r: string | undefined,
  h: string | undefined,
  mapping: ReadonlyMap<string, string>,
  counts: { missed: number; falseAlarm: number; confusion: number; total: number },
): void {
  if (r !== undefined) counts.total += 1;
  if (r !== undefined && h === undefined) counts.missed += 1;
  else if (r === undefined && h !== undefined) counts.falseAlarm += 1;
  else if (r !== undefined && mapping.get(r) !== h) counts.confusion += 1;
}

function labels(turns: readonly SpeakerTurn[], frames: number): (string | undefined)[] {
  const out = new Array<string | undefined>(frames).fill(undefined);
  for (const t of turns) {
    for (let i = Math.round(t.start / STEP); i < Math.min(frames, Math.round(t.end / STEP)); i += 1) out[i] = t.speaker;
  }
  return out;
}

function collarMask(reference: readonly SpeakerTurn[], frames: number, collar: number): boolean[] {
  const mask = new Array<boolean>(frames).fill(false);
  for (const at of reference.flatMap((t) => [t.start, t.end])) {
    const from = Math.max(0, Math.round((at - collar) / STEP));
    for (let i = from; i < Math.min(frames, Math.round((at + collar) / STEP)); i += 1) mask[i] = true;
  }
  return mask;
}

/** One-to-one mapping by shared frames, greedily from the largest overlap. */
function bestMapping(ref: (string | undefined)[], hyp: (string | undefined)[], skip: boolean[]): Map<string, string> {
  const shared = new Map<string, number>();
  ref.forEach((r, i) => {
    const h = hyp[i];
    if (r !== undefined && h !== undefined && !skip[i])
      shared.set(`${r}\u0000${h}`, (shared.get(`${r}\u0000${h}`) ?? 0) + 1);
  });
  const mapping = new Map<string, string>();
  const used = new Set<string>();
  for (const [key] of [...shared].sort((a, b) => b[1] - a[1])) {
    const [r, h] = key.split('\u0000') as [string, string];
    if (mapping.has(r) || used.has(h)) continue;
    mapping.set(r, h);
    used.add(h);
  }
  return mapping;
}
