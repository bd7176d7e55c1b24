import { h } from './dom.js';

type Theme = 'light' | 'dark';
const KEY = 'nemo.theme';

/** The saved choice, else the system's. */
function current(): Theme {
  const saved = localStorage.getItem(KEY);
  if (saved === 'light' || saved === 'dark') return saved;
  return matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

export function applyTheme(theme: Theme = current()): void {
  document.documentElement.dataset['theme'] = theme;
  window.dispatchEvent(new Event('nemo:theme'));
}

/** A real toggle button: its pressed state tells assistive tech which mode is on. */
export function themeToggle(): HTMLButtonElement {
  const button = h(
    'button',
    { type: 'button', class: 'ghost', 'aria-pressed': String(current() === 'dark') },
    'Dark mode',
  );
  button.addEventListener('click', () => {
    const next: Theme = current() === 'dark' ? 'light' : 'dark';
    localStorage.setItem(KEY, next);
    applyTheme(next);
    button.setAttribute('aria-pressed', String(next === 'dark'));
  });
  return button;
}
