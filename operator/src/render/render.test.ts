import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import type { NemoPlatform, NemoPlatformSpec } from '../api/types.js';
import { CONFIG_HASH_ANNOTATION, SPEC_HASH_ANNOTATION } from './owned-kinds.js';
import { podTemplate, workloads } from '../../test/support/objects.js';
import { render, type KubeObject } from './index.js';

const testdata = (file: string) => fileURLToPath(new URL(`../../testdata/${file}`, import.meta.url));
const sampleSpec = (name: string) =>
  (
    parse(readFileSync(fileURLToPath(new URL(`../../../crds/samples/${name}.yaml`, import.meta.url)), 'utf8')) as {
      spec: NemoPlatformSpec;
    }
  ).spec;

function platform(name: string, spec: NemoPlatformSpec): NemoPlatform {
  return {
    apiVersion: 'nemo.dev/v1alpha1',
    kind: 'NemoPlatform',
    metadata: { name, namespace: 'ai', uid: '00000000-0000-4000-8000-000000000001', generation: 1 },
    spec,
  };
}

const CASES: Record<string, NemoPlatform> = {
  minimal: platform('nemo', sampleSpec('minimal')),
  full: platform('nemo-prod', sampleSpec('full')),
  'cpu-only': platform('lab', { llm: { gpu: { count: 0 } }, transcription: { enabled: false } }),
  'external-everything': platform('ext', {
    redis: { mode: 'external', external: { secretRef: { name: 'redis-conn' } } },
    postgres: { mode: 'external', external: { secretRef: { name: 'pg-conn' } } },
    secrets: { mode: 'external', externalSecretName: 'platform-keys' },
    emotion: { enabled: false },
    insights: { enabled: false },
  }),
};
const FACTS = { secretHash: 'abc123' };

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

const podSpecs = (objects: KubeObject[]) =>
  workloads(objects).map((o) => [o.metadata.name, podTemplate(o).spec] as const);

describe('render golden files (UPDATE_GOLDEN=1 rewrites them)', () => {
  it.each(Object.keys(CASES))('%s', (name) => {
    const yaml = render(CASES[name]!, FACTS)
      .map((o) => stringify(o, { lineWidth: 0 }))
      .join('---\n');
    const file = testdata(`render-${name}.yaml`);
    if (process.env['UPDATE_GOLDEN'] || !existsSync(file)) writeFileSync(file, yaml);
    expect(yaml).toBe(readFileSync(file, 'utf8'));
  });
});

describe.each(Object.entries(CASES))('render(%s)', (_name, p) => {
  const objects = render(p, FACTS);

  it('is pure: same output for the same input, input untouched', () => {
    const frozen = deepFreeze(structuredClone(p));
    expect(render(frozen, FACTS)).toEqual(objects);
  });

  it('labels, owns and hashes every object', () => {
    for (const o of objects) {
      expect(o.metadata.labels).toMatchObject({
        'app.kubernetes.io/managed-by': 'nemo-operator',
        'app.kubernetes.io/part-of': 'nemo-platform',
        'nemo.dev/platform': p.metadata.name,
      });
      expect(o.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'NemoPlatform', controller: true })]);
      expect(o.metadata.annotations?.[SPEC_HASH_ANNOTATION]).toMatch(/^[0-9a-f]{16}$/);
      expect(o.metadata.namespace).toBe('ai');
    }
  });

  it('gives every pod the restricted security profile', () => {
    for (const [, pod] of podSpecs(objects)) {
      const spec = pod as {
        securityContext: object;
        containers: { securityContext: object }[];
        automountServiceAccountToken: boolean;
      };
      expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      expect(spec.automountServiceAccountToken).toBe(false);
      for (const c of spec.containers) {
        expect(c.securityContext).toMatchObject({
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
        });
      }
    }
  });

  it('names are unique per kind', () => {
    const keys = objects.map((o) => `${o.kind}/${o.metadata.name}`);
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe('render reacts to its inputs', () => {
  const base = CASES['minimal']!;
  const hashOf = (objects: KubeObject[], name: string) =>
    podTemplate(objects.find((o) => o.kind === 'Deployment' && o.metadata.name === name)!).metadata?.annotations?.[
      CONFIG_HASH_ANNOTATION
    ];

  it('rolls pods when their config changes, and only those pods', () => {
    const before = render(base, FACTS);
    const after = render(platform('nemo', { llm: { rag: { topK: 9 } } }), FACTS);
    expect(hashOf(after, 'nemo-llm')).not.toBe(hashOf(before, 'nemo-llm'));
    expect(hashOf(after, 'nemo-gateway')).toBe(hashOf(before, 'nemo-gateway'));
  });

  it("publishes the platform's status for the gateway without rolling any pod", () => {
    const ready = { ...base, status: { phase: 'Ready' as const, observedGeneration: 1 } };
    const [before, after] = [render(base, FACTS), render(ready, FACTS)];
    const published = after.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'nemo-status');
    expect(JSON.parse((published?.['data'] as Record<string, string>)['status.json']!)).toEqual({
      name: 'nemo',
      namespace: 'ai',
      generation: 1,
      status: { phase: 'Ready', observedGeneration: 1 },
    });
    expect(podSpecs(after)).toEqual(podSpecs(before));
    expect(workloads(after).map((o) => podTemplate(o).metadata)).toEqual(
      workloads(before).map((o) => podTemplate(o).metadata),
    );
  });

  it('rolls every pod when the platform secret changes', () => {
    const before = render(base, FACTS);
    const after = render(base, { secretHash: 'rotated' });
    expect(hashOf(after, 'nemo-gateway')).not.toBe(hashOf(before, 'nemo-gateway'));
  });

  it('drops a disabled component entirely', () => {
    const objects = render(platform('nemo', { emotion: { enabled: false } }), FACTS);
    expect(objects.filter((o) => o.metadata.labels?.['app.kubernetes.io/component'] === 'emotion')).toEqual([]);
    const gatewayConfig = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'nemo-gateway')![
      'data'
    ] as Record<string, string>;
    expect(gatewayConfig['NEMO_EMOTION_URL']).toBeUndefined();
    expect(gatewayConfig['NEMO_LLM_URL']).toBe('http://nemo-llm:8080');
  });

  it('asks for GPUs, tolerates the GPU taint and requires fitting nodes', () => {
    const objects = render(CASES['full']!, FACTS);
    const llm = podSpecs(objects).find(([n]) => n === 'nemo-prod-llm')![1];
    expect(llm.containers[0]!.resources?.limits?.['nvidia.com/gpu']).toBe('1');
    expect(llm.tolerations).toContainEqual({ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' });
    expect(
      llm.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms[0]
        ?.matchExpressions,
    ).toEqual([
      { key: 'nvidia.com/gpu.count', operator: 'Gt', values: ['0'] },
      { key: 'nvidia.com/gpu.product', operator: 'In', values: ['NVIDIA-H100-80GB-HBM3'] },
      { key: 'nvidia.com/gpu.memory', operator: 'Gt', values: ['39999'] },
    ]);
  });

  it('runs no datastore for external Redis and Postgres, and mounts their URLs as files', () => {
    const objects = render(CASES['external-everything']!, FACTS);
    expect(objects.filter((o) => o.kind === 'StatefulSet')).toEqual([]);
    const gateway = podSpecs(objects).find(([n]) => n === 'ext-gateway')![1];
    expect(gateway.volumes?.find((v) => v.name === 'secrets')?.projected?.sources).toEqual([
      { secret: { name: 'platform-keys' } },
      { secret: { name: 'redis-conn', items: [{ key: 'url', path: 'redis-url' }] } },
      { secret: { name: 'pg-conn', items: [{ key: 'url', path: 'postgres-url' }] } },
    ]);
  });
});
