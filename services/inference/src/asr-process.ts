import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { Logger } from '@nemo/common';

/** What the worker says on stdout, one JSON object per line (python/asr_worker.py). */
export type WorkerMessage =
  | { type: 'ready'; model: string; device: string; computeType: string; multilingual: boolean; loadMs: number }
  | { type: 'fatal'; message: string }
  | { id: string; type: 'segment'; segment: unknown }
  | { id: string; type: 'progress'; processedSeconds: number; totalSeconds: number }
  | { id: string; type: 'done'; language: string; durationSeconds: number; decodeMs: number; cancelled: boolean }
  | { id?: string; type: 'error'; code: 'bad_request' | 'internal'; message: string };

export type ReadyMessage = Extract<WorkerMessage, { type: 'ready' }>;

export interface WorkerCommand {
  readonly python: string;
  readonly script: string;
  readonly args: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
}

export interface ProcessHandlers {
  message(msg: WorkerMessage): void;
  exit(code: number | null, signal: NodeJS.Signals | null): void;
}

const TAIL_LINES = 20;

/**
 * One worker process and its line protocol: requests as JSON lines on stdin,
 * answers on stdout, stderr logged (and its last lines kept for crash reports).
 */
export class WorkerProcess {
  private readonly child: ChildProcessByStdio<Writable, Readable, Readable>;
  private readonly stderrTail: string[] = [];
  private exited = false;
  readonly exitedPromise: Promise<void>;

  constructor(command: WorkerCommand, handlers: ProcessHandlers, logger?: Logger) {
    this.child = spawn(command.python, [command.script, ...command.args], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, ...command.env, PYTHONUNBUFFERED: '1', PYTHONDONTWRITEBYTECODE: '1' },
    });
    this.child.stdin.on('error', () => undefined); // a dead worker is reported by 'exit'
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      const msg = parseLine(line);
      if (msg) handlers.message(msg);
      else logger?.warn({ line: line.slice(0, 200) }, 'Ignored a line the ASR worker wrote that is not protocol');
    });
    createInterface({ input: this.child.stderr }).on('line', (line) => {
      this.stderrTail.push(line);
      if (this.stderrTail.length > TAIL_LINES) this.stderrTail.shift();
      logger?.debug({ worker: this.child.pid, line }, 'ASR worker stderr');
    });
    this.exitedPromise = new Promise((resolve) => {
      const done = (code: number | null, signal: NodeJS.Signals | null): void => {
        if (this.exited) return;
        this.exited = true;
        handlers.exit(code, signal);
        resolve();
      };
      this.child.once('exit', done);
      this.child.once('error', (err) => {
        this.stderrTail.push(`spawn failed: ${err.message}`);
        done(null, null);
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get alive(): boolean {
    return !this.exited;
  }

  /** The worker's last stderr lines (a traceback, when it crashed). */
  get tail(): readonly string[] {
    return this.stderrTail;
  }

  send(request: object): void {
    if (!this.exited) this.child.stdin.write(`${JSON.stringify(request)}\n`);
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    if (!this.exited) this.child.kill(signal);
  }

  /** Asks the worker to finish and exit; kills it when it has not after `graceMs`. */
  async stop(graceMs: number): Promise<void> {
    if (this.exited) return;
    this.send({ op: 'shutdown' });
    this.child.stdin.end();
    const timer = setTimeout(() => this.kill('SIGKILL'), graceMs);
    await this.exitedPromise;
    clearTimeout(timer);
  }
}

function parseLine(line: string): WorkerMessage | undefined {
  try {
    const value = JSON.parse(line) as unknown;
    return value && typeof value === 'object' && 'type' in value ? (value as WorkerMessage) : undefined;
  } catch {
    return undefined;
  }
}
