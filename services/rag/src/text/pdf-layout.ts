/**
 * Turns the positioned text runs of a PDF page into lines and paragraphs.
 * A PDF has no paragraphs, only glyph runs drawn at positions: a run ends a
 * line when pdf.js says so (hasEOL) or when the next run sits on another
 * baseline, and a paragraph ends where the gap to the next line is wider than
 * the page's usual line spacing.
 */

/** A run of text as pdf.js reports it (its TextItem). */
export interface TextRun {
  str: string;
  /** The text matrix [a, b, c, d, e, f]: (e, f) is where the run starts on the page. */
  transform: number[];
  width: number;
  height: number;
  hasEOL: boolean;
}

interface Line {
  text: string;
  /** Baseline, in page units, growing upwards. */
  y: number;
  /** Font size of the line's first run. */
  size: number;
  /** Where the line's last run ends. */
  endX: number;
}

/** Runs on baselines closer than this share a line (sub- and superscripts stay on it). */
const SAME_LINE = 0.5;
/** A horizontal gap wider than this, with no space on either side, is a word break. */
const WORD_GAP = 0.15;
/** A line gap this much wider than the page's usual one starts a paragraph. */
const PARAGRAPH_GAP = 1.3;

/** A page's text: lines end with '\n', paragraphs with '\n\n'. */
export function pageText(runs: readonly TextRun[]): string {
  return joinLines(toLines(runs));
}

function toLines(runs: readonly TextRun[]): Line[] {
  const lines: Line[] = [];
  let line: Line | undefined;
  for (const run of runs) {
    if (line && !onLine(line, run)) line = undefined;
    if (run.str !== '') line = append(line, run, lines);
    if (run.hasEOL) line = undefined;
  }
  return lines.filter((l) => l.text.trim() !== '');
}

function append(line: Line | undefined, run: TextRun, lines: Line[]): Line {
  const [x = 0, y = 0] = run.transform.slice(4);
  if (!line) {
    const started = { text: run.str, y, size: sizeOf(run), endX: x + run.width };
    lines.push(started);
    return started;
  }
  const gap = x - line.endX;
  const glued = /\s$/.test(line.text) || /^\s/.test(run.str);
  line.text += !glued && gap > WORD_GAP * line.size ? ` ${run.str}` : run.str;
  line.endX = x + run.width;
  return line;
}

function onLine(line: Line, run: TextRun): boolean {
  const y = run.transform[5] ?? 0;
  return Math.abs(y - line.y) <= SAME_LINE * Math.max(line.size, sizeOf(run));
}

/** The run's font size: its height, or the scale of its matrix when pdf.js reports none. */
function sizeOf(run: TextRun): number {
  const [, , c = 0, d = 0] = run.transform;
  return run.height > 0 ? run.height : Math.hypot(c, d) || 1;
}

function joinLines(lines: readonly Line[]): string {
  const usual = usualGap(lines);
  return lines
    .map((line, i) => {
      const next = lines[i + 1];
      if (!next) return line.text;
      const gap = line.y - next.y;
      // A line above the previous one starts another column or text box.
      const paragraph = gap <= 0 || gap > PARAGRAPH_GAP * (usual ?? line.size * 1.2);
      return `${line.text}${paragraph ? '\n\n' : '\n'}`;
    })
    .join('');
}

/**
 * The page's line spacing: the lower quartile of the gaps between
 * consecutive lines, so that paragraph gaps (the wider ones) do not count
 * even when a page has many of them. Undefined for fewer than two gaps.
 */
function usualGap(lines: readonly Line[]): number | undefined {
  const gaps = lines
    .slice(1)
    .map((line, i) => lines[i]!.y - line.y)
    .filter((gap) => gap > 0)
    .sort((a, b) => a - b);
  return gaps.length < 2 ? undefined : gaps[Math.floor((gaps.length - 1) / 4)];
}
