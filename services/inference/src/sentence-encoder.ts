import { readFile } from 'node:fs/promises';
import * as hfTokenizers from '@huggingface/tokenizers';
import { resolveModel, setting, type ResolveOptions, type ResolvedModel } from './catalog.js';
import { createSession, ort, type RuntimeOptions } from './ort-session.js';
import { fitRunCost, planCalls, type RunCost } from './padding-plan.js';

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
}

/** A WordPiece tokenizer read from a local tokenizer.json; nothing is fetched. */
export class LocalTokenizer {
  private constructor(
    private readonly tokenizer: HfTokenizer,
    private readonly maxTokens: number,
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

  /** Right-padded batch tensors (pad id 0, mask 0). */
  batch(texts: readonly string[]): TokenBatch {
    return padRows(texts.map((t) => this.ids(t)));
  }
}

/** Right-padded batch tensors from token ids (pad id 0, mask 0). */
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
  return { ids, mask, types: new BigInt64Array(all.length * cols), rows: all.length, cols };
}

/** Mean of the token vectors under the mask, then L2-normalised. */
export function meanPoolNormalize(hidden: Float32Array, batch: TokenBatch, dims: number): Float32Array[] {
  const out: Float32Array[] = [];
  for (let r = 0; r < batch.rows; r += 1) {
    const vec = new Float32Array(dims);
    let count = 0;
    for (let c = 0; c < batch.cols; c += 1) {
      if (batch.mask[r * batch.cols + c] === 0n) continue;
      count += 1;
      const base = (r * batch.cols + c) * dims;
      for (let d = 0; d < dims; d += 1) vec[d] = (vec[d] as number) + (hidden[base + d] as number);
    }
    out.push(normalize(vec, count));
  }
  return out;
}

function normalize(vec: Float32Array, count: number): Float32Array {
  let norm = 0;
  for (let d = 0; d < vec.length; d += 1) {
    const v = (vec[d] as number) / Math.max(count, 1);
    vec[d] = v;
    norm += v * v;
  }
  const scale = 1 / Math.max(Math.sqrt(norm), 1e-12);
  for (let d = 0; d < vec.length; d += 1) vec[d] = (vec[d] as number) * scale;
  return vec;
}

/**
 * A sentence encoder (all-MiniLM-L6-v2 family): tokenizer + ONNX session +
 * pooling. A batch of mixed lengths is split into the runtime calls that
 * take least time by the model's own measured costs (see padding-plan.ts).
 */
export class SentenceEncoder {
  private constructor(
    readonly resolved: ResolvedModel,
    private readonly tokenizer: LocalTokenizer,
    private readonly session: ort.InferenceSession,
    readonly dims: number,
  ) {}

  /** Until measured, every batch is one call. */
  private cost: RunCost = { perCall: Infinity, perPosition: 0 };

  static async load(name: string, options: ResolveOptions & RuntimeOptions = {}): Promise<SentenceEncoder> {
    const resolved = await resolveModel(name, options);
    const { model } = resolved;
    const tokenizer = await LocalTokenizer.fromFile(resolved.file('tokenizer.json'), setting(model, 'maxTokens', 128));
    const session = await createSession(resolved.file('model.onnx'), options);
    const encoder = new SentenceEncoder(resolved, tokenizer, session, setting(model, 'dimensions', 384));
    encoder.cost = await encoder.measureCost();
    return encoder;
  }

  get tokens(): LocalTokenizer {
    return this.tokenizer;
  }

  /** The measured cost of one runtime call, which planCalls weighs against padding. */
  get runCost(): RunCost {
    return this.cost;
  }

  async run(texts: string[]): Promise<Float32Array[]> {
    const rows = texts.map((t) => this.tokenizer.ids(t));
    if (rows.length <= 1) return this.runRows(rows);
    const out = new Array<Float32Array>(rows.length);
    const lengths = rows.map((r) => r.length);
    for (const group of planCalls(lengths, this.cost)) {
      const vectors = await this.runRows(group.map((i) => rows[i] as number[]));
      group.forEach((i, k) => (out[i] = vectors[k] as Float32Array));
    }
    return out;
  }

  private async runRows(rows: readonly (readonly number[])[]): Promise<Float32Array[]> {
    const batch = padRows(rows);
    const shape = [batch.rows, batch.cols];
    const feeds = {
      input_ids: new ort.Tensor('int64', batch.ids, shape),
      attention_mask: new ort.Tensor('int64', batch.mask, shape),
      token_type_ids: new ort.Tensor('int64', batch.types, shape),
    };
    const out = await this.session.run(feeds);
    const hidden = out.last_hidden_state;
    if (!hidden) throw new Error(`Model ${this.resolved.model.name} returned no last_hidden_state`);
    return meanPoolNormalize(hidden.data as Float32Array, batch, this.dims);
  }

  /** Times two batch shapes (best of 3 each, after a warm-up) for the per-call and per-position costs. */
  private async measureCost(): Promise<RunCost> {
    const time = async (rows: number, cols: number) => {
      const batch = Array.from({ length: rows }, () => Array.from({ length: cols }, () => CALIBRATION_TOKEN));
      let best = Infinity;
      for (let i = 0; i < 4; i++) {
        const started = performance.now();
        await this.runRows(batch);
        if (i > 0) best = Math.min(best, performance.now() - started);
      }
      return { positions: rows * cols, ms: best };
    };
    return fitRunCost(await time(1, 8), await time(8, 32));
  }

  dispose(): Promise<void> {
    return this.session.release();
  }
}

/** Any ordinary vocabulary id: calibration times shapes, not meaning. */
const CALIBRATION_TOKEN = 2000;

export function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  for (let i = 0; i < a.length; i += 1) dot += (a[i] as number) * (b[i] as number);
  return dot;
}
