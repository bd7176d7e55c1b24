import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

export const SCRIPT_NAMES = ['acquire', 'leave', 'renew', 'release', 'status'] as const;
export type ScriptName = (typeof SCRIPT_NAMES)[number];

export interface LuaScript {
  source: string;
  sha: string;
}

/** Reads the scripts beside the package (lua/), each prefixed with the shared prologue. */
export function loadScripts(): Readonly<Record<ScriptName, LuaScript>> {
  const read = (file: string): string => readFileSync(new URL(`../../lua/${file}`, import.meta.url), 'utf8');
  const prologue = read('prologue.lua');
  const entries = SCRIPT_NAMES.map((name): [ScriptName, LuaScript] => {
    const source = `${prologue}\n${read(`${name}.lua`)}`;
    return [name, { source, sha: createHash('sha1').update(source).digest('hex') }];
  });
  return Object.fromEntries(entries) as Record<ScriptName, LuaScript>;
}
