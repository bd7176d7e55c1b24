type Child = Node | string | null | undefined | false;
type Attrs = Record<string, string | number | boolean | EventListener | undefined>;

/**
 * Builds an element. Attributes starting with `on` become listeners; text
 * children become text nodes, so user content is never parsed as HTML.
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) setAttr(el, name, value);
  el.append(...children.filter((c): c is Node | string => c !== null && c !== undefined && c !== false));
  return el;
}

function setAttr(el: HTMLElement, name: string, value: Attrs[string]): void {
  if (value === undefined || value === false) return;
  if (typeof value === 'function') el.addEventListener(name.slice(2), value);
  else el.setAttribute(name, value === true ? '' : String(value));
}

/** Replaces an element's children. */
export function mount(parent: Element, ...children: Child[]): void {
  parent.replaceChildren(...children.filter((c): c is Node | string => c !== null && c !== undefined && c !== false));
}

let ids = 0;
/** A unique id for label/aria wiring. */
export const uid = (prefix: string): string => `${prefix}-${++ids}`;

/** A labelled form field: the label names the input for screen readers and clicks. */
export function field(label: string, input: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement): HTMLElement {
  input.id ||= uid('field');
  return h('div', { class: 'field' }, h('label', { for: input.id }, label), input);
}

/** A status line announced by screen readers when it changes. */
export function liveRegion(className = 'status'): HTMLElement {
  return h('p', { class: className, role: 'status', 'aria-live': 'polite' });
}
