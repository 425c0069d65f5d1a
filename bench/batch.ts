// Realistic /collect bodies for the Node load benchmarks: one 20-event batch per request, as a
// page view with a few interactions sends it, with event ids unique per request so every
// request stores 20 new rows (nothing is skipped as a duplicate).

/** Events per batch: what a page view plus a few interactions sends. */
export const BATCH_EVENTS = 20;

/** Distinct visitors the requests cycle through, so sessions and visitors get updated, not only created. */
const VISITORS = 500;

const ID = '@ID@';
const VISITOR = '@V@';
const UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';

/** Request headers the SDK's fetch sends (text/plain: no CORS preflight). */
export const BATCH_HEADERS = { 'content-type': 'text/plain;charset=UTF-8', 'user-agent': UA };

/** One page view of a product page: view, scroll, clicks, checkout steps, an obstacle, feedback. */
function templateEvents(now: number): object[] {
  const page = {
    url: 'https://shop.example/products/trail-runner?utm_source=newsletter&utm_medium=email',
    path: '/products/trail-runner',
    title: 'Trail Runner — Shop',
  };
  const kinds: Record<string, unknown>[] = [
    { type: 'pageview', name: page.path, referrer: 'https://www.google.com/', stage: 'consideration', touchpoint: page.path },
    {
      type: 'checkout',
      name: 'view_item',
      stage: 'decision',
      props: { value: 129, currency: 'EUR', items: [{ item_id: 'trail-runner', price: 129, quantity: 1 }] },
    },
    { type: 'event', name: 'click', touchpoint: 'gallery next', props: { label: 'Next image', position: 2 } },
    { type: 'event', name: 'click', touchpoint: 'gallery next', props: { label: 'Next image', position: 3 } },
    { type: 'event', name: 'size_select', touchpoint: 'size picker', props: { size: '42' } },
    { type: 'event', name: 'click', touchpoint: 'reviews tab', props: { label: 'Reviews (128)' } },
    { type: 'engagement', name: 'engagement', props: { engaged_ms: 8200, scroll: 45 } },
    {
      type: 'event',
      name: 'outbound',
      touchpoint: 'size guide pdf',
      props: { href: 'https://cdn.shop.example/size-guide.pdf', download: true },
    },
    { type: 'pain', name: 'rage_click', touchpoint: 'color swatch', props: { clicks: 4, selector: 'button.swatch' } },
    { type: 'event', name: 'color_select', touchpoint: 'color swatch', props: { color: 'forest' } },
    {
      type: 'checkout',
      name: 'add_to_cart',
      stage: 'decision',
      touchpoint: 'add to cart',
      props: { value: 129, currency: 'EUR', items: [{ item_id: 'trail-runner', price: 129, quantity: 1 }] },
    },
    { type: 'event', name: 'click', touchpoint: 'mini cart', props: { label: 'Cart (1)' } },
    { type: 'event', name: 'form_start', touchpoint: 'newsletter form', props: { form: 'newsletter' } },
    { type: 'pain', name: 'form_error', touchpoint: 'newsletter form', props: { form: 'newsletter', fields: 1 } },
    { type: 'event', name: 'form_submit', touchpoint: 'newsletter form', props: { form: 'newsletter' } },
    { type: 'feedback', name: 'feedback', touchpoint: 'product page', props: { score: 4, comment: 'Sizes were easy to find' } },
    { type: 'event', name: 'search', touchpoint: 'site search', props: { term: 'trail socks' } },
    { type: 'vital', name: 'LCP', props: { value: 1840, rating: 'good' } },
    { type: 'event', name: 'click', touchpoint: 'related product', props: { label: 'Trail Socks', position: 1 } },
    { type: 'engagement', name: 'engagement', props: { engaged_ms: 21400, scroll: 90 } },
  ];
  return kinds.slice(0, BATCH_EVENTS).map((kind, i) => ({
    id: `${ID}-${i}`,
    ts: now - (BATCH_EVENTS - i) * 1500,
    visitor: `v${VISITOR}`,
    session: `s${VISITOR}`,
    url: page.url,
    path: page.path,
    title: page.title,
    ...kind,
  }));
}

/** One request body and the key its event ids start with (`<key>-0` … `<key>-19`). */
export interface BatchBody {
  key: string;
  body: string;
}

/**
 * Makes request bodies cheaply (the load generator shares the 2 cores with the server, so it
 * must not spend them on JSON.stringify): a template serialised once a second, then two string
 * substitutions per request.
 * @example const next = batchBodies('run1'); const { key, body } = next();
 */
export function batchBodies(runKey: string): () => BatchBody {
  let n = 0;
  let template = '';
  let madeAt = 0;
  return () => {
    const now = Date.now();
    if (now - madeAt >= 1000) {
      template = JSON.stringify({ site: 'shop', sent: now, events: templateEvents(now) });
      madeAt = now;
    }
    const i = n++;
    const key = `${runKey}-${i.toString(36)}`;
    return { key, body: template.replaceAll(ID, key).replaceAll(VISITOR, `${runKey}-${i % VISITORS}`) };
  };
}
