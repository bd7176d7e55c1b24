import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger, keyFromPem, loadConfig, S2SSigner, S2SVerifier, SecretStore, type S2SKey } from '@nemo/common';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { build } from '../app.js';
import { type RagConfig, ragConfigSchema } from '../config.js';
import type { Embedder } from '../embedder.js';
import { InferenceEmbedder } from '../inference-embedder.js';
import { openRag, type RagRuntime } from '../runtime.js';

/** Test wiring: the real embedding model, a temp data dir and secrets dir, a throwaway S2S key pair. */
const { privateKey } = generateKeyPairSync('ed25519');
export const s2sPem = privateKey.export({ type: 'pkcs8', format: 'pem' });
export const s2sKey = await keyFromPem(s2sPem, 'test key');
export const signer = new S2SSigner({ issuer: 'gateway', key: s2sKey });
const verifier = new S2SVerifier({ audience: 'rag', keys: { primary: s2sKey, previous: undefined } });
export const silentLogger = createLogger({ service: 'rag', level: 'silent' });

let shared: Promise<InferenceEmbedder> | undefined;
/** One real model per test file: loading it takes about a second. */
export function realEmbedder(): Promise<InferenceEmbedder> {
  shared ??= InferenceEmbedder.start('all-minilm-l6-v2');
  return shared;
}

/** Counts texts sent to the model, so tests can tell "loaded from disk" from "re-embedded". */
export class CountingEmbedder implements Embedder {
  texts = 0;
  constructor(private readonly inner: Embedder) {}
  get model() {
    return this.inner.model;
  }
  get dimension() {
    return this.inner.dimension;
  }
  embed(texts: readonly string[]) {
    this.texts += texts.length;
    return this.inner.embed(texts);
  }
  close() {
    return Promise.resolve();
  }
}

/** The user the harness's calls are made for, in a tenant. */
export const userOf = (tenant: string): string => `user-of-${tenant}`;

export const newKey = (): string => randomBytes(32).toString('base64url');

export function secretsDir(secrets: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'rag-secrets-'));
  for (const [name, value] of Object.entries(secrets)) writeFileSync(path.join(dir, name), value);
  return dir;
}

export interface RagOptions {
  embedder: Embedder;
  dataDir?: string;
  secretsDir?: string;
  env?: Record<string, string>;
  /** Signs rag's own calls (llm summaries, insights events). */
  outbound?: S2SSigner;
  /** The S2S key callers sign with: another service's tests give their own. */
  key?: S2SKey;
  /** Listen on a loopback port, for callers over HTTP (see `url`). */
  listen?: boolean;
}

export interface Rag {
  app: FastifyInstance;
  /** Where it listens, when started with `listen`. */
  url: string | undefined;
  runtime: RagRuntime;
  dataDir: string;
  secretsDir: string;
  inject(
    method: 'GET' | 'POST' | 'DELETE',
    url: string,
    tenant?: string,
    payload?: object,
  ): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export async function startRag(options: RagOptions): Promise<Rag> {
  const dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), 'rag-data-'));
  const secrets = options.secretsDir ?? secretsDir({ 'rag-db-key': newKey(), 'email-db-key': newKey() });
  const config: RagConfig = loadConfig(ragConfigSchema, { NEMO_DATA_DIR: dataDir, ...options.env });
  const runtime = await openRag({
    config,
    secrets: new SecretStore(secrets),
    logger: silentLogger,
    embedder: options.embedder,
    ...(options.outbound ? { signer: options.outbound } : {}),
  });
  const s2s = options.key
    ? new S2SVerifier({ audience: 'rag', keys: { primary: options.key, previous: undefined } })
    : verifier;
  const app = build({ logger: silentLogger, s2s, services: runtime.services, checks: runtime.checks });
  await app.ready();
  const url = options.listen ? await app.listen({ host: '127.0.0.1', port: 0 }) : undefined;
  return {
    app,
    url,
    runtime,
    dataDir,
    secretsDir: secrets,
    async inject(method, url, tenant, payload) {
      const token = await signer.token('rag', tenant ? userOf(tenant) : undefined, tenant);
      return app.inject({
        method,
        url,
        headers: { authorization: `Bearer ${token}` },
        ...(payload ? { payload } : {}),
      });
    },
    async close() {
      await app.close();
      await runtime.close();
    },
  };
}
