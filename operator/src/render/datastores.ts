import type { V1Container, V1PersistentVolumeClaim } from '@kubernetes/client-node';
import type { NemoPlatform } from '../api/types.js';
import { SECRETS_DIR } from './config.js';
import type { KubeObject } from './kube-object.js';
import { childMeta, childName, commonLabels, selectorLabels } from './metadata.js';
import { platformSecretNames } from './secrets.js';
import { RESTRICTED_CONTAINER, restrictedPodSecurity, SECRET_FILE_MODE } from './security.js';
import type { ResolvedSpec } from './spec-defaults.js';

export type Datastore = 'redis' | 'postgres';

export const DATASTORE_PORTS: Readonly<Record<Datastore, number>> = { redis: 6379, postgres: 5432 };

interface DatastoreProfile {
  image: string;
  port: number;
  /** The image's own non-root user. */
  uid: number;
  dataPath: string;
  /** Writable paths besides data, on emptyDirs (the root filesystem is read-only). */
  scratch: readonly string[];
  requests: { cpu: string; memory: string };
  limits: { memory: string };
  container: (secretsDir: string) => Pick<V1Container, 'args' | 'env' | 'readinessProbe' | 'livenessProbe'>;
}

const PROFILES: Readonly<Record<Datastore, DatastoreProfile>> = {
  redis: {
    image: 'docker.io/library/redis:7.4-alpine',
    port: DATASTORE_PORTS.redis,
    uid: 999,
    dataPath: '/data',
    scratch: ['/tmp'],
    requests: { cpu: '100m', memory: '256Mi' },
    limits: { memory: '1Gi' },
    // The password arrives as a config file in the secret, so it never appears in args or env.
    container: (dir) => ({
      args: [`${dir}/redis.conf`],
      readinessProbe: { tcpSocket: { port: 'db' }, periodSeconds: 5 },
      livenessProbe: { tcpSocket: { port: 'db' }, periodSeconds: 10 },
    }),
  },
  postgres: {
    image: 'docker.io/library/postgres:16-alpine',
    port: DATASTORE_PORTS.postgres,
    uid: 70,
    dataPath: '/var/lib/postgresql/data',
    scratch: ['/tmp', '/var/run/postgresql'],
    requests: { cpu: '250m', memory: '512Mi' },
    limits: { memory: '2Gi' },
    container: (dir) => ({
      env: [
        { name: 'POSTGRES_USER', value: 'nemo' },
        { name: 'POSTGRES_DB', value: 'nemo' },
        { name: 'POSTGRES_PASSWORD_FILE', value: `${dir}/postgres-password` },
        { name: 'PGDATA', value: '/var/lib/postgresql/data/pgdata' },
      ],
      readinessProbe: { exec: { command: ['pg_isready', '-U', 'nemo', '-d', 'nemo'] }, periodSeconds: 5 },
      livenessProbe: { tcpSocket: { port: 'db' }, periodSeconds: 10 },
    }),
  },
};

function volumeClaim(spec: ResolvedSpec, store: Datastore): V1PersistentVolumeClaim {
  const { size, storageClass } = spec[store].storage;
  return {
    metadata: { name: 'data' },
    spec: {
      accessModes: ['ReadWriteOnce'],
      ...(storageClass ? { storageClassName: storageClass } : {}),
      resources: { requests: { storage: String(size) } },
    },
  };
}

function statefulSet(platform: NemoPlatform, spec: ResolvedSpec, store: Datastore): KubeObject {
  const p = PROFILES[store];
  const scratch = p.scratch.map((path, i) => ({ name: `scratch-${i}`, path }));
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: childMeta(platform, childName(platform, store), store),
    spec: {
      serviceName: childName(platform, store),
      replicas: 1,
      selector: { matchLabels: selectorLabels(platform, store) },
      template: {
        metadata: { labels: commonLabels(platform, store) },
        spec: {
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          securityContext: restrictedPodSecurity(p.uid),
          containers: [
            {
              name: store,
              image: p.image,
              imagePullPolicy: spec.images.pullPolicy,
              ports: [{ name: 'db', containerPort: p.port, protocol: 'TCP' }],
              resources: { requests: { ...p.requests }, limits: { ...p.limits } },
              securityContext: RESTRICTED_CONTAINER,
              volumeMounts: [
                { name: 'data', mountPath: p.dataPath },
                { name: 'secrets', mountPath: SECRETS_DIR, readOnly: true },
                ...scratch.map((s) => ({ name: s.name, mountPath: s.path })),
              ],
              ...p.container(SECRETS_DIR),
            },
          ],
          volumes: [
            {
              name: 'secrets',
              projected: {
                defaultMode: SECRET_FILE_MODE,
                sources: platformSecretNames(platform, spec).map((name) => ({ secret: { name } })),
              },
            },
            ...scratch.map((s) => ({ name: s.name, emptyDir: {} })),
          ],
        },
      },
      volumeClaimTemplates: [volumeClaim(spec, store)],
    },
  };
}

function headlessService(platform: NemoPlatform, store: Datastore): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: childMeta(platform, childName(platform, store), store),
    spec: {
      clusterIP: 'None',
      selector: selectorLabels(platform, store),
      ports: [{ name: 'db', port: PROFILES[store].port, targetPort: 'db', protocol: 'TCP' }],
    },
  };
}

/** A StatefulSet and its Service for each managed datastore; external ones render nothing. */
export function managedDatastores(platform: NemoPlatform, spec: ResolvedSpec): KubeObject[] {
  return (['redis', 'postgres'] as const)
    .filter((store) => spec[store].mode === 'managed')
    .flatMap((store) => [statefulSet(platform, spec, store), headlessService(platform, store)]);
}
