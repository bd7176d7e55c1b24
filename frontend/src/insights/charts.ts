import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartConfiguration,
} from 'chart.js';
import { h } from '../ui/dom.js';

Chart.register(
  BarController,
  BarElement,
  LineController,
  LineElement,
  PointElement,
  CategoryScale,
  LinearScale,
  Legend,
  Tooltip,
);

/** Series colours that read on light and dark backgrounds, and differ in lightness for colour-blind users. */
export const PALETTE = ['#2563eb', '#dc2626', '#16a34a', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#65a30d'];

const cssVar = (name: string): string => getComputedStyle(document.documentElement).getPropertyValue(name).trim();

/**
 * A chart on a canvas with a text summary as its accessible name (charts
 * are images to a screen reader). Charts follow the theme's colours.
 */
export function chartFigure(title: string, summary: string, config: ChartConfiguration): HTMLElement {
  const canvas = h('canvas', { role: 'img', 'aria-label': `${title}. ${summary}` });
  setDefaultColours();
  const chart = new Chart(canvas, {
    ...config,
    options: { responsive: true, maintainAspectRatio: false, animation: false, ...config.options },
  });
  canvas.dataset['chart'] = String(chart.id);
  return h(
    'figure',
    { class: 'chart' },
    h('figcaption', {}, title),
    h('div', { class: 'canvas-box' }, canvas),
    h('p', { class: 'summary' }, summary),
  );
}

function setDefaultColours(): { text: string; grid: string } {
  const colours = { text: cssVar('--text') || '#111', grid: cssVar('--border') || '#ddd' };
  Chart.defaults.color = colours.text;
  Chart.defaults.borderColor = colours.grid;
  return colours;
}

interface Recolourable {
  ticks?: { color?: unknown };
  grid?: { color?: unknown };
  title?: { color?: unknown };
}

/** Charts on screen take the new theme's colours in place: axis text must stay readable in dark mode. */
function recolourCharts(): void {
  const { text, grid } = setDefaultColours();
  for (const chart of Object.values(Chart.instances)) {
    for (const scale of Object.values(chart.options.scales ?? {}) as Recolourable[]) {
      scale.ticks = { ...scale.ticks, color: text };
      scale.grid = { ...scale.grid, color: grid };
      scale.title = { ...scale.title, color: text };
    }
    const legend = chart.options.plugins?.legend;
    if (legend) legend.labels = { ...legend.labels, color: text };
    chart.update('none');
  }
}
window.addEventListener('nemo:theme', recolourCharts);

/** Bucket labels: hours as "Jan 5 10:00", days as "Jan 5". */
export function bucketLabel(iso: string, interval: 'hour' | 'day'): string {
  const d = new Date(iso);
  const day = d.toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
  return interval === 'day' ? day : `${day} ${d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })}`;
}

export const formatNumber = (n: number): string =>
  new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 }).format(n);
export const formatMs = (ms: number | null): string =>
  ms === null ? '—' : ms >= 1000 ? `${formatNumber(ms / 1000)} s` : `${ms} ms`;
