import { deflateSync } from 'node:zlib';

/**
 * Writes small, valid PDF files for tests: Helvetica text pages, image-only
 * pages, an Info title, an /Encrypt entry. Offsets in the cross-reference
 * table are computed, so pdf.js reads the files without repairing them.
 */
export interface PdfPage {
  /** Lines of text, 16 points apart; an empty string leaves a blank line (a paragraph gap). */
  lines?: string[];
  /** Draw a small grey image and no text, like a scanned page. */
  image?: boolean;
  /** Raw content stream operators, Flate-compressed (for hostile files). */
  deflated?: string;
  /** Japanese text in a non-embedded CID font: readable only with the predefined UniJIS-UCS2-H CMap. */
  japanese?: string;
}

export interface PdfOptions {
  title?: string;
  pages: PdfPage[];
  /** A standard security handler with a user password: readers must ask for it. */
  encrypted?: boolean;
}

const FONT = 3; // object number of the shared Helvetica font

export function pdfFile(options: PdfOptions): Uint8Array {
  const objects: Buffer[] = [];
  const add = (body: string | Buffer): number => objects.push(Buffer.isBuffer(body) ? body : latin1(body));
  add(''); // 1: catalog, written once the pages are known
  add(''); // 2: page tree
  add('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>');
  const kids = options.pages.map((page) => {
    const [resources, content] = pageContent(page, add);
    const stream = add(content);
    return add(
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources ${resources} /Contents ${stream} 0 R >>`,
    );
  });
  objects[0] = latin1('<< /Type /Catalog /Pages 2 0 R >>');
  objects[1] = latin1(`<< /Type /Pages /Kids [${kids.map((k) => `${k} 0 R`).join(' ')}] /Count ${kids.length} >>`);
  const info = options.title ? add(`<< /Title (${escape(options.title)}) /Producer (nemo tests) >>`) : undefined;
  const encrypt = options.encrypted ? add(encryptDictionary()) : undefined;
  const id = '<5f3c9a1e2b7d4c6a8e0f1a2b3c4d5e6f>';
  const trailer = [`/Size ${objects.length + 1} /Root 1 0 R`];
  if (info) trailer.push(`/Info ${info} 0 R`);
  if (encrypt) trailer.push(`/Encrypt ${encrypt} 0 R /ID [${id} ${id}]`);
  return assemble(objects, trailer.join(' '));
}

function pageContent(page: PdfPage, add: (body: string | Buffer) => number): [string, Buffer] {
  if (page.image) {
    const pixels = Buffer.from([0x20, 0xe0, 0xe0, 0x20]);
    const image = add(
      stream('/Type /XObject /Subtype /Image /Width 2 /Height 2 /ColorSpace /DeviceGray /BitsPerComponent 8', pixels),
    );
    return [`<< /XObject << /Im1 ${image} 0 R >> >>`, stream('', latin1('q 300 0 0 300 156 246 cm /Im1 Do Q'))];
  }
  if (page.japanese !== undefined) {
    const font = add(cidFont(add));
    const utf16 = Buffer.from(page.japanese, 'utf16le').swap16().toString('hex');
    return [`<< /Font << /F2 ${font} 0 R >> >>`, stream('', latin1(`BT /F2 12 Tf 72 720 Td <${utf16}> Tj ET`))];
  }
  const fonts = `<< /Font << /F1 ${FONT} 0 R >> >>`;
  if (page.deflated !== undefined) return [fonts, stream('/Filter /FlateDecode', deflateSync(latin1(page.deflated)))];
  const shown = (page.lines ?? []).map((line) => (line === '' ? 'T*' : `(${escape(line)}) Tj T*`));
  return [fonts, stream('', latin1(['BT', '/F1 12 Tf', '16 TL', '72 720 Td', ...shown, 'ET'].join('\n')))];
}

function cidFont(add: (body: string) => number): string {
  const descriptor = add(
    '<< /Type /FontDescriptor /FontName /KozMinPro-Regular /Flags 4 /FontBBox [0 -200 1000 900] /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 700 /StemV 80 >>',
  );
  const cid = add(
    `<< /Type /Font /Subtype /CIDFontType0 /BaseFont /KozMinPro-Regular /CIDSystemInfo << /Registry (Adobe) /Ordering (Japan1) /Supplement 2 >> /FontDescriptor ${descriptor} 0 R >>`,
  );
  return `<< /Type /Font /Subtype /Type0 /BaseFont /KozMinPro-Regular /Encoding /UniJIS-UCS2-H /DescendantFonts [${cid} 0 R] >>`;
}

/** RC4-40 with made-up keys: enough for a reader to see that the empty user password does not open it. */
function encryptDictionary(): string {
  const hex = (byte: string) => `<${byte.repeat(32)}>`;
  return `<< /Filter /Standard /V 1 /R 2 /O ${hex('a1')} /U ${hex('b2')} /P -44 >>`;
}

function stream(dictionary: string, data: Buffer): Buffer {
  return Buffer.concat([latin1(`<< ${dictionary} /Length ${data.length} >>\nstream\n`), data, latin1('\nendstream')]);
}

function assemble(objects: Buffer[], trailer: string): Uint8Array {
  const parts = [latin1('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n')];
  let offset = parts[0]!.length;
  const offsets = objects.map((body, i) => {
    const at = offset;
    const object = Buffer.concat([latin1(`${i + 1} 0 obj\n`), body, latin1('\nendobj\n')]);
    parts.push(object);
    offset += object.length;
    return at;
  });
  const xref = offsets.map((at) => `${String(at).padStart(10, '0')} 00000 n \n`).join('');
  parts.push(
    latin1(
      `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${xref}trailer\n<< ${trailer} >>\nstartxref\n${offset}\n%%EOF\n`,
    ),
  );
  return new Uint8Array(Buffer.concat(parts));
}

const latin1 = (text: string): Buffer => Buffer.from(text, 'latin1');
const escape = (text: string): string => text.replace(/[\\()]/g, (c) => `\\${c}`);
