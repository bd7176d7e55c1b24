import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { verifyModelFile, type ModelFileSpec } from './model-file.js';

export const ModelTask = {
  Embeddings: 'embeddings',
  Chat: 'chat',
  Vad: 'vad',
  Emotion: 'emotion',
  Asr: 'asr',
  SpeakerEmbeddings: 'speaker-embeddings',
} as const;
export type ModelTask = (typeof ModelTask)[keyof typeof ModelTask];

export interface CatalogModel {
  readonly name: string;
  readonly task: ModelTask;
  readonly format: 'onnx' | 'gguf' | 'ctranslate2' | 'builtin';
  readonly license: string;
  readonly source: string;
  readonly basedOn?: string;
  readonly files: readonly ModelFileSpec[];
  readonly settings: Readonly<Record<string, unknown>>;
}

export interface Catalog {
  readonly models: readonly CatalogModel[];
}

/** A catalog model located in a model directory, its files verified. */
export interface ResolvedModel {
  readonly model: CatalogModel;
  readonly dir: string;
  /** Absolute path of a catalog file, by its catalog path. */
  file(path: string): string;
}

const repoCatalog = resolve(dirname(fileURLToPath(import.meta.url)), '../../../models/catalog.yaml');

/** Where models live: `NEMO_MODELS_DIR`, else the cache that `npm run models:fetch` fills. */
export function modelsDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.NEMO_MODELS_DIR ?? join(homedir(), '.cache', 'nemo', 'models');
}

export async function loadCatalog(path = process.env.NEMO_MODEL_CATALOG ?? repoCatalog): Promise<Catalog> {
  const doc = parse(await readFile(path, 'utf8')) as { models?: CatalogModel[] };
  if (!Array.isArray(doc.models)) throw new Error(`Model catalog ${path} has no models list`);
  return { models: doc.models.map((m) => ({ ...m, files: m.files ?? [], settings: m.settings ?? {} })) };
}

export function findModel(catalog: Catalog, name: string): CatalogModel {
  const model = catalog.models.find((m) => m.name === name);
  if (!model)
    throw new Error(`Model ${name} is not in the catalog (known: ${catalog.models.map((m) => m.name).join(', ')})`);
  return model;
}

export interface ResolveOptions {
  readonly dir?: string;
  readonly catalog?: Catalog;
}

/**
 * Finds a model's files under the model directory and verifies each one's size
 * and sha256 against the catalog; a corrupt or mismatched file is refused.
 */
export async function resolveModel(name: string, options: ResolveOptions = {}): Promise<ResolvedModel> {
  const catalog = options.catalog ?? (await loadCatalog());
  const model = findModel(catalog, name);
  const dir = join(options.dir ?? modelsDir(), model.name);
  for (const spec of model.files) await verifyModelFile(join(dir, spec.path), spec);
  return {
    model,
    dir,
    file(path: string): string {
      if (!model.files.some((f) => f.path === path))
        throw new Error(`Model ${name} has no file ${path} in the catalog`);
      return join(dir, path);
    },
  };
}

export function setting<T>(model: CatalogModel, key: string, fallback: T): T {
  const value = model.settings[key];
  return value === undefined ? fallback : (value as T);
}
