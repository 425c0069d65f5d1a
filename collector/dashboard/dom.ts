// DOM building without HTML strings: every piece of data becomes a text node, so an event
// named `<img src=x onerror=…>` shows as those characters and never as markup. Styles are
// set through the CSSOM (el.style.setProperty), which the strict CSP allows.

/** What can go inside an element: nodes, text (numbers too), or nothing. */
export type Child = Node | string | number | null | undefined | false;

/** Attributes of {@link h}: `class`, `text`, `style` (CSSOM properties), `on*` listeners, the rest as attributes. */
export interface Attrs {
  class?: string | null;
  /** Extra custom properties and CSS properties, set through the CSSOM. */
  style?: Record<string, string>;
  [attribute: string]: unknown;
}

/**
 * Creates an element. Children that are strings or numbers become text nodes; attributes
 * starting with `on` become listeners; `style` is applied property by property.
 * @example h('td', { class: 'num' }, 42) // <td class="num">42</td>
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs?: Attrs | null,
  ...children: (Child | Child[])[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [key, value] of Object.entries(attrs)) {
      if (value === undefined || value === null || value === false) continue;
      if (key === 'style') {
        for (const [prop, v] of Object.entries(value as Record<string, string>)) el.style.setProperty(prop, v);
      } else if (key.startsWith('on')) {
        // Only functions: a string here would become an inline handler (and the CSP forbids them).
        if (typeof value === 'function') el.addEventListener(key.slice(2), value as EventListener);
      } else if (key === 'class') {
        el.className = String(value);
      } else {
        el.setAttribute(key, value === true ? '' : String(value));
      }
    }
  }
  append(el, ...children);
  return el;
}

/** Appends children (flattening arrays; strings and numbers as text). */
export function append(parent: Node, ...children: (Child | Child[])[]): void {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
  }
}

/** Replaces all children of `parent`. */
export function replace(parent: Element, ...children: (Child | Child[])[]): void {
  parent.replaceChildren();
  append(parent, ...children);
}

/** The element with this id (throws if the page shell lacks it: a build mistake). */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`dashboard: #${id} missing from index.html`);
  return el as T;
}
