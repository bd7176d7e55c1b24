import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { MessageChannel, Worker } from 'node:worker_threads';
import { badRequest, ErrorCode, NemoError } from '@nemo/common';
import type * as PdfJsModule from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { PDFDocumentProxy, PDFPageProxy, PDFWorker } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { Mutex } from '../storage/mutex.js';
import { pageText, type TextRun } from './pdf-layout.js';

/** What one PDF may cost; past any of them the PDF is refused with a message that says which. */
export interface PdfLimits {
  /** The file itself. */
  maxBytes: number;
  maxPages: number;
  /** The text layer, summed over pages (compressed streams can hold far more than the file's size). */
  maxTextChars: number;
  /** Text runs (pieces of text pdf.js reports) on one page: a dense page has a few thousand. */
  maxRunsPerPage: number;
  /** Wall time for opening the file and reading every page. */
  timeoutMs: number;
  /** The parser thread's V8 heap. */
  maxHeapMb: number;
  /**
   * Growth of the process's resident memory while a PDF is parsed: the heap
   * cap does not cover the buffers that inflated streams are decoded into.
   */
  maxMemoryGrowthMb: number;
}

const MiB = 1024 * 1024;

export const DEFAULT_PDF_LIMITS: PdfLimits = {
  maxBytes: 24 * MiB, // what base64 in the 32 MiB body limit can carry
  maxPages: 2000,
  maxTextChars: 16 * MiB,
  maxRunsPerPage: 100_000,
  timeoutMs: 20_000, // under the gateway's 30 s upstream timeout, with time left to embed
  maxHeapMb: 512,
  maxMemoryGrowthMb: 512,
};

/** How often the process's memory is sampled while a PDF is parsed. */
const MEMORY_SAMPLE_MS = 20;

export interface PdfText {
  /** Each page's text: lines end with '\n', paragraphs with '\n\n'. */
  pages: string[];
  /** The document's title from its metadata (XMP dc:title, else the Info dictionary). */
  title: string | undefined;
}

/** pdf.js and the files it reads: loaded on the first PDF, so services that never see one do not pay for it. */
interface PdfJs {
  lib: typeof PdfJsModule;
  /** pdf.js's parser, which runs in its own thread so that a hostile file can be stopped. */
  parserUrl: string;
  /** Character maps for CJK fonts, read from disk when a PDF names one. */
  cMapDir: string;
}
let pdfjs: Promise<PdfJs> | undefined;

/** The parser thread's entry: load the parser and serve the port it was given. */
const THREAD_MAIN = new URL(
  `data:text/javascript,${encodeURIComponent(
    "import { workerData } from 'node:worker_threads';" +
      'const { WorkerMessageHandler } = await import(workerData.parser);' +
      'WorkerMessageHandler.initializeFromPort(workerData.port);',
  )}`,
);

/** One PDF at a time: each may use a thread with maxHeapMb of heap. */
const oneAtATime = new Mutex();

/** The text layer of a PDF, page by page. Refuses unreadable, encrypted and oversized files with a 400. */
export async function readPdf(bytes: Uint8Array, limits: PdfLimits = DEFAULT_PDF_LIMITS): Promise<PdfText> {
  if (bytes.byteLength > limits.maxBytes) throw fileTooLarge(limits);
  if (!hasPdfHeader(bytes)) {
    throw badRequest('content is not a PDF file (it has no %PDF- header); send the base64 of the whole file.');
  }
  const pdf = await loadPdfJs();
  return oneAtATime.run(() => inParserThread(pdf, limits, (worker) => readDocument(pdf, worker, bytes, limits)));
}

/** PDF readers accept a header anywhere in the first 1024 bytes. */
function hasPdfHeader(bytes: Uint8Array): boolean {
  return Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 1024)).includes('%PDF-');
}

async function loadPdfJs(): Promise<PdfJs> {
  pdfjs ??= (async () => {
    const require = createRequire(import.meta.url);
    const root = path.dirname(require.resolve('pdfjs-dist/package.json'));
    return {
      lib: await import('pdfjs-dist/legacy/build/pdf.mjs'),
      parserUrl: pathToFileURL(path.join(root, 'legacy', 'build', 'pdf.worker.mjs')).href,
      cMapDir: `${path.join(root, 'cmaps')}${path.sep}`,
    };
  })();
  try {
    return await pdfjs;
  } catch (cause) {
    throw new NemoError(ErrorCode.Unavailable, 'PDF support is not installed on this server.', { cause });
  }
}

/**
 * Runs `work` against a pdf.js parser in a fresh thread with a heap limit,
 * and ends the thread afterwards. A file that takes too long or too much
 * memory is stopped: the parser's loops would otherwise hold this thread.
 */
async function inParserThread<T>(pdf: PdfJs, limits: PdfLimits, work: (worker: PDFWorker) => Promise<T>): Promise<T> {
  const { port1, port2 } = new MessageChannel();
  const thread = new Worker(THREAD_MAIN, {
    workerData: { parser: pdf.parserUrl, port: port2 },
    transferList: [port2],
    resourceLimits: { maxOldGenerationSizeMb: limits.maxHeapMb },
    stdout: true, // pdf.js logs to the console: keep it out of the service's JSON logs
    stderr: true,
  });
  thread.stdout.resume();
  thread.stderr.resume();
  // PDFWorker types its port as a DOM Worker; a MessagePort speaks the same protocol.
  const worker = new pdf.lib.PDFWorker({ port: port1 as never, verbosity: pdf.lib.VerbosityLevel.ERRORS });
  const watch = watchThread(thread, limits);
  try {
    return await Promise.race([work(worker), watch.stopped]);
  } finally {
    watch.end();
    worker.destroy();
    port1.close();
    await thread.terminate();
  }
}

/** Rejects when the parser thread runs too long, grows the process too much, or dies. */
function watchThread(thread: Worker, limits: PdfLimits): { stopped: Promise<never>; end: () => void } {
  const timers: NodeJS.Timeout[] = [];
  const stopped = new Promise<never>((_, reject) => {
    const baseline = process.memoryUsage.rss();
    const grown = () => process.memoryUsage.rss() - baseline > limits.maxMemoryGrowthMb * MiB;
    timers.push(setTimeout(() => reject(tooSlow(limits)), limits.timeoutMs));
    timers.push(setInterval(() => grown() && reject(tooMuchMemory()), MEMORY_SAMPLE_MS));
    thread.once('error', (cause) => reject(threadFailed(cause)));
    thread.once('exit', (code) => reject(new Error(`The PDF parser thread exited with code ${code}`)));
  });
  return { stopped, end: () => timers.forEach((timer) => clearTimeout(timer)) };
}

async function readDocument(pdf: PdfJs, worker: PDFWorker, bytes: Uint8Array, limits: PdfLimits): Promise<PdfText> {
  const task = pdf.lib.getDocument({
    // pdf.js moves the buffer to the parser thread: give it a copy that owns its buffer.
    data: new Uint8Array(bytes),
    worker,
    isEvalSupported: false,
    isOffscreenCanvasSupported: false,
    isImageDecoderSupported: false,
    useSystemFonts: false,
    disableFontFace: true,
    useWasm: false,
    enableXfa: false,
    cMapUrl: pdf.cMapDir,
    cMapPacked: true,
    verbosity: pdf.lib.VerbosityLevel.ERRORS,
  });
  const doc = await task.promise.catch((err: unknown) => {
    throw unreadable(err);
  });
  if (doc.numPages > limits.maxPages) {
    throw badRequest(`The PDF has ${doc.numPages} pages; at most ${limits.maxPages} are accepted. Split it.`);
  }
  return { pages: await readPages(doc, limits), title: await titleOf(doc) };
}

async function readPages(doc: PDFDocumentProxy, limits: PdfLimits): Promise<string[]> {
  const pages: string[] = [];
  let chars = 0;
  for (let n = 1; n <= doc.numPages; n++) {
    const page = await doc.getPage(n);
    const text = pageText(await pageRuns(page, n, limits));
    page.cleanup();
    chars += text.length;
    if (chars > limits.maxTextChars) {
      throw new NemoError(
        ErrorCode.PayloadTooLarge,
        `The PDF's text is longer than ${limits.maxTextChars} characters; split the file.`,
      );
    }
    pages.push(text);
  }
  return pages;
}

/**
 * A page's text runs, read as pdf.js streams them, so that a page drawn
 * with millions of runs is refused before it fills this thread's memory.
 */
async function pageRuns(page: PDFPageProxy, n: number, limits: PdfLimits): Promise<TextRun[]> {
  const runs: TextRun[] = [];
  const reader = (page.streamTextContent() as ReadableStream<{ items: object[] }>).getReader();
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
    runs.push(...chunk.value.items.filter(isTextRun));
    // The parser thread ends with the read, so the stream needs no cancelling.
    if (runs.length > limits.maxRunsPerPage) {
      throw badRequest(`Page ${n} of the PDF draws more than ${limits.maxRunsPerPage} pieces of text; split the file.`);
    }
  }
  return runs;
}

/** Text items have a string; marked-content items (not asked for, but typed so) do not. */
const isTextRun = (item: object): item is TextRun => typeof (item as { str?: unknown }).str === 'string';

async function titleOf(doc: PDFDocumentProxy): Promise<string | undefined> {
  const { info, metadata } = (await doc.getMetadata()) as {
    info: { Title?: unknown };
    metadata: { get(name: string): unknown } | null;
  };
  for (const candidate of [metadata?.get('dc:title'), info.Title]) {
    const title = typeof candidate === 'string' ? candidate.replace(/\s+/g, ' ').trim().slice(0, 512) : '';
    if (title !== '') return title;
  }
  return undefined;
}

/** pdf.js's errors carry parser detail: the client gets what to fix, the log gets the detail. */
function unreadable(cause: unknown): NemoError {
  const name = cause instanceof Error ? cause.name : '';
  const message =
    name === 'PasswordException'
      ? 'The PDF is encrypted with a password; send a copy without one.'
      : 'content is not a readable PDF (damaged or truncated); send the base64 of the whole, unmodified file.';
  return new NemoError(ErrorCode.BadRequest, message, { cause });
}

function fileTooLarge(limits: PdfLimits): NemoError {
  const mib = Math.floor(limits.maxBytes / MiB);
  return new NemoError(ErrorCode.PayloadTooLarge, `The PDF is larger than ${mib} MiB; split it.`);
}

function tooSlow(limits: PdfLimits): NemoError {
  return badRequest(
    `Reading the PDF took longer than ${limits.timeoutMs / 1000} s; split it, or send its text as text/plain.`,
  );
}

/** Out of memory is the file's doing; any other end of the thread is ours (a 500, logged). */
function threadFailed(cause: unknown): Error {
  const outOfMemory = (cause as { code?: unknown } | undefined)?.code === 'ERR_WORKER_OUT_OF_MEMORY';
  return outOfMemory ? tooMuchMemory(cause) : new Error('The PDF parser thread failed', { cause });
}

function tooMuchMemory(cause?: unknown): NemoError {
  return new NemoError(
    ErrorCode.BadRequest,
    'Reading the PDF needed more memory than a document may use; split it, or send its text as text/plain.',
    { cause },
  );
}
