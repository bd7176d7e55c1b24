import { messageOf } from '../api/errors.js';
import { session } from '../api/session.js';
import { insightsApi, type RangeChoice } from '../insights/api.js';
import { emotionSection, gpuSection, ragSection, termsSection, usageSection } from '../insights/sections.js';
import { field, h, liveRegion, mount } from '../ui/dom.js';

const PRESETS: readonly [string, number][] = [
  ['Last 24 hours', 1],
  ['Last 7 days', 7],
  ['Last 30 days', 30],
  ['Last 90 days', 90],
];

interface Panel {
  title: string;
  load(range: RangeChoice): Promise<HTMLElement>;
}

const PANELS: readonly Panel[] = [
  { title: 'Emotion over time', load: async (r) => emotionSection(await insightsApi.emotions(r)) },
  { title: 'Usage against budget', load: async (r) => usageSection(await insightsApi.usage(r)) },
  { title: 'GPU queue waits', load: async (r) => gpuSection(await insightsApi.gpuQueue(r)) },
  { title: 'Document searches', load: async (r) => ragSection(await insightsApi.rag(r)) },
  { title: 'Top transcript terms', load: async (r) => termsSection(await insightsApi.terms(r)) },
];

/** Dashboards over the insights service, with time-range controls (and a tenant filter for admins). */
export function insightsPage(): HTMLElement {
  const preset = h(
    'select',
    { name: 'range' },
    ...PRESETS.map(([label, days]) => h('option', { value: String(days), selected: days === 7 }, label)),
  );
  const tenant = h('input', { name: 'tenant', placeholder: 'all tenants', autocomplete: 'off' });
  const status = liveRegion();
  const grid = h('div', { class: 'panels' });
  const isAdmin = session.me?.role === 'admin';

  const refresh = (): void => {
    const to = new Date();
    const from = new Date(to.getTime() - Number(preset.value) * 86_400_000);
    const range: RangeChoice = {
      from: from.toISOString(),
      to: to.toISOString(),
      tenant: tenant.value.trim() || undefined,
    };
    status.textContent = 'Loading…';
    const sections = PANELS.map((p) => {
      const body = h('div', { class: 'panel-body', 'aria-busy': 'true' }, 'Loading…');
      const section = h('section', { class: 'card panel', 'aria-label': p.title }, h('h2', {}, p.title), body);
      void p
        .load(range)
        .then((el) => mount(body, el))
        .catch((err: unknown) => mount(body, h('p', { class: 'error', role: 'alert' }, messageOf(err))))
        .finally(() => body.removeAttribute('aria-busy'));
      return section;
    });
    mount(grid, ...sections);
    status.textContent = `Showing ${preset.selectedOptions[0]?.textContent?.toLowerCase() ?? ''}.`;
  };

  const controls = h(
    'form',
    { class: 'controls', 'aria-label': 'Time range' },
    field('Time range', preset),
    isAdmin && field('Tenant', tenant),
    h('button', { type: 'submit' }, 'Update'),
  );
  controls.addEventListener('submit', (e) => {
    e.preventDefault();
    refresh();
  });
  preset.addEventListener('change', refresh);
  refresh();
  return h('div', { class: 'page insights' }, h('h1', {}, 'Insights'), controls, status, grid);
}
