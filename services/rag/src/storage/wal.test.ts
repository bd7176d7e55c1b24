import { appendFileSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { randomKeyRing } from '../testing/keys.js';
import { WriteAheadLog } from './wal.js';

const keys = randomKeyRing();
const fileIn = () => path.join(mkdtempSync(path.join(tmpdir(), 'wal-')), 'wal.log');

async function written(file: string, records: string[]): Promise<void> {
  const wal = new WriteAheadLog(file, keys);
  for (const r of records) await wal.append(Buffer.from(r));
  await wal.close();
}

describe('write-ahead log', () => {
  it('reads back what was appended, encrypted on disk', async () => {
    const file = fileIn();
    await written(file, ['one', 'two', 'three']);
    const { records } = await new WriteAheadLog(file, keys).read();
    expect(records.map(String)).toEqual(['one', 'two', 'three']);
    expect(readFileSync(file).includes('three')).toBe(false);
  });

  it('drops a torn last record (a crash mid-write) and keeps the rest', async () => {
    const file = fileIn();
    await written(file, ['kept']);
    const size = statSync(file).size;
    appendFileSync(file, Buffer.from([0, 0, 0, 200, 1, 2, 3])); // a length prefix and a few bytes
    const result = await new WriteAheadLog(file, keys).read();
    expect(result.records.map(String)).toEqual(['kept']);
    expect(result.tornBytes).toBe(7);
    expect(statSync(file).size).toBe(size);
  });

  it('refuses a complete record that was modified, naming the file', async () => {
    const file = fileIn();
    await written(file, ['first', 'second']);
    const data = readFileSync(file);
    data[data.length - 20]! ^= 0x40;
    writeFileSync(file, data);
    await expect(new WriteAheadLog(file, keys).read()).rejects.toThrow(`write-ahead log ${file}`);
  });

  it('is refused under a key that did not write it', async () => {
    const file = fileIn();
    await written(file, ['secret']);
    await expect(new WriteAheadLog(file, randomKeyRing()).read()).rejects.toThrow(/not configured/);
  });
});
