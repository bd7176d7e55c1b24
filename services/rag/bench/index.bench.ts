import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createLogger } from '@nemo/common';
import { bench, describe } from 'vitest';
import { InferenceEmbedder } from '../src/inference-embedder.js';
import { DEFAULT_HNSW } from '../src/index/hnsw-parameters.js';
import { VectorIndex } from '../src/index/vector-index.js';
import { Ingestor } from '../src/ingest/ingestor.js';
import { DocumentStore } from '../src/storage/document-store.js';
import { randomKeyRing } from '../src/testing/keys.js';

/**
 * 100k x 384 vectors: FAISS flat, FAISS HNSW and a plain-JS brute-force
 * scan in one run, with queries/s, p99 and recall@10 against exact search,
 * and the ratios. The vectors are synthetic but clustered (1,000 Gaussian
 * clusters, normalised), which is closer to text embeddings than uniform
 * noise. A plain copy over the same bytes estimates the memory-bandwidth
 * bound for one flat query. Last, end-to-end ingestion with the real model.
 */
const N = 100_000;
const DIM = 384;
const QUERIES = 200;
const JS_QUERIES = 50;
const K = 10;

function gaussian(): number {
  return Math.sqrt(-2 * Math.log(1 - Math.random())) * Math.cos(2 * Math.PI * Math.random());
}

function normalized(v: Float32Array): Float32Array {
  const n = Math.hypot(...v) || 1;
  return v.map((x) => x / n);
}

function clusteredVectors(n: number): Float32Array[] {
  const centroids = Array.from({ length: 1000 }, () => Float32Array.from({ length: DIM }, gaussian));
  return Array.from({ length: n }, (_, i) => {
    const c = centroids[i % centroids.length]!;
    return normalized(c.map((x) => x + 0.6 * gaussian()));
  });
}

/** The baseline: one pass over a contiguous Float32Array, keeping the best K. */
function bruteForce(data: Float32Array, query: Float32Array, k: number): number[] {
  const best: { label: number; score: number }[] = [];
  for (let i = 0; i < N; i++) {
    let dot = 0;
    const base = i * DIM;
    for (let d = 0; d < DIM; d++) dot += data[base + d]! * query[d]!;
    if (best.length < k || dot > best[best.length - 1]!.score) {
      best.push({ label: i, score: dot });
      best.sort((a, b) => b.score - a.score);
      if (best.length > k) best.pop();
    }
  }
  return best.map((b) => b.label);
}

interface Measured {
  qps: number;
  p99Ms: number;
  recall: number;
}

function measure(queries: Float32Array[], truth: number[][], run: (q: Float32Array) => number[]): Measured {
  const latencies: number[] = [];
  let found = 0;
  const started = performance.now();
  queries.forEach((q, i) => {
    const t0 = performance.now();
    const labels = run(q);
    latencies.push(performance.now() - t0);
    const expected = new Set(truth[i]);
    found += labels.filter((l) => expected.has(l)).length;
  });
  const elapsed = performance.now() - started;
  latencies.sort((a, b) => a - b);
  return {
    qps: (queries.length / elapsed) * 1000,
    p99Ms: latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))]!,
    recall: found / (queries.length * K),
  };
}

function timed<T>(label: string, work: () => T): T {
  const t0 = performance.now();
  const out = work();
  console.log(`${label}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return out;
}

const vectors = timed('generate 100k x 384 clustered vectors', () => clusteredVectors(N));
const queries = vectors.slice(0, QUERIES).map((v) => normalized(v.map((x) => x + (0.3 * gaussian()) / Math.sqrt(DIM))));
const contiguous = new Float32Array(N * DIM);
vectors.forEach((v, i) => contiguous.set(v, i * DIM));

const entries = vectors.map((vector, key) => ({ key, vector }));
const flat = new VectorIndex<number>({ dimension: DIM, type: 'flat' });
timed('build flat', () => flat.add(entries));
const hnsw = new VectorIndex<number>({ dimension: DIM, type: 'hnsw', hnsw: DEFAULT_HNSW });
timed(`build HNSW32, efConstruction ${DEFAULT_HNSW.efConstruction} (faiss, all cores)`, () => hnsw.add(entries));

const search = (index: VectorIndex<number>) => (q: Float32Array) => index.search(q, K).map((h) => h.key);
const truth = queries.map(search(flat));
const flatM = measure(queries, truth, search(flat));
// efSearch is a query-time knob: one graph, a sweep, then back to the default.
const sweep = [32, 64, 256].map((efSearch) => {
  hnsw.setEfSearch(efSearch);
  return { efSearch, m: measure(queries, truth, search(hnsw)) };
});
hnsw.setEfSearch(DEFAULT_HNSW.efSearch);
const hnswM = measure(queries, truth, search(hnsw));
const jsM = measure(queries.slice(0, JS_QUERIES), truth, (q) => bruteForce(contiguous, q, K));

// Memory bandwidth: the best of 5 copies of the same 153.6 MB a flat query scans.
const source = Buffer.from(contiguous.buffer);
const target = Buffer.allocUnsafe(source.length);
let copyMs = Infinity;
for (let i = 0; i < 5; i++) {
  const t0 = performance.now();
  source.copy(target);
  copyMs = Math.min(copyMs, performance.now() - t0);
}
const flatMsPerQuery = 1000 / flatM.qps;

const row = (name: string, m: Measured) =>
  `${name.padEnd(22)} ${m.qps.toFixed(1).padStart(9)} q/s   p99 ${m.p99Ms.toFixed(2).padStart(8)} ms   recall@10 ${m.recall.toFixed(3)}   ${(m.qps / jsM.qps).toFixed(1)}x JS`;
console.log(
  [
    '',
    `Vector search, ${N} x ${DIM}, k=${K}, single stream`,
    row('JS brute force (base)', jsM),
    row('FAISS flat (exact)', flatM),
    ...[...sweep, { efSearch: DEFAULT_HNSW.efSearch, m: hnswM }]
      .sort((a, b) => a.efSearch - b.efSearch)
      .map(({ efSearch, m }) => row(`FAISS HNSW32 ef=${efSearch}`, m)),
    `HNSW (default efSearch ${DEFAULT_HNSW.efSearch}) vs JS: ${(hnswM.qps / jsM.qps).toFixed(1)}x QPS at recall@10 ${hnswM.recall.toFixed(3)} (target >= 20x at >= 0.95)`,
    `Memory bound: copying the ${(source.length / 1e6).toFixed(1)} MB takes ${copyMs.toFixed(1)} ms (${((source.length / copyMs) * 1e-6).toFixed(1)} GB/s); ` +
      `a flat query takes ${flatMsPerQuery.toFixed(1)} ms = ${(flatMsPerQuery / copyMs).toFixed(2)}x the copy (target <= 2x)`,
  ].join('\n'),
);

// End to end: extract, chunk, embed with the real model, write durably (fsync per document).
const embedder = await InferenceEmbedder.start('all-minilm-l6-v2');
const store = await DocumentStore.open({
  dir: mkdtempSync(path.join(tmpdir(), 'rag-bench-')),
  keys: randomKeyRing(),
  logger: createLogger({ service: 'rag-bench', level: 'silent' }),
});
const ingestor = new Ingestor(store, embedder);
const DOCS = 200;
const t0 = performance.now();
for (let i = 0; i < DOCS; i += 8) {
  await Promise.all(
    Array.from({ length: 8 }, (_, j) =>
      ingestor.ingestDocument('bench', {
        contentType: 'text/plain',
        content: `Report ${i + j}. The quarterly numbers for region ${j} improved by ${i} percent. Costs fell while revenue grew. The team plans two launches next quarter, one in spring and one in autumn.`,
      }),
    ),
  );
}
const docsPerSecond = (DOCS / (performance.now() - t0)) * 1000;
console.log(
  `Ingestion end to end (8 concurrent clients, real model, fsync per document): ${docsPerSecond.toFixed(1)} documents/s\n`,
);
await store.close();
await embedder.close();

describe('one query, 100k x 384 (vitest timing of the same three)', () => {
  const q = queries[0]!;
  bench('JS brute force', () => void bruteForce(contiguous, q, K), { time: 500, iterations: 5 });
  bench('FAISS flat', () => void flat.search(q, K), { time: 500 });
  bench('FAISS HNSW32', () => void hnsw.search(q, K), { time: 500 });
});
