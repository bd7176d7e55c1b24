import { readFile } from 'node:fs/promises';
import * as hfTokenizers from '@huggingface/tokenizers';
import { resolveModel, setting, type ResolveOptions, type ResolvedModel } from './catalog.js';
import { createSession, ort, type RuntimeOptions } from './ort-session.js';
import { packedModel, PackedInput } from './packed-graph.js';
import { meanPoolSpans, type Span } from './pooling.js';
import { packSequences } from './sequence-packing.js';

/** The part of @huggingface/tokenizers' Tokenizer used here (its bundled types do not resolve under NodeNext). */
interface HfTokenizer {
  encode(text: string): { ids: number[] };
}
type HfTokenizerClass = new (tokenizerJson: object, tokenizerConfig: object) => HfTokenizer;
const { Tokenizer } = hfTokenizers as unknown as { Tokenizer: HfTokenizerClass };

export interface TokenBatch {
  readonly ids: BigInt64Array;
  readonly mask: BigInt64Array;
  readonly types: BigInt64Array;
  readonly rows: number;
  readonly cols: number;
  readonly spans: readonly Span[];
}

/** A WordPiece tokenizer read from a local tokenizer.json; nothing is fetched. */
export class LocalTokenizer {
  private constructor(
    private readonly tokenizer: HfTokenizer,
    /** Longest sequence returned, special tokens included. */
    readonly maxTokens: number,
  ) {}

  static async fromFile(file: string, maxTokens: number): Promise<LocalTokenizer> {
    const json = JSON.parse(await readFile(file, 'utf8')) as object;
    return new LocalTokenizer(new Tokenizer(json, {}), maxTokens);
  }

  /** Token ids with [CLS] ... [SEP], truncated to maxTokens keeping the closing token. */
  ids(text: string): number[] {
    const ids = this.tokenizer.encode(text).ids;
    if (ids.length <= this.maxTokens) return ids;
    return [...ids.slice(0, this.maxTokens - 1), ids[ids.length - 1] as number];
  }
}

/** Right-padded batch tensors from token ids (pad id 0, mask 0), one sequence per row. */
export function padRows(all: readonly (readonly number[])[]): TokenBatch {
  const cols = Math.max(1, ...all.map((ids) => ids.length));
  const ids = new BigInt64Array(all.length * cols);
  const mask = new BigInt64Array(all.length * cols);
  all.forEach((row, r) => {
    row.forEach((id, c) => {
      ids[r * cols + c] = BigInt(id);
      mask[r * cols + c] = 1n;
    });
  });
  const spans = all.map((row, r) => ({ row: r, start: 0, length: row.length }));
  return { ids, mask, types: new BigInt64Array(all.length * cols), rows: all.length, cols, spans };
}

export interface EncoderOptions extends ResolveOptions, RuntimeOptions {
  /** false runs the graph as exported, one padded row per sequence (the benchmark's baseline). */
  readonly pack?: boolean;
}

/**
 * A sentence encoder (all-MiniLM-L6-v2 family): tokenizer + ONNX session +
 * pooling. When the model's graph can be rewritten for packed rows
 * (packed-graph.ts), a batch's sequences share rows instead of each being
 * padded to the longest; otherwise each gets its own padded row.
 */
export class SentenceEncoder {
  private constructor(
    readonly resolved: ResolvedModel,
    private readonly tokenizer: LocalTokenizer,
    private readonly session: ort.InferenceSession,
    readonly dims: number,
  ) {}

  static async load(name: string, options: EncoderOptions = {}): Promise<SentenceEncoder> {
    const resolved = await resolveModel(name, options);
    const { model } = resolved;
    const tokenizer = await LocalTokenizer.fromFile(resolved.file('tokenizer.json'), setting(model, 'maxTokens', 128));
    const original = await readFile(resolved.file('model.onnx'));
    const packed = options.pack === false ? undefined : packedModel(original);
    const session = await createSession(packed ?? original, options);
    return new SentenceEncoder(resolved, tokenizer, session, setting(model, 'dimensions', 384));
  }

  /** Whether the session runs the packed graph. */
  get packed(): boolean {
    return this.session.inputNames.includes(PackedInput.Bias);
  }

  get tokens(): LocalTokenizer {
    return this.tokenizer;
  }

  async run(texts: string[]): Promise<Float32Array[]> {
    if (texts.length === 0) return [];
    const rows = texts.map((t) => this.tokenizer.ids(t));
    return this.packed ? this.runPacked(rows) : this.runPadded(rows);
  }

  private async runPacked(rows: readonly (readonly number[])[]): Promise<Float32Array[]> {
    const batch = packSequences(rows, this.tokenizer.maxTokens);
    const shape = [batch.rows, batch.cols];
    return this.pooled(batch, {
      input_ids: new ort.Tensor('int64', batch.ids, shape),
      token_type_ids: new ort.Tensor('int64', batch.types, shape),
      [PackedInput.Positions]: new ort.Tensor('int64', batch.positions, shape),
      [PackedInput.Bias]: new ort.Tensor('float32', batch.bias, [batch.rows, 1, batch.cols, batch.cols]),
    });
  }

  private async runPadded(rows: readonly (readonly number[])[]): Promise<Float32Array[]> {
    const batch = padRows(rows);
    const shape = [batch.rows, batch.cols];
    return this.pooled(batch, {
      input_ids: new ort.Tensor('int64', batch.ids, shape),
      attention_mask: new ort.Tensor('int64', batch.mask, shape),
      token_type_ids: new ort.Tensor('int64', batch.types, shape),
    });
  }

  private async pooled(
    batch: { spans: readonly Span[]; cols: number },
    feeds: Record<string, ort.Tensor>,
  ): Promise<Float32Array[]> {
    const out = await this.session.run(feeds);
    const hidden = out.last_hidden_state;
    if (!hidden) throw new Error(`Model ${this.resolved.model.name} returned no last_hidden_state`);
    return meanPoolSpans(hidden.data as Float32Array, batch.spans, batch.cols, this.dims);
  }

  dispose(): Promise<void> {
    return this.session.release();
  }
}

export function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  for (let i = 0; i < a.length; i += 1) dot += (a[i] as number) * (b[i] as number);
  return dot;
}
