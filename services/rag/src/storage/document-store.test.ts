import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger } from '@nemo/common';
import { describe, expect, it } from 'vitest';
import type { KeyRing } from '../crypto/sealed-box.js';
import { storedDocument } from '../testing/documents.js';
import { randomKeyRing } from '../testing/keys.js';
import { DocumentStore } from './document-store.js';

const logger = createLogger({ service: 'test', level: 'silent' });
const open = (dir: string, keys: KeyRing, compactAfterBytes?: number) =>
  DocumentStore.open({ dir, keys, logger, ...(compactAfterBytes ? { compactAfterBytes } : {}) });
const dirOf = () => mkdtempSync(path.join(tmpdir(), 'store-'));

describe('document store', () => {
  it('survives a restart from the log alone, vectors included', async () => {
    const dir = dirOf();
    const keys = randomKeyRing();
    const store = await open(dir, keys);
    await store.put(storedDocument('t1', 'a', [1, 2]));
    await store.put(storedDocument('t1', 'b', [3]));
    await store.delete('t1', 'a');
    await store.close();

    const reopened = await open(dir, keys);
    expect(reopened.list('t1').map((d) => d.meta.id)).toEqual(['b']);
    expect(Array.from(reopened.get('t1', 'b')!.chunks[0]!.vector)).toEqual(
      Array.from(storedDocument('t1', 'b', [3]).chunks[0]!.vector),
    );
  });

  it('survives a restart from snapshot plus log after compaction', async () => {
    const dir = dirOf();
    const keys = randomKeyRing();
    const store = await open(dir, keys, 1); // compact after every write
    await store.put(storedDocument('t1', 'a', [1]));
    await store.put(storedDocument('t2', 'b', [2]));
    await store.close();
    expect(readdirSync(dir).sort()).toEqual(['snapshot.bin', 'wal.log']);
    const reopened = await open(dir, keys);
    expect([...reopened.all()].map((d) => d.meta.id).sort()).toEqual(['a', 'b']);
  });

  it('keeps chunk text encrypted on disk', async () => {
    const dir = dirOf();
    const store = await open(dir, randomKeyRing(), 1);
    await store.put(storedDocument('t1', 'secret-doc', [1]));
    await store.put(storedDocument('t1', 'secret-log', [2]));
    await store.close();
    for (const file of readdirSync(dir)) expect(readFileSync(path.join(dir, file)).includes('secret')).toBe(false);
  });

  it('refuses a tampered snapshot with an error naming the file', async () => {
    const dir = dirOf();
    const keys = randomKeyRing();
    const store = await open(dir, keys);
    await store.put(storedDocument('t1', 'a', [1]));
    await store.compact();
    await store.close();
    const file = path.join(dir, 'snapshot.bin');
    const data = readFileSync(file);
    data[data.length - 40]! ^= 1;
    writeFileSync(file, data);
    await expect(open(dir, keys)).rejects.toThrow(`snapshot file ${file} failed authentication`);
  });

  it('re-encrypts under a rotated key, after which the old key is not needed', async () => {
    const dir = dirOf();
    const oldKeys = randomKeyRing();
    const store = await open(dir, oldKeys);
    await store.put(storedDocument('t1', 'a', [1]));
    await store.close();

    const rotated = randomKeyRing(oldKeys);
    const during = await open(dir, rotated);
    expect(during.needsReencryption).toBe(true);
    await during.compact();
    expect(during.needsReencryption).toBe(false);
    await during.close();

    const after = await open(dir, { primary: rotated.primary, previous: undefined });
    expect(after.get('t1', 'a')?.meta.id).toBe('a');
    await expect(open(dir, oldKeys)).rejects.toThrow(/not configured/);
  });

  it('tells subscribers about stored documents and changes', async () => {
    const store = await open(dirOf(), randomKeyRing());
    await store.put(storedDocument('t1', 'a', [1]));
    const seen: string[] = [];
    store.subscribe({ added: (d) => seen.push(`+${d.meta.id}`), removed: (d) => seen.push(`-${d.meta.id}`) });
    await store.put(storedDocument('t1', 'a', [2])); // a replacement removes the old version first
    await store.delete('t1', 'a');
    expect(seen).toEqual(['+a', '-a', '+a', '-a']);
  });
});
