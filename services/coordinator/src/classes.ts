/** What runs on the GPU. */
export const WORKLOADS = ['llm', 'asr'] as const;
export type Workload = (typeof WORKLOADS)[number];

/** How urgent the work is: live transcription, chat, file transcription. */
export const CLASSES = ['realtime', 'interactive', 'batch'] as const;
export type WorkClass = (typeof CLASSES)[number];

export type Priorities = Readonly<Record<WorkClass, number>>;

/**
 * Aging as a head start: a ticket's queue score is its arrival time minus
 * its class's head start, and the lowest score is served first. The highest
 * priority gets the whole `agingWindowMs`, the lowest none, the rest in
 * proportion. So a ticket can only be overtaken by tickets that arrive less
 * than `agingWindowMs` after it: nothing starves.
 */
export function headStarts(priorities: Priorities, agingWindowMs: number): Readonly<Record<WorkClass, number>> {
  const weights = CLASSES.map((c) => priorities[c]);
  const low = Math.min(...weights);
  const span = Math.max(...weights) - low;
  const of = (c: WorkClass): number => (span === 0 ? 0 : Math.round(((priorities[c] - low) / span) * agingWindowMs));
  return { realtime: of('realtime'), interactive: of('interactive'), batch: of('batch') };
}
