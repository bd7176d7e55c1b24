// `npm run help`: the npm scripts and what each is for.
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const width = Math.max(...Object.keys(pkg.scripts).map((s) => s.length));
for (const name of Object.keys(pkg.scripts)) {
  if (name === 'help') continue;
  console.log(`  npm run ${name.padEnd(width)}  ${pkg.scriptHelp?.[name] ?? ''}`);
}
