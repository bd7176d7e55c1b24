import { fileURLToPath } from 'node:url';

/** Where the generated CRD is committed: crds/ is what users apply; the chart ships a copy. */
export const CRD_FILES: readonly string[] = [
  '../../../crds/nemo.dev_nemoplatforms.yaml',
  '../../../charts/nemo-operator/crds/nemo.dev_nemoplatforms.yaml',
].map((p) => fileURLToPath(new URL(p, import.meta.url)));
