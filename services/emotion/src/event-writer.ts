import type pg from 'pg';
import type { Classification } from './classifier.js';

export interface EmotionEvent {
  tenant: string | undefined;
  streamId: string | undefined;
  speaker: string | undefined;
  start: number | undefined;
  end: number | undefined;
  result: Classification;
}

/** Writes classifications as events for insights, one multi-row INSERT per request. */
export class EventWriter {
  constructor(private readonly pool: pg.Pool) {}

  async write(events: readonly EmotionEvent[]): Promise<void> {
    if (events.length === 0) return;
    const values: unknown[] = [];
    const rows = events.map((e, i) => {
      values.push(e.tenant ?? null, e.streamId ?? null, e.speaker ?? null, e.start ?? null, e.end ?? null);
      values.push(e.result.label, e.result.score, JSON.stringify(e.result.scores));
      const p = Array.from({ length: 8 }, (_, j) => `$${i * 8 + j + 1}`);
      return `(${p.join(', ')})`;
    });
    await this.pool.query(
      `INSERT INTO emotion_events (tenant, stream_id, speaker, start_seconds, end_seconds, label, score, scores)
       VALUES ${rows.join(', ')}`,
      values,
    );
  }
}
