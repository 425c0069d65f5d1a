// DOM helpers for the capture modules: what an element is called and what it says about itself.
import type { Props } from '../schema';

/** Nearest value of `data-<attr>` on the element or an ancestor. */
export const inherited = (el: Element, attr: string): string | undefined => el.closest(`[data-${attr}]`)?.getAttribute('data-' + attr)!;

/** `data-cjm-prop-*` attributes as props; numeric strings become numbers. */
export const propsOf = (el?: Element | null): Props => {
  const p: Props = {};
  for (const { name, value } of el?.attributes || [])
    if (name.startsWith('data-cjm-prop-')) p[name.slice(14)] = value && !isNaN(+value) ? +value : value;
  return p;
};

/** The touchpoint label of an element: data-cjm-touchpoint, else its visible label. */
export const label = (el: Element): string =>
  inherited(el, 'cjm-touchpoint') ||
  (el.getAttribute('aria-label') || el.textContent || (el as HTMLInputElement).value || el.tagName)
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 80);
