import { execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chown, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { LogTail, spawnServer, stopProcess, waitOrStop } from './managed-process.js';
import { startOnFreePort, type LocalServer } from './local-server.js';

const USER = 'nemo';
const DATABASE = 'nemo';

/** Debian installs each major under /usr/lib/postgresql/<major>/bin; take the newest. */
export async function postgresBinDir(root = '/usr/lib/postgresql'): Promise<string> {
  const majors = (await readdir(root).catch(() => [] as string[])).filter((d) => /^\d+$/.test(d));
  const newest = majors.sort((a, b) => Number(b) - Number(a))[0];
  if (!newest) throw new Error(`PostgreSQL is not installed under ${root}; run hack/ensure-packages.sh`);
  return path.join(root, newest, 'bin');
}

/** PostgreSQL refuses to run as root, so root runs it as the Debian `postgres` user. */
function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

/**
 * A private PostgreSQL cluster in a temp dir on a free loopback port, with a
 * random password (scram). Durability settings are relaxed: it is for tests
 * and local runs, and its data is thrown away.
 */
export async function startPostgres(): Promise<LocalServer> {
  const bin = await postgresBinDir();
  const dir = await mkdtemp(path.join(tmpdir(), 'nemo-pg-'));
  const data = path.join(dir, 'data');
  const password = randomBytes(16).toString('hex');
  const owner = runAs();
  if (owner) await chown(dir, owner.uid, owner.gid);
  await writeFile(path.join(dir, 'pwfile'), password, { mode: 0o600 });
  if (owner) await chown(path.join(dir, 'pwfile'), owner.uid, owner.gid);
  execFileSync(
    path.join(bin, 'initdb'),
    [
      '-D',
      data,
      '-U',
      USER,
      '--pwfile',
      path.join(dir, 'pwfile'),
      '--auth',
      'scram-sha-256',
      '-E',
      'UTF8',
      '--no-sync',
      '--locale',
      'C',
    ],
    { stdio: 'pipe', ...owner },
  );

  const tail = new LogTail();
  let child: ChildProcess | undefined;
  let port = 0;
  const url = (db = DATABASE) => `postgres://${USER}:${password}@127.0.0.1:${port}/${db}`;

  const launch = async (): Promise<void> => {
    const args = ['-D', data, '-p', String(port), '-h', '127.0.0.1', '-k', dir];
    args.push('-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off');
    child = spawnServer(path.join(bin, 'postgres'), args, { ...owner }, tail);
    await waitOrStop('postgres', child, tail, () => canQuery(url('postgres')));
  };

  await startOnFreePort(async (p) => {
    port = p;
    await launch();
  });
  await createDatabase(url('postgres'));

  const server: LocalServer = {
    get url() {
      return url();
    },
    get port() {
      return port;
    },
    get pid() {
      return child?.pid;
    },
    start: launch,
    stop: async () => {
      if (child) await stopProcess(child);
    },
    dispose: async () => {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return server;
}

async function canQuery(connectionString: string): Promise<boolean> {
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: 1000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function createDatabase(adminUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${DATABASE}`);
  } finally {
    await client.end();
  }
}
