import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { FIELDS_WITHOUT_DEFAULT, resolveSpec } from '../render/spec-defaults.js';
import { crdYaml } from './crd-yaml.js';
import { CRD_FILES } from './crd-files.js';
import { NemoPlatformSpec } from './schema.js';

const sample = (name: string) =>
  parse(readFileSync(fileURLToPath(new URL(`../../../crds/samples/${name}.yaml`, import.meta.url)), 'utf8')) as {
    spec: unknown;
  };

type Node = TSchema & { properties?: Record<string, Node>; required?: string[]; items?: Node };

/** Every field path that has neither a default nor properties of its own. */
function leavesWithoutDefault(schema: Node, path = ''): string[] {
  return Object.entries(schema.properties ?? {}).flatMap(([key, child]) => {
    const here = path ? `${path}.${key}` : key;
    if (child.properties && child.default !== undefined) return leavesWithoutDefault(child, here);
    return child.default === undefined && !schema.required?.includes(key) ? [here] : [];
  });
}

describe('the NemoPlatform CRD', () => {
  it.each(CRD_FILES)('committed %s matches schema.ts (run `npm run generate -w operator`)', (file) => {
    expect(readFileSync(file, 'utf8')).toBe(crdYaml());
  });

  it('describes every field', () => {
    const undocumented: string[] = [];
    const walk = (node: Node, path: string) => {
      if (!node.description && path) undocumented.push(path);
      for (const [k, child] of Object.entries(node.properties ?? {})) walk(child, `${path}.${k}`);
      if (node.items) walk(node.items, `${path}[]`);
    };
    walk(NemoPlatformSpec, '');
    expect(undocumented).toEqual([]);
  });

  it('lists exactly the fields without defaults as optional in ResolvedSpec', () => {
    const names = new Set(leavesWithoutDefault(NemoPlatformSpec as Node).map((p) => p.split('.').pop()));
    expect([...names].sort()).toEqual([...FIELDS_WITHOUT_DEFAULT].sort());
  });

  // The API server is the real judge (see the e2e tests); this catches a sample gone stale early.
  const ajv = new Ajv({ strict: false, allErrors: true });
  const validate = ajv.compile(JSON.parse(JSON.stringify(NemoPlatformSpec)) as object);

  it.each(['minimal', 'full'])('accepts the %s sample', (name) => {
    const spec: unknown = Value.Default(NemoPlatformSpec, structuredClone(sample(name).spec));
    validate(spec);
    expect(validate.errors ?? []).toEqual([]);
  });

  it('refuses a spec with a field out of bounds', () => {
    expect(validate({ gateway: { replicas: -1 } })).toBe(false);
    expect(validate.errors?.[0]?.instancePath).toBe('/gateway/replicas');
  });

  it('defaults an empty spec to a full platform', () => {
    const spec = Value.Default(NemoPlatformSpec, {}) as Record<string, Record<string, unknown>>;
    expect(spec['gateway']?.['replicas']).toBe(2);
    expect(spec['llm']?.['gpu']).toEqual({ count: 1, placement: 'spread', sharing: 'exclusive' });
    expect(spec['postgres']?.['mode']).toBe('managed');
    expect(spec['secrets']?.['mode']).toBe('generated');
  });
});

describe('default models', () => {
  it('name models the catalog has, in the format the catalog gives', () => {
    const catalog = parse(
      readFileSync(fileURLToPath(new URL('../../../models/catalog.yaml', import.meta.url)), 'utf8'),
    ) as { models: { name: string; format: string }[] };
    const formats = new Map(catalog.models.map((m) => [m.name, m.format]));
    const spec = resolveSpec({});
    for (const { name, format } of [spec.llm.model, spec.transcription.model]) {
      expect(formats.get(name ?? ''), `${String(name)} in models/catalog.yaml`).toBe(format);
    }
  });
});
