import { open, rename } from 'node:fs/promises';
import path from 'node:path';

/**
 * Replaces `file` so that a crash leaves either the old or the new contents:
 * write a temp file, fsync it, rename it over the target, fsync the folder
 * (the rename itself lives in the folder's metadata).
 */
export async function writeFileAtomic(file: string, data: Buffer): Promise<void> {
  const temp = `${file}.${process.pid}.tmp`;
  const handle = await open(temp, 'w', 0o600);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, file);
  await fsyncDir(path.dirname(file));
}

export async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
