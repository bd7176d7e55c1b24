import { describe, expect, it } from 'vitest';
import type { NemoPlatform, NemoPlatformStatus } from './api/types.js';
import type { KubeObject } from './render/kube-object.js';
import { computeStatus, statusEquals, type Problem } from './status.js';

const NOW = '2026-11-29T12:00:00Z';
const LATER = '2026-11-29T12:05:00Z';

function platform(spec: NemoPlatform['spec'] = {}, status?: NemoPlatformStatus): NemoPlatform {
  return {
    apiVersion: 'nemo.dev/v1alpha1',
    kind: 'NemoPlatform',
    metadata: { name: 'nemo', namespace: 'ai', generation: 3 },
    spec,
    ...(status ? { status } : {}),
  };
}

function workload(kind: string, name: string, [desired, ready]: [number, number], stale = false): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind,
    metadata: { name, namespace: 'ai', generation: 2 },
    spec: { replicas: desired },
    status: { observedGeneration: stale ? 1 : 2, readyReplicas: ready, updatedReplicas: ready },
  };
}

const ALL = ['gateway', 'llm', 'transcription', 'rag', 'emotion', 'insights', 'coordinator'];
const allReady = (): KubeObject[] => [
  ...ALL.map((c) => workload('Deployment', `nemo-${c}`, [c === 'gateway' ? 2 : 1, c === 'gateway' ? 2 : 1])),
  workload('StatefulSet', 'nemo-redis', [1, 1]),
  workload('StatefulSet', 'nemo-postgres', [1, 1]),
];
const cond = (s: NemoPlatformStatus, type: string) => s.conditions?.find((c) => c.type === type);

describe('computeStatus', () => {
  it('is Pending before anything exists', () => {
    const s = computeStatus({ platform: platform(), observed: [], problems: [], now: NOW });
    expect(s.phase).toBe('Pending');
    expect(cond(s, 'Ready')).toMatchObject({ status: 'False', reason: 'ComponentsNotReady' });
    expect(s.components?.['gateway']).toEqual({ ready: 0, desired: 2 });
  });

  it('is Ready when every workload is ready, with endpoints and GPUs', () => {
    const s = computeStatus({ platform: platform(), observed: allReady(), problems: [], now: NOW });
    expect(s.phase).toBe('Ready');
    expect(s.observedGeneration).toBe(3);
    expect(cond(s, 'Ready')).toMatchObject({ status: 'True', reason: 'AllComponentsReady', lastTransitionTime: NOW });
    expect(cond(s, 'Progressing')).toMatchObject({ status: 'False' });
    expect(cond(s, 'Degraded')).toMatchObject({ status: 'False' });
    expect(s.endpoints?.gateway).toBe('http://nemo-gateway.ai.svc:8000');
    expect(s.gpu?.requested).toBe(2);
  });

  it('is Progressing and names what it waits for', () => {
    const observed = allReady().map((o) =>
      o.metadata.name === 'nemo-llm' ? workload('Deployment', 'nemo-llm', [1, 0]) : o,
    );
    const s = computeStatus({ platform: platform(), observed, problems: [], now: NOW });
    expect(s.phase).toBe('Progressing');
    expect(cond(s, 'Progressing')?.message).toBe('Waiting for llm (0/1).');
  });

  it('does not count pods of a Deployment whose controller has not seen the new spec', () => {
    const observed = allReady().map((o) =>
      o.metadata.name === 'nemo-gateway' ? workload('Deployment', 'nemo-gateway', [2, 2], true) : o,
    );
    const s = computeStatus({ platform: platform(), observed, problems: [], now: NOW });
    expect(s.components?.['gateway']).toEqual({ ready: 0, desired: 2 });
  });

  it('is Degraded with the problem’s reason and message, and not Ready', () => {
    const problem: Problem = {
      type: 'Degraded',
      reason: 'SecretMissing',
      message: 'Secret "x" not found.',
      terminal: true,
    };
    const s = computeStatus({ platform: platform(), observed: allReady(), problems: [problem], now: NOW });
    expect(s.phase).toBe('Degraded');
    expect(cond(s, 'Degraded')).toMatchObject({
      status: 'True',
      reason: 'SecretMissing',
      message: 'Secret "x" not found.',
    });
    expect(cond(s, 'Ready')).toMatchObject({ status: 'False', reason: 'SecretMissing' });
  });

  it('omits disabled components and external datastores', () => {
    const s = computeStatus({
      platform: platform({
        emotion: { enabled: false },
        redis: { mode: 'external', external: { secretRef: { name: 'r' } } },
      }),
      observed: [],
      problems: [],
      now: NOW,
    });
    expect(Object.keys(s.components ?? {}).sort()).toEqual(
      ['coordinator', 'gateway', 'insights', 'llm', 'postgres', 'rag', 'transcription'].sort(),
    );
  });

  it('keeps lastTransitionTime while a condition holds, so a repeat reconcile writes nothing', () => {
    const first = computeStatus({ platform: platform(), observed: allReady(), problems: [], now: NOW });
    const second = computeStatus({ platform: platform({}, first), observed: allReady(), problems: [], now: LATER });
    expect(cond(second, 'Ready')?.lastTransitionTime).toBe(NOW);
    expect(statusEquals(first, second)).toBe(true);
  });

  it('moves lastTransitionTime when a condition flips', () => {
    const first = computeStatus({ platform: platform(), observed: [], problems: [], now: NOW });
    const second = computeStatus({ platform: platform({}, first), observed: allReady(), problems: [], now: LATER });
    expect(cond(second, 'Ready')?.lastTransitionTime).toBe(LATER);
    expect(statusEquals(first, second)).toBe(false);
  });
});
