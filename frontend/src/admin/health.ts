import { h, mount } from '../ui/dom.js';

interface Ready {
  status?: string;
  checks?: Record<string, string>;
}

/** The gateway's own readiness: whether it reaches its stores. */
export function healthSection(): HTMLElement {
  const body = h('div', { 'aria-busy': 'true' }, 'Checking…');
  fetch('/ready', { headers: { accept: 'application/json' } })
    .then(async (res) => {
      const ready = (await res.json().catch(() => ({}))) as Ready;
      const items = Object.entries(ready.checks ?? {}).map(([name, result]) =>
        h(
          'li',
          { class: result === 'ok' ? 'ok' : 'bad' },
          `${name}: ${result === 'ok' ? 'reachable' : `not reachable (${result})`}`,
        ),
      );
      const summary = res.ok
        ? 'The gateway is ready.'
        : 'The gateway is not ready: requests may fail until the items below recover.';
      mount(body, h('p', {}, summary), h('ul', { class: 'checks' }, ...items));
    })
    .catch(() => mount(body, h('p', { class: 'error' }, 'The gateway could not be reached. Check your connection.')))
    .finally(() => body.removeAttribute('aria-busy'));
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'health-title' },
    h('h2', { id: 'health-title' }, 'Platform health'),
    body,
  );
}
