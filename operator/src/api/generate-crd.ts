import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { crdYaml } from './crd-yaml.js';
import { CRD_FILES } from './crd-files.js';

// `npm run generate -w operator`: writes the CRD from schema.ts.
for (const file of CRD_FILES) {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, crdYaml());
  console.log(`Wrote ${file}`);
}
