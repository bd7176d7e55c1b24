import { h } from '../ui/dom.js';
import type { EmotionPoint, GpuQueue, Meta, Rag, Terms, Usage } from './api.js';
import { bucketLabel, chartFigure, formatMs, formatNumber, PALETTE } from './charts.js';

const empty = (what: string): HTMLElement =>
  h(
    'p',
    { class: 'empty' },
    `No ${what} in this time range yet. Pick a longer range, or come back once the platform has been used.`,
  );

const colour = (i: number): string => PALETTE[i % PALETTE.length] ?? '#888';

/** Emotion labels over time, stacked per bucket. */
export function emotionSection(data: { points: EmotionPoint[] } & Meta): HTMLElement {
  if (data.points.length === 0) return empty('emotion results');
  const buckets = [...new Set(data.points.map((p) => p.bucket))];
  const labels = [...new Set(data.points.map((p) => p.label))].sort();
  const count = (bucket: string, label: string) =>
    data.points.filter((p) => p.bucket === bucket && p.label === label).reduce((n, p) => n + p.count, 0);
  const totals = labels.map((l) => `${l} ${buckets.reduce((n, b) => n + count(b, l), 0)}`).join(', ');
  return chartFigure('Emotions over time', `Segments per emotion: ${totals}.`, {
    type: 'bar',
    data: {
      labels: buckets.map((b) => bucketLabel(b, data.interval)),
      datasets: labels.map((label, i) => ({
        label,
        data: buckets.map((b) => count(b, label)),
        backgroundColor: colour(i),
      })),
    },
    options: {
      scales: {
        x: { stacked: true },
        y: { stacked: true, beginAtZero: true, title: { display: true, text: 'segments' } },
      },
    },
  });
}

/** A labelled meter of usage against its budget, with the numbers in words too. */
function budgetMeter(label: string, used: number, budget: number, unit: string): HTMLElement {
  const id = `meter-${label.replace(/\W+/g, '-')}`;
  const share = budget > 0 ? used / budget : 0;
  return h(
    'div',
    { class: 'budget' },
    h('label', { for: id }, label),
    h('meter', {
      id,
      min: 0,
      max: Math.max(budget, used, 1),
      low: budget * 0.7,
      high: budget * 0.9,
      optimum: 0,
      value: used,
    }),
    h('span', {}, `${formatNumber(used)} of ${formatNumber(budget)} ${unit} (${Math.round(share * 100)}%)`),
  );
}

/** Usage per bucket, and each tenant's use of its budget for the range. */
export function usageSection(data: Usage & Meta): HTMLElement {
  if (data.tenants.length === 0) return empty('usage');
  const meters = data.tenants.flatMap((t) => [
    budgetMeter(`${t.tenant}: chat tokens`, t.chatTokens, t.chatTokensBudget, 'tokens'),
    budgetMeter(`${t.tenant}: audio seconds`, t.audioSeconds, t.audioSecondsBudget, 's'),
  ]);
  const chart = chartFigure(
    'Chat tokens over time',
    `${formatNumber(data.timeline.reduce((n, p) => n + p.chatTokens, 0))} tokens in the range.`,
    {
      type: 'bar',
      data: {
        labels: data.timeline.map((p) => bucketLabel(p.bucket, data.interval)),
        datasets: [
          {
            label: 'chat tokens',
            data: data.timeline.map((p) => p.chatTokens),
            backgroundColor: colour(0),
            yAxisID: 'y',
          },
          {
            label: 'audio seconds',
            data: data.timeline.map((p) => p.audioSeconds),
            backgroundColor: colour(2),
            yAxisID: 'y1',
          },
        ],
      },
      options: {
        scales: {
          y: { beginAtZero: true },
          y1: { beginAtZero: true, position: 'right', grid: { drawOnChartArea: false } },
        },
      },
    },
  );
  const rows = data.users.map((u) =>
    h(
      'tr',
      {},
      h('td', {}, u.tenant),
      h('td', {}, u.userId || '(platform)'),
      h('td', { class: 'num' }, formatNumber(u.chatTokens)),
      h('td', { class: 'num' }, formatNumber(u.audioSeconds)),
    ),
  );
  const table = h(
    'table',
    {},
    h('caption', {}, 'Usage per user'),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, 'Tenant'),
        h('th', { scope: 'col' }, 'User'),
        h('th', { scope: 'col' }, 'Chat tokens'),
        h('th', { scope: 'col' }, 'Audio s'),
      ),
    ),
    h('tbody', {}, ...rows),
  );
  return h(
    'div',
    { class: 'stack' },
    h('div', { class: 'meters' }, ...meters),
    chart,
    h('div', { class: 'table-scroll' }, table),
  );
}

/** GPU queue waits per class: p50 and p95 bars, with denials in the summary. */
export function gpuSection(data: GpuQueue & Meta): HTMLElement {
  if (data.classes.length === 0) return empty('GPU queue activity');
  const summary = data.classes
    .map((c) => `${c.class}: p50 ${formatMs(c.p50Ms)}, p95 ${formatMs(c.p95Ms)}, ${c.denied} denied`)
    .join('; ');
  return chartFigure('GPU queue wait by class', `${summary}.`, {
    type: 'bar',
    data: {
      labels: data.classes.map((c) => c.class),
      datasets: [
        { label: 'p50 wait (ms)', data: data.classes.map((c) => c.p50Ms ?? 0), backgroundColor: colour(0) },
        { label: 'p95 wait (ms)', data: data.classes.map((c) => c.p95Ms ?? 0), backgroundColor: colour(3) },
        { label: 'denied', data: data.classes.map((c) => c.denied), backgroundColor: colour(1), yAxisID: 'y1' },
      ],
    },
    options: {
      scales: {
        y: { beginAtZero: true },
        y1: { beginAtZero: true, position: 'right', grid: { drawOnChartArea: false } },
      },
    },
  });
}

/** RAG query volume over time and the share that found nothing. */
export function ragSection(data: Rag & Meta): HTMLElement {
  if (data.queries === 0) return empty('document searches');
  const share = data.emptyShare === null ? '—' : `${Math.round(data.emptyShare * 100)}%`;
  return chartFigure('Document search volume', `${data.queries} searches, ${share} found nothing.`, {
    type: 'line',
    data: {
      labels: data.timeline.map((p) => bucketLabel(p.bucket, data.interval)),
      datasets: [
        {
          label: 'searches',
          data: data.timeline.map((p) => p.queries),
          borderColor: colour(0),
          backgroundColor: colour(0),
        },
        {
          label: 'no results',
          data: data.timeline.map((p) => p.empty),
          borderColor: colour(1),
          backgroundColor: colour(1),
        },
      ],
    },
    options: { scales: { y: { beginAtZero: true } } },
  });
}

/** The most frequent transcript words, as a ranked list with bars. */
export function termsSection(data: Terms): HTMLElement {
  if (data.terms.length === 0) return empty('transcripts');
  const top = data.terms[0]?.count ?? 1;
  return h(
    'ol',
    { class: 'terms' },
    ...data.terms.map((t) =>
      h(
        'li',
        {},
        h('span', { class: 'term' }, t.term),
        h('span', { class: 'bar', style: `width:${(100 * t.count) / top}%` }),
        h('span', { class: 'num' }, String(t.count)),
      ),
    ),
  );
}
