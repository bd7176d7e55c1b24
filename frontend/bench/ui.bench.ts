import { readdir, readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, bench, describe } from 'vitest';
import { launch, WEB_ROOT } from '../test/support/browser.js';

/**
 * The built UI's weight and start-up: gzip size of every asset in dist/
 * (build first: npm run build -w frontend), and the time from navigation
 * until the sign-in form takes input, in Debian's chromium. The pages come
 * from a plain static server, so only the UI's own start-up is measured.
 */
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };

let server: Server;
let browser: Browser;
let page: Page;
let url: string;

async function assets(): Promise<string[]> {
  const files = await readdir(path.join(WEB_ROOT, 'assets'));
  return ['index.html', ...files.map((f) => path.join('assets', f))];
}

beforeAll(async () => {
  const files = await assets();
  let total = 0;
  for (const file of files) {
    const bytes = await readFile(path.join(WEB_ROOT, file));
    const gz = gzipSync(bytes).length;
    total += gz;
    console.log(`${file}: ${(bytes.length / 1024).toFixed(1)} KiB, gzip ${(gz / 1024).toFixed(1)} KiB`);
  }
  console.log(`Total gzip: ${(total / 1024).toFixed(1)} KiB`);
  server = createServer((req, res) => {
    const name = (req.url ?? '/').split('?')[0] === '/' ? 'index.html' : ((req.url ?? '').slice(1).split('?')[0] ?? '');
    if (!files.includes(name)) return void res.writeHead(404).end();
    void readFile(path.join(WEB_ROOT, name)).then((body) => {
      res.writeHead(200, { 'content-type': TYPES[path.extname(name)] ?? 'application/octet-stream' }).end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`;
  browser = await launch();
  page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  server?.close();
});

describe('web UI start-up', () => {
  bench(
    'navigation until the sign-in form takes input',
    async () => {
      await page.goto(url, { waitUntil: 'commit' });
      await page.getByLabel('Username').waitFor({ state: 'visible' });
      await page.getByLabel('Username').isEditable();
    },
    { iterations: 10, warmupIterations: 2, time: 0 },
  );
});
