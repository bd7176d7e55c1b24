import type { V1PodSecurityContext, V1SecurityContext } from '@kubernetes/client-node';

/** The `restricted` Pod Security Standard, at pod level. */
export function restrictedPodSecurity(uid: number): V1PodSecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: uid,
    fsGroup: uid,
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** The `restricted` Pod Security Standard, per container, with a read-only root. */
export const RESTRICTED_CONTAINER: V1SecurityContext = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};

/**
 * Secret files are readable by the pod's group only. 0440 rather than 0400:
 * files in a Secret volume belong to root with group fsGroup, so a non-root
 * container could not read a 0400 file.
 */
export const SECRET_FILE_MODE = 0o440;
