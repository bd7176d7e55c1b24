import { describe, expect, it } from 'vitest';
import { settingsFromEnv } from './settings.js';

const noFile = () => {
  throw new Error('ENOENT');
};

describe('settingsFromEnv', () => {
  it('has defaults for a local run', () => {
    expect(settingsFromEnv({}, noFile)).toEqual({
      namespace: 'default',
      metricsPort: 8081,
      leaderElect: true,
      leaseName: 'nemo-operator-leader',
      installCrd: false,
      concurrency: 4,
      logLevel: 'info',
    });
  });

  it('takes the namespace from the service account in a pod', () => {
    expect(settingsFromEnv({}, () => 'nemo-system\n').namespace).toBe('nemo-system');
    expect(settingsFromEnv({ NEMO_OPERATOR_NAMESPACE: 'ops' }, () => 'nemo-system').namespace).toBe('ops');
  });

  it('reads flags and numbers', () => {
    const s = settingsFromEnv(
      {
        NEMO_OPERATOR_LEADER_ELECT: 'false',
        NEMO_OPERATOR_INSTALL_CRD: '1',
        NEMO_OPERATOR_METRICS_PORT: '9090',
        NEMO_OPERATOR_CONCURRENCY: '8',
      },
      noFile,
    );
    expect(s).toMatchObject({ leaderElect: false, installCrd: true, metricsPort: 9090, concurrency: 8 });
  });

  it.each([
    ['NEMO_OPERATOR_LEADER_ELECT', 'maybe'],
    ['NEMO_OPERATOR_METRICS_PORT', '80a'],
    ['NEMO_OPERATOR_METRICS_PORT', '70000'],
    ['NEMO_OPERATOR_CONCURRENCY', '0'],
  ])('refuses %s=%s naming the variable', (name, value) => {
    expect(() => settingsFromEnv({ [name]: value }, noFile)).toThrow(name);
  });
});
