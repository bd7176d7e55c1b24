import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelsDir } from './catalog.js';
import { DEFAULT_EMBEDDING_MODEL, embeddingsLoader, startEmbeddings, type EmbeddingServer } from './embeddings.js';
import { auc } from './metrics.js';
import { ModelFileError } from './model-file.js';
import { SentenceEncoder, cosine } from './sentence-encoder.js';
import reference from './testdata/minilm-reference.json' with { type: 'json' };
import { relatedPairs, unrelatedPairs } from './testdata/sentence-pairs.js';

// Real weights: all-MiniLM-L6-v2 (fp32 ONNX) from the Maven Central jar that
// `npm run models:fetch` caches. No skip: a missing model fails the suite.
describe('embeddings on all-MiniLM-L6-v2 (real weights)', { timeout: 60_000 }, () => {
  let server: EmbeddingServer;
  beforeAll(async () => {
    server = await startEmbeddings();
  }, 120_000);
  afterAll(() => server.close());

  it('tokenizes like the reference tokenizer', async () => {
    const encoder = await SentenceEncoder.load(DEFAULT_EMBEDDING_MODEL);
    for (const row of reference.sentences) expect(encoder.tokens.ids(row.text)).toEqual(row.ids);
    await encoder.dispose();
  });

  it('packs a batch of mixed lengths into shared rows, and each text keeps the vector the exported graph gives it alone', async () => {
    const [encoder, exported] = await Promise.all([
      SentenceEncoder.load(DEFAULT_EMBEDDING_MODEL),
      SentenceEncoder.load(DEFAULT_EMBEDDING_MODEL, { pack: false }),
    ]);
    expect([encoder.packed, exported.packed]).toEqual([true, false]);
    const long = 'The quarterly report covers revenue, churn, hiring and the roadmap in detail. '.repeat(12);
    const texts = [...relatedPairs.slice(0, 20).map(([a]) => a), long, 'Hi.', long.slice(0, 200)];
    const together = await encoder.run(texts);
    for (const [i, text] of texts.entries()) {
      const [alone] = await exported.run([text]);
      expect(Math.max(...alone!.map((v, d) => Math.abs(v - together[i]![d]!)))).toBeLessThan(1e-5);
    }
    await Promise.all([encoder.dispose(), exported.dispose()]);
  });

  it('matches the reference embeddings for 3 sentences to 1e-4', async () => {
    const vectors = await Promise.all(reference.sentences.map((row) => server.infer(row.text)));
    reference.sentences.forEach((row, i) => {
      const vec = vectors[i]!;
      expect(vec.length).toBe(384);
      const maxDiff = Math.max(...row.embedding.map((v, d) => Math.abs(v - vec[d]!)));
      expect(maxDiff).toBeLessThan(1e-4);
    });
  });

  it('scores related pairs above unrelated ones (AUC)', async () => {
    const score = async ([a, b]: readonly [string, string]) => cosine(await server.infer(a), await server.infer(b));
    const pos = await Promise.all(relatedPairs.map(score));
    const neg = await Promise.all(unrelatedPairs.map(score));
    const value = auc(pos, neg);
    console.log(`[embeddings] AUC ${value.toFixed(4)} on ${pos.length} related / ${neg.length} unrelated pairs`);
    expect(value).toBeGreaterThanOrEqual(0.97);
  });

  it('micro-batches concurrent callers and gives each its own vector', async () => {
    const texts = relatedPairs.map(([a]) => a);
    const before = server.batchHistory.length;
    const together = await Promise.all(texts.map((t) => server.infer(t)));
    const batches = server.batchHistory.slice(before);
    expect(Math.max(...batches)).toBeGreaterThan(1);
    for (const [i, t] of texts.entries()) {
      const alone = await server.infer(t);
      expect(Math.max(...alone.map((v, d) => Math.abs(v - together[i]![d]!)))).toBeLessThan(1e-4);
    }
  });

  it('refuses new work with a clear error when the queue is full', async () => {
    const small = await startEmbeddings(DEFAULT_EMBEDDING_MODEL, { batch: { maxQueue: 4, maxBatchSize: 2 } });
    const calls = Array.from({ length: 12 }, (_, i) => small.infer(`sentence number ${i}`));
    const results = await Promise.allSettled(calls);
    const refused = results.filter((r) => r.status === 'rejected');
    expect(refused.length).toBeGreaterThan(0);
    expect(String((refused[0] as PromiseRejectedResult).reason)).toMatch(
      /embeddings queue is full \(4 requests waiting\)/,
    );
    expect(results.filter((r) => r.status === 'fulfilled').length).toBe(4);
    await small.close();
  });
});

describe('model versions and bad files', { timeout: 60_000 }, () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nemo-models-'));
    await mkdir(join(dir, DEFAULT_EMBEDDING_MODEL));
    for (const f of ['model.onnx', 'tokenizer.json']) {
      await copyFile(join(modelsDir(), DEFAULT_EMBEDDING_MODEL, f), join(dir, DEFAULT_EMBEDDING_MODEL, f));
    }
  }, 120_000);
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('hot-reloads a model version without dropping requests in flight', async () => {
    const server = await startEmbeddings();
    const v1 = server.version;
    const inFlight = Array.from({ length: 40 }, (_, i) => server.infer(`request ${i} during the reload`));
    const reload = server.reload(embeddingsLoader(DEFAULT_EMBEDDING_MODEL, { dir }));
    const after = Array.from({ length: 10 }, (_, i) => server.infer(`request ${i} after the reload`));
    const results = await Promise.allSettled([...inFlight, reload, ...after]);
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    expect(server.version).not.toBe(v1);
    expect(server.version).toContain(dir);
    await server.close();
  });

  it('refuses a corrupt model file, naming the file and the expected checksum', async () => {
    const file = join(dir, DEFAULT_EMBEDDING_MODEL, 'tokenizer.json');
    await writeFile(file, '{"corrupt": true}');
    const err = await SentenceEncoder.load(DEFAULT_EMBEDDING_MODEL, { dir }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelFileError);
    expect((err as Error).message).toContain(file);
    expect((err as Error).message).toContain('da0e79933b9ed51798a3ae27893d3c5fa4a201126cef75586296df9b4d2c62a0');
  });
});
