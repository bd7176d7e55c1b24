import { getJson } from '../api/client.js';
import { messageOf } from '../api/errors.js';
import { h, mount } from '../ui/dom.js';

interface Ready {
  status?: string;
  checks?: Record<string, string>;
}

interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

/** GET /admin/platform (services/gateway/src/platform/platform-health.ts). */
interface PlatformHealth {
  mode: 'cluster' | 'local';
  peers: { service: string; ready: boolean; detail: string }[];
  platform?: {
    name: string;
    namespace: string;
    status: {
      phase?: string;
      conditions?: Condition[];
      components?: Record<string, { ready: number; desired: number }>;
    };
  };
  platformError?: string;
}

const checkItem = (ok: boolean, text: string): HTMLElement => h('li', { class: ok ? 'ok' : 'bad' }, text);

/** The gateway's own readiness: whether it reaches its stores. */
async function gatewayView(): Promise<HTMLElement[]> {
  const res = await fetch('/ready', { headers: { accept: 'application/json' } });
  const ready = (await res.json().catch(() => ({}))) as Ready;
  const items = Object.entries(ready.checks ?? {}).map(([name, result]) =>
    checkItem(result === 'ok', `${name}: ${result === 'ok' ? 'reachable' : `not reachable (${result})`}`),
  );
  const summary = res.ok
    ? 'The gateway is ready.'
    : 'The gateway is not ready: requests may fail until the items below recover.';
  return [h('p', {}, summary), h('ul', { class: 'checks' }, ...items)];
}

/** Ready pods against desired, per component, as bars. */
function componentBars(components: Record<string, { ready: number; desired: number }>): HTMLElement {
  const rows = Object.entries(components).map(([name, { ready, desired }]) =>
    h(
      'li',
      {},
      h('span', {}, `${name}: ${String(ready)} of ${String(desired)} ready`),
      h('progress', { max: Math.max(desired, 1), value: ready, 'aria-label': `${name} pods ready` }),
    ),
  );
  return h('ul', { class: 'components' }, ...rows);
}

function platformView(health: PlatformHealth): HTMLElement[] {
  if (health.mode === 'local') return [h('p', {}, 'Running locally (npm start): there is no NemoPlatform to show.')];
  const platform = health.platform;
  if (!platform) return [h('p', { class: 'error' }, health.platformError ?? 'The platform status is not available.')];
  const { phase = 'Unknown', conditions = [], components } = platform.status;
  return [
    h('p', {}, `NemoPlatform ${platform.namespace}/${platform.name}: `, h('strong', {}, phase)),
    h(
      'ul',
      { class: 'checks' },
      ...conditions.map((c) => checkItem(c.status === 'True', `${c.type}: ${c.message ?? c.reason ?? c.status}`)),
    ),
    ...(components ? [componentBars(components)] : []),
  ];
}

async function servicesView(): Promise<HTMLElement[]> {
  const health = await getJson<PlatformHealth>('/admin/platform');
  const peers = health.peers.map((p) => checkItem(p.ready, `${p.service}: ${p.detail}`));
  return [
    h('h3', {}, 'Services'),
    peers.length ? h('ul', { class: 'checks' }, ...peers) : h('p', {}, 'No services are configured.'),
    h('h3', {}, 'Platform'),
    ...platformView(health),
  ];
}

/** Platform health: the gateway's stores, each service's readiness, and the NemoPlatform status in a cluster. */
export function healthSection(): HTMLElement {
  const body = h('div', { 'aria-busy': 'true' }, 'Checking…');
  const gateway = gatewayView().catch(() => [
    h('p', { class: 'error' }, 'The gateway could not be reached. Check your connection.'),
  ]);
  const services = servicesView().catch((err: unknown) => [h('p', { class: 'error' }, messageOf(err))]);
  void Promise.all([gateway, services])
    .then(([g, s]) => mount(body, ...g, ...s))
    .finally(() => body.removeAttribute('aria-busy'));
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'health-title' },
    h('h2', { id: 'health-title' }, 'Platform health'),
    body,
  );
}
