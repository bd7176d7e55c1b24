import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { startOnFreePort, type LocalServer } from './local-server.js';
import { LogTail, spawnServer, stopProcess, waitOrStop } from './managed-process.js';

/**
 * A private Redis on a free loopback port, in its own temp dir, with a
 * random password: nothing else on the machine can collide with it or use it.
 */
export async function startRedis(binary = 'redis-server'): Promise<LocalServer> {
  const dir = await mkdtemp(path.join(tmpdir(), 'nemo-redis-'));
  const password = randomBytes(16).toString('hex');
  const tail = new LogTail();
  let child: ChildProcess | undefined;
  let port = 0;

  const launch = async (): Promise<void> => {
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'];
    args.push('--requirepass', password, '--protected-mode', 'yes');
    child = spawnServer(binary, args, {}, tail);
    await waitOrStop('redis-server', child, tail, () => ping(port, password));
  };

  const server: LocalServer = {
    get url() {
      return `redis://:${password}@127.0.0.1:${port}`;
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
  await startOnFreePort(async (p) => {
    port = p;
    await launch();
  });
  return server;
}

async function ping(port: number, password: string): Promise<boolean> {
  const client = new Redis({
    port,
    host: '127.0.0.1',
    password,
    lazyConnect: true,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } finally {
    client.disconnect();
  }
}
