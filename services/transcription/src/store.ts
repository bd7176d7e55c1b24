import type pg from 'pg';
import type { Enrichment, Owner, Segment, Transcript, TranscriptError, TranscriptStatus } from './transcript.js';

interface TranscriptRow {
  id: string;
  tenant: string;
  subject: string;
  status: TranscriptStatus;
  source: 'file' | 'live';
  filename: string | null;
  model: string;
  language: string;
  duration_seconds: number;
  speakers: string[];
  error: TranscriptError | null;
  enrichment: Transcript['enrichment'];
  created_at: Date;
  completed_at: Date | null;
}

interface SegmentRow {
  idx: number;
  start_seconds: number;
  end_seconds: number;
  speaker: string | null;
  text: string;
  confidence: number;
  emotion: string | null;
  emotion_score: number | null;
}

const COLUMNS = `id, tenant, subject, status, source, filename, model, language, duration_seconds, speakers,
  error, enrichment, created_at, completed_at`;

/** Finished transcripts in PostgreSQL: the record outlives the process and its jobs. */
export class TranscriptStore {
  constructor(private readonly pool: pg.Pool) {}

  /** Writes the transcript and replaces its segments, in one transaction. */
  async save(t: Transcript): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(
        `INSERT INTO transcription_transcripts (${COLUMNS})
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
         ON CONFLICT (id) DO UPDATE SET status = $4, language = $8, duration_seconds = $9, speakers = $10,
           error = $11, enrichment = $12, completed_at = $14`,
        [
          ...[t.id, t.owner.tenant, t.owner.subject, t.status, t.source, t.filename, t.model, t.language],
          ...[t.durationSeconds, t.speakers, t.error, t.enrichment, t.createdAt, t.completedAt],
        ],
      );
      await client.query('DELETE FROM transcription_segments WHERE transcript_id = $1', [t.id]);
      if (t.segments.length > 0) await insertSegments(client, t.id, t.segments);
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  async get(owner: Owner, id: string): Promise<Transcript | undefined> {
    const { rows } = await this.pool.query<TranscriptRow>(
      `SELECT ${COLUMNS} FROM transcription_transcripts WHERE id = $1 AND tenant = $2 AND subject = $3`,
      [id, owner.tenant, owner.subject],
    );
    return rows[0] ? this.withSegments(rows[0]) : undefined;
  }

  async byId(id: string): Promise<Transcript | undefined> {
    const { rows } = await this.pool.query<TranscriptRow>(
      `SELECT ${COLUMNS} FROM transcription_transcripts WHERE id = $1`,
      [id],
    );
    return rows[0] ? this.withSegments(rows[0]) : undefined;
  }

  /** The caller's transcripts, newest first, without segments. */
  async list(owner: Owner, limit = 50): Promise<Transcript[]> {
    const { rows } = await this.pool.query<TranscriptRow>(
      `SELECT ${COLUMNS} FROM transcription_transcripts WHERE tenant = $1 AND subject = $2
       ORDER BY created_at DESC LIMIT $3`,
      [owner.tenant, owner.subject, limit],
    );
    return rows.map((r) => fromRow(r, []));
  }

  async delete(owner: Owner, id: string): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      'DELETE FROM transcription_transcripts WHERE id = $1 AND tenant = $2 AND subject = $3',
      [id, owner.tenant, owner.subject],
    );
    return (rowCount ?? 0) > 0;
  }

  async setEnrichment(id: string, kind: 'emotion' | 'rag', state: Enrichment): Promise<void> {
    await this.pool.query(
      `UPDATE transcription_transcripts SET enrichment = jsonb_set(enrichment, $2, $3::jsonb) WHERE id = $1`,
      [id, `{${kind}}`, JSON.stringify(state)],
    );
  }

  async setEmotions(id: string, segments: readonly Segment[]): Promise<void> {
    await this.pool.query(
      `UPDATE transcription_segments s SET emotion = e.label, emotion_score = e.score
       FROM unnest($2::int[], $3::text[], $4::float8[]) AS e(idx, label, score)
       WHERE s.transcript_id = $1 AND s.idx = e.idx`,
      [
        id,
        segments.map((s) => s.id),
        segments.map((s) => s.emotion?.label ?? null),
        segments.map((s) => s.emotion?.score ?? null),
      ],
    );
  }

  /** Ids of completed transcripts that still owe an enrichment (retried after a restart). */
  async pendingEnrichment(limit = 100): Promise<string[]> {
    const { rows } = await this.pool.query<{ id: string }>(
      `SELECT id FROM transcription_transcripts
       WHERE status = 'completed' AND (enrichment->'emotion'->>'state' = 'pending' OR enrichment->'rag'->>'state' = 'pending')
       ORDER BY created_at LIMIT $1`,
      [limit],
    );
    return rows.map((r) => r.id);
  }

  private async withSegments(row: TranscriptRow): Promise<Transcript> {
    const { rows } = await this.pool.query<SegmentRow>(
      `SELECT idx, start_seconds, end_seconds, speaker, text, confidence, emotion, emotion_score
       FROM transcription_segments WHERE transcript_id = $1 ORDER BY idx`,
      [row.id],
    );
    return fromRow(row, rows.map(segmentOf));
  }
}

async function insertSegments(client: pg.PoolClient, id: string, segments: readonly Segment[]): Promise<void> {
  const col = <T>(f: (s: Segment) => T): T[] => segments.map(f);
  await client.query(
    `INSERT INTO transcription_segments
       (transcript_id, idx, start_seconds, end_seconds, speaker, text, confidence, emotion, emotion_score)
     SELECT $1, * FROM unnest($2::int[], $3::float8[], $4::float8[], $5::text[], $6::text[], $7::float8[],
       $8::text[], $9::float8[])`,
    [
      id,
      ...[col((s) => s.id), col((s) => s.start), col((s) => s.end), col((s) => s.speaker), col((s) => s.text)],
      ...[col((s) => s.confidence), col((s) => s.emotion?.label ?? null), col((s) => s.emotion?.score ?? null)],
    ],
  );
}

function segmentOf(r: SegmentRow): Segment {
  return {
    id: r.idx,
    start: r.start_seconds,
    end: r.end_seconds,
    text: r.text,
    speaker: r.speaker,
    confidence: r.confidence,
    emotion: r.emotion === null ? null : { label: r.emotion, score: r.emotion_score ?? 0 },
  };
}

function fromRow(r: TranscriptRow, segments: Segment[]): Transcript {
  return {
    id: r.id,
    owner: { tenant: r.tenant, subject: r.subject },
    status: r.status,
    source: r.source,
    filename: r.filename,
    model: r.model,
    language: r.language,
    durationSeconds: r.duration_seconds,
    progress: { processedSeconds: r.duration_seconds, totalSeconds: r.duration_seconds },
    speakers: r.speakers,
    segments,
    error: r.error,
    enrichment: r.enrichment,
    createdAt: r.created_at.toISOString(),
    completedAt: r.completed_at?.toISOString() ?? null,
  };
}
