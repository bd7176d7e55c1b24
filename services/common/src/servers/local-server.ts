import { freePort } from './free-port.js';

/** A database or cache process this run owns: its own port, dir and credentials. */
export interface LocalServer {
  readonly url: string;
  readonly port: number;
  readonly pid: number | undefined;
  /** Starts the server again on the same port and data directory after `stop()`. */
  start(): Promise<void>;
  /** Stops the process; data stays until `dispose()`. */
  stop(): Promise<void>;
  /** Stops the process and removes its directory. */
  dispose(): Promise<void>;
}

/** Tries a few free ports: another process may take ours between probe and bind. */
export async function startOnFreePort(start: (port: number) => Promise<void>, attempts = 3): Promise<void> {
  for (let i = 1; ; i++) {
    try {
      await start(await freePort());
      return;
    } catch (err) {
      if (i >= attempts || !/in use|EADDRINUSE|could not bind/i.test(String(err))) throw err;
    }
  }
}
